namespace DisasterRecovery.LocalElastiCache.State;

/// <summary>
/// Everything the emulator knows, kept in <c>state.json</c> (owner-only: a replication group's AuthToken is in it, so that a
/// restart of the local cloud can start its nodes again with the same password).
/// </summary>
public sealed class ElastiCacheStateDocument
{
    /// <summary>The replication groups, deleted ones excluded.</summary>
    public List<ReplicationGroupRecord> ReplicationGroups { get; set; } = [];

    /// <summary>The manual snapshots, deleted ones excluded.</summary>
    public List<SnapshotRecord> Snapshots { get; set; } = [];
}

/// <summary>A key and value as ElastiCache keeps tags.</summary>
public sealed record TagRecord(string Key, string Value);

/// <summary>A replication group (cluster mode disabled: one node group, a primary and its replicas).</summary>
public sealed class ReplicationGroupRecord
{
    public string Id { get; set; } = string.Empty;

    public string Region { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    /// <summary>creating, available, deleting, create-failed, snapshotting.</summary>
    public string Status { get; set; } = "creating";

    public DateTimeOffset CreatedAt { get; set; }

    public string CacheNodeType { get; set; } = "cache.t4g.micro";

    public string EngineVersion { get; set; } = string.Empty;

    public bool AutomaticFailover { get; set; }

    public bool MultiAz { get; set; }

    public bool AtRestEncryptionEnabled { get; set; }

    public string? KmsKeyId { get; set; }

    public int SnapshotRetentionLimit { get; set; }

    public string? SnapshotWindow { get; set; }

    /// <summary>The Redis password (requirepass) when created with an AuthToken; never logged, never on a command line.</summary>
    public string? AuthToken { get; set; }

    /// <summary>Why the creation failed (create-failed), for describe's callers and the log.</summary>
    public string? FailureReason { get; set; }

    public List<NodeRecord> Nodes { get; set; } = [];

    public List<TagRecord> Tags { get; set; } = [];
}

/// <summary>A cache node: one redis-server process, its member cluster named <c>&lt;group&gt;-00N</c>.</summary>
public sealed class NodeRecord
{
    public string CacheClusterId { get; set; } = string.Empty;

    public string CacheNodeId { get; set; } = "0001";

    /// <summary>primary or replica.</summary>
    public string Role { get; set; } = "primary";

    public int Port { get; set; }

    /// <summary>The node's folder under the state folder's <c>nodes/</c> (redis.conf, dump.rdb, redis.log).</summary>
    public string Folder { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A manual snapshot: the RDB file the primary wrote with BGSAVE, copied under <c>snapshots/</c>.</summary>
public sealed class SnapshotRecord
{
    public string Name { get; set; } = string.Empty;

    public string Region { get; set; } = string.Empty;

    public string Arn { get; set; } = string.Empty;

    /// <summary>creating, available, copying (while exported), deleting, failed.</summary>
    public string Status { get; set; } = "creating";

    /// <summary>manual (a createSnapshot, copySnapshot or final snapshot).</summary>
    public string Source { get; set; } = "manual";

    public string ReplicationGroupId { get; set; } = string.Empty;

    public string ReplicationGroupDescription { get; set; } = string.Empty;

    /// <summary>The member cluster the RDB was taken from.</summary>
    public string CacheClusterId { get; set; } = string.Empty;

    /// <summary>True when the snapshot was asked of a single cache cluster (CacheClusterId), not of the group.</summary>
    public bool OfCacheCluster { get; set; }

    public string CacheNodeType { get; set; } = string.Empty;

    public string EngineVersion { get; set; } = string.Empty;

    public int Port { get; set; }

    public bool AutomaticFailover { get; set; }

    public string? KmsKeyId { get; set; }

    public DateTimeOffset CacheClusterCreateTime { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>Why taking or copying it failed.</summary>
    public string? FailureReason { get; set; }

    /// <summary>The snapshot's folder under the state folder's <c>snapshots/</c> (named by a fresh id: names may hold any character).</summary>
    public string Folder { get; set; } = string.Empty;

    public List<TagRecord> Tags { get; set; } = [];
}
