using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisAssess;

/// <summary>Adapter: runs <see cref="RedisAssessJob"/> with the invocation's logger and deadline.</summary>
public sealed class RedisAssessHandler(RedisAssessJob job) : ILambdaHandler<RedisAssessRequest, RedisAssessResult>
{
    public Task<RedisAssessResult> HandleAsync(RedisAssessRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
