using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisVerify;

/// <summary>Adapter: runs <see cref="RedisVerifyJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class RedisVerifyHandler(RedisVerifyJob job) : ILambdaHandler<RedisVerifyRequest, RedisVerifyResult>
{
    public Task<RedisVerifyResult> HandleAsync(RedisVerifyRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
