using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisBackup;

/// <summary>Wires the function from its environment (see <see cref="RedisJobServices"/> for the variables).</summary>
public sealed class RedisBackupEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(RedisJobServices.FromEnvironment(environment, new RdbFileInspector()));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(RedisJobServices services) =>
        new LambdaFunction<RedisBackupRequest, RedisBackupResult>(
            "RedisBackup",
            new RedisBackupHandler(new RedisBackupJob(services)),
            RedisBackupJsonContext.Default.RedisBackupRequest,
            RedisBackupJsonContext.Default.RedisBackupResult);
}
