using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresRestore;

/// <summary>Adapter: runs <see cref="PostgresRestoreJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class PostgresRestoreHandler(PostgresRestoreJob job) : ILambdaHandler<PostgresRestoreRequest, PostgresRestoreResult>
{
    public Task<PostgresRestoreResult> HandleAsync(PostgresRestoreRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
