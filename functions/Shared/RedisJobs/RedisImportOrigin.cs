namespace DisasterRecovery.RedisJobs;

/// <summary>Where an imported RDB came from: the ElastiCache snapshot exported to the staging bucket, and the object it was read from.</summary>
/// <param name="SnapshotName">The ElastiCache snapshot (or its export's target name); null when the caller did not say.</param>
/// <param name="ReplicationGroupId">The replication group the snapshot was taken of; null when the caller did not say.</param>
/// <param name="Bucket">The staging bucket.</param>
/// <param name="Key">The staged object's key (<c>&lt;target name&gt;-0001.rdb</c>).</param>
public sealed record RedisImportOrigin(string? SnapshotName, string? ReplicationGroupId, string Bucket, string Key);
