using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisStage;

/// <summary>Wires the function from its environment (<see cref="RedisJobServices"/> and <see cref="RedisStagingSettings"/> name the variables).</summary>
public sealed class RedisStageEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(RedisJobServices.FromEnvironment(environment, new RdbFileInspector()), RedisStagingSettings.FromEnvironment(environment));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(RedisJobServices services, RedisStagingSettings staging) =>
        new LambdaFunction<RedisStageRequest, RedisStageResult>(
            "RedisStage",
            new RedisStageHandler(new RedisStageJob(services, staging)),
            RedisStageJsonContext.Default.RedisStageRequest,
            RedisStageJsonContext.Default.RedisStageResult);
}
