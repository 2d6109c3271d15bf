using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisVerify;

/// <summary>Wires the function from its environment (see <see cref="RedisJobServices"/> for the variables).</summary>
public sealed class RedisVerifyEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(RedisJobServices.FromEnvironment(environment, new RdbFileInspector()));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(RedisJobServices services) =>
        new LambdaFunction<RedisVerifyRequest, RedisVerifyResult>(
            "RedisVerify",
            new RedisVerifyHandler(new RedisVerifyJob(services)),
            RedisVerifyJsonContext.Default.RedisVerifyRequest,
            RedisVerifyJsonContext.Default.RedisVerifyResult);
}
