using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisRestore;

/// <summary>Wires the function from its environment (see <see cref="RedisJobServices"/> for the variables).</summary>
public sealed class RedisRestoreEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(RedisJobServices.FromEnvironment(environment, new RdbFileInspector()));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(RedisJobServices services) =>
        new LambdaFunction<RedisRestoreRequest, RedisRestoreResult>(
            "RedisRestore",
            new RedisRestoreHandler(new RedisRestoreJob(services)),
            RedisRestoreJsonContext.Default.RedisRestoreRequest,
            RedisRestoreJsonContext.Default.RedisRestoreResult);
}
