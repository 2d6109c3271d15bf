using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>Adapter: runs <see cref="PostgresAssessJob"/> with the invocation's logger and deadline.</summary>
public sealed class PostgresAssessHandler(PostgresAssessJob job) : ILambdaHandler<PostgresAssessRequest, PostgresAssessResult>
{
    public Task<PostgresAssessResult> HandleAsync(PostgresAssessRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
