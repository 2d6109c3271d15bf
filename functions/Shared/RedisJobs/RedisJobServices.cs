using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Redis.Replication;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// What the Redis jobs are wired with: the job layer's services (see <see cref="JobServices"/> for their variables), the stack's
/// Redis secret (<c>REDIS_SECRET_ID</c>), the RDB inspector and the replication client's timeouts.
/// </summary>
public sealed class RedisJobServices(JobServices jobs, string redisSecretId, IRdbInspector inspector, RedisReplicationOptions? replication = null)
{
    public const string RedisSecretVariable = "REDIS_SECRET_ID";

    public JobServices Jobs { get; } = jobs;

    /// <summary>The stack's Redis secret, used when a request names none.</summary>
    public string RedisSecretId { get; } = redisSecretId;

    /// <summary>Reads each RDB as it streams into the catalog.</summary>
    public IRdbInspector Inspector { get; } = inspector;

    /// <summary>The replication client's timeouts.</summary>
    public RedisReplicationOptions Replication { get; } = replication ?? RedisReplicationOptions.Default;

    /// <summary>Reads the environment; a missing or bad variable is a <see cref="FunctionConfigurationException"/> naming it.</summary>
    public static RedisJobServices FromEnvironment(IReadOnlyDictionary<string, string> environment, IRdbInspector inspector, ISecretSource? secrets = null,
        TimeProvider? time = null) =>
        new(JobServices.FromEnvironment(environment, secrets, time),
            new EnvironmentSettings(environment).Required(RedisSecretVariable, "the stack's Redis Secrets Manager secret"),
            inspector);
}
