using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresVerify;

/// <summary>Adapter: runs <see cref="PostgresVerifyJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class PostgresVerifyHandler(PostgresVerifyJob job) : ILambdaHandler<PostgresVerifyRequest, PostgresVerifyResult>
{
    public Task<PostgresVerifyResult> HandleAsync(PostgresVerifyRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
