using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisRestore;

/// <summary>Adapter: runs <see cref="RedisRestoreJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class RedisRestoreHandler(RedisRestoreJob job) : ILambdaHandler<RedisRestoreRequest, RedisRestoreResult>
{
    public Task<RedisRestoreResult> HandleAsync(RedisRestoreRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
