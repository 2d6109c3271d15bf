namespace DisasterRecovery.RedisJobs;

/// <summary>
/// The Redis section of a backup, stored beside the RDB as <see cref="RedisBackupObjects.Info"/>: the manifest has room for the
/// server version, the consistency point and per-database counts; this keeps the rest (RDB version, INFO keyspace at the start,
/// the transfer) without a new manifest schema.
/// </summary>
public sealed record RedisBackupInfo
{
    /// <summary>redis_version of the server.</summary>
    public required string ServerVersion { get; init; }

    /// <summary>The RDB's version (from its header), or null when it was not inspected.</summary>
    public int? RdbVersion { get; init; }

    /// <summary>The replication id of <c>+FULLRESYNC</c>.</summary>
    public required string ReplicationId { get; init; }

    /// <summary>The replication offset the RDB corresponds to.</summary>
    public required long ReplicationOffset { get; init; }

    /// <summary>
    /// <c>disk</c> (<c>$&lt;length&gt;</c>) or <c>diskless</c> (<c>$EOF:&lt;mark&gt;</c>) for a replication transfer; <c>export</c> for an
    /// RDB an ElastiCache snapshot export left in the staging bucket (<see cref="RedisCatalogBackup.ImportAsync"/>).
    /// </summary>
    public required string TransferMode { get; init; }

    /// <summary>The RDB's length in bytes.</summary>
    public required long RdbBytes { get; init; }

    /// <summary>INFO keyspace at the start, by database (<c>db0</c> → <c>keys=…,expires=…,avg_ttl=…</c>).</summary>
    public required IReadOnlyDictionary<string, string> KeyspaceAtStart { get; init; }

    /// <summary>Live keys per database found in the RDB (<c>db0</c> → count); null when they were not counted.</summary>
    public IReadOnlyDictionary<string, long>? KeysInRdb { get; init; }

    /// <summary>
    /// The instant the RDB was inspected at: keys whose expiry is before it are <see cref="ExpiredKeys"/>, not in <see cref="KeysInRdb"/>.
    /// A verification that re-reads the RDB counts at this instant, so its counts are comparable; null in backups written before it was recorded.
    /// </summary>
    public DateTimeOffset? InspectedAt { get; init; }

    /// <summary>Keys in the RDB already expired when it was read.</summary>
    public long ExpiredKeys { get; init; }

    /// <summary>Function libraries in the RDB.</summary>
    public int Functions { get; init; }

    /// <summary>True when the RDB's CRC-64 was checked and matched.</summary>
    public bool ChecksumVerified { get; init; }

    /// <summary>When the server wrote the RDB (its <c>ctime</c> AUX field), or null when the file does not say.</summary>
    public DateTimeOffset? RdbCreatedAt { get; init; }

    /// <summary>For an imported export: the ElastiCache snapshot it came from and the staged object it was read from; null otherwise.</summary>
    public RedisImportOrigin? ImportedFrom { get; init; }
}
