using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/restore-redis.asl.json's input: which backup (by id, or the newest verified one completed at or before
/// <c>time</c>, default now), where it goes (<c>kind</c>: a new ElastiCache replication group from the staged RDB, or the
/// <c>target</c> self-managed server the operator or platform started, filled with flush-first), whether the application is
/// switched to it, and the poll cap, health URL and reason.
/// </summary>
public sealed record RestoreRedisInput : IFlowInput
{
    public static string Flow => "restore-redis";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["before"] = "the field is time (RFC 3339): the newest verified backup completed at or before it is restored",
        ["mode"] = "the flow always fills the new server flush-first; for keep-existing or replace into a live server, invoke RedisRestore",
        ["pattern"] = "the flow restores the whole backup; for some keys, invoke RedisRestore with pattern",
        ["redis"] = "the field is target: the new server the backup is restored into (never the production one)",
    };

    /// <summary>The backup to restore; default the newest verified one at or before <see cref="Time"/>.</summary>
    public string? BackupId { get; init; }

    /// <summary>Restore the newest verified backup completed at or before this time (RFC 3339); default now.</summary>
    public string? Time { get; init; }

    /// <summary>The catalog source name; default the stack's BackupSource.</summary>
    public string? Source { get; init; }

    /// <summary><c>self-managed</c> or <c>elasticache</c>; default the stack's RedisKind.</summary>
    public string? Kind { get; init; }

    /// <summary>Self-managed: the new server to restore into (required there).</summary>
    public RedisTargetInput? Target { get; init; }

    /// <summary>ElastiCache: the new replication group's id; default <c>dr-&lt;uuid&gt;</c>.</summary>
    public string? ReplicationGroupId { get; init; }

    /// <summary>Whether the application's Redis ConfigMap is switched to the restored server and the application restarted; default true.</summary>
    public bool? SwitchApplication { get; init; }

    /// <summary>How many times the new replication group is polled, 15 s apart; default 80.</summary>
    public int? MaxPolls { get; init; }

    /// <summary>The platform's health URL checked after the switch; default the stack's ServiceHealthUrl.</summary>
    public string? HealthUrl { get; init; }

    /// <summary>Why the restore runs (audited).</summary>
    public string? Reason { get; init; }

    /// <summary>Who asked; default the execution.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        FlowInputFields.NotEmptyWhenGiven(BackupId, "backupId");
        FlowInputFields.Timestamp(Time, "time");
        FlowInputFields.NotEmptyWhenGiven(Source, "source");
        FlowInputFields.OneOf(Kind, "kind", "self-managed", "elasticache");
        Target?.Validate("target");
        if (Kind == "self-managed" && Target is null)
        {
            throw new InvalidInputException("target", "is required with kind self-managed: the new server the backup is restored into");
        }

        FlowInputFields.NotEmptyWhenGiven(ReplicationGroupId, "replicationGroupId");
        FlowInputFields.AtLeast(MaxPolls, 1, "maxPolls");
        if (HealthUrl is not null)
        {
            Require.HttpUrl(HealthUrl, "healthUrl");
        }

        FlowInputFields.NotEmptyWhenGiven(Reason, "reason");
        FlowInputFields.NotEmptyWhenGiven(RequestedBy, "requestedBy");
    }
}
