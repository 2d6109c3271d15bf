using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisStage;

/// <summary>Adapter: runs <see cref="RedisStageJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class RedisStageHandler(RedisStageJob job) : ILambdaHandler<RedisStageRequest, RedisStageResult>
{
    public Task<RedisStageResult> HandleAsync(RedisStageRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
