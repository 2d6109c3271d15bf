using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisAssess;

/// <summary>Wires the function from its environment (see <see cref="RedisJobServices"/> for the variables).</summary>
public sealed class RedisAssessEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(RedisJobServices.FromEnvironment(environment, new RdbFileInspector()));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(RedisJobServices services) =>
        new LambdaFunction<RedisAssessRequest, RedisAssessResult>(
            "RedisAssess",
            new RedisAssessHandler(new RedisAssessJob(services)),
            RedisAssessJsonContext.Default.RedisAssessRequest,
            RedisAssessJsonContext.Default.RedisAssessResult);
}
