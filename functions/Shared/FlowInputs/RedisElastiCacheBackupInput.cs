namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/redis-elasticache-backup.asl.json's input, every field optional (the hourly schedule sends <c>{}</c>): the
/// replication group to snapshot, the catalog source, the tier, the poll cap and who asked. RedisImport checks the tier's
/// names and the source's form with the same errors; here the flow's own values are.
/// </summary>
public sealed record RedisElastiCacheBackupInput : IFlowInput
{
    public static string Flow => "redis-elasticache-backup";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["snapshotName"] = "the flow names its snapshot from the execution (dr-redis-<execution name>), so a cleanup never deletes another",
        ["redis"] = "an ElastiCache group is backed up by snapshot and export; a self-managed server by the RedisBackup function",
        ["backupId"] = "the backup id is made when the export is filed in the catalog",
    };

    /// <summary>The ElastiCache replication group; default the stack's ElastiCacheReplicationGroupId.</summary>
    public string? ReplicationGroupId { get; init; }

    /// <summary>The catalog source name; default the stack's BackupSource.</summary>
    public string? Source { get; init; }

    /// <summary><c>auto</c> (default), <c>hourly</c> or <c>six-hourly</c>.</summary>
    public string? RetentionTier { get; init; }

    /// <summary>How many times the snapshot (and then the export) is polled, 15 s apart; default 60.</summary>
    public int? MaxPolls { get; init; }

    /// <summary>Who asked; default the execution.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        FlowInputFields.NotEmptyWhenGiven(ReplicationGroupId, "replicationGroupId");
        FlowInputFields.NotEmptyWhenGiven(Source, "source");
        FlowInputFields.OneOf(RetentionTier, "retentionTier", "auto", "hourly", "six-hourly");
        FlowInputFields.AtLeast(MaxPolls, 1, "maxPolls");
        FlowInputFields.NotEmptyWhenGiven(RequestedBy, "requestedBy");
    }
}
