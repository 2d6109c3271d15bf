namespace DisasterRecovery.RedisJobs;

/// <summary>The objects of a Redis backup in the catalog.</summary>
public static class RedisBackupObjects
{
    /// <summary>The RDB exactly as the server sent it, stored zstd-compressed (the manifest's SHA-256 is of the RDB's own bytes).</summary>
    public const string Rdb = "dump.rdb";

    /// <summary>What the backup saw (<see cref="RedisBackupInfo"/>), as JSON.</summary>
    public const string Info = "dump.info.json";

    /// <summary>The RDB's content type.</summary>
    public const string RdbContentType = "application/x-redis-rdb";

    /// <summary>The tool the manifest names: this replication client, speaking the protocol <c>redis-cli --rdb</c> speaks.</summary>
    public const string ToolName = "dr-redis-replication";

    /// <summary>The tool the manifest names for an RDB an ElastiCache snapshot export wrote, imported by RedisImport.</summary>
    public const string ImportToolName = "dr-redis-elasticache-import";
}
