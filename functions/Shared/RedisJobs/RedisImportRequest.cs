using System.Text.RegularExpressions;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Which staged RDB to file in the catalog: the object an ElastiCache snapshot export (<c>copySnapshot</c> with
/// <c>TargetBucket</c>) wrote to the staging bucket, <c>&lt;target name&gt;-0001.rdb</c>. The redis-elasticache-backup flow sends it.
/// </summary>
public sealed partial record RedisImportRequest : IJobRequest
{
    /// <summary>The staged object's key (required), ending in <c>.rdb</c>.</summary>
    public string? Key { get; init; }

    /// <summary>The staging bucket; default REDIS_STAGING_BUCKET.</summary>
    public string? Bucket { get; init; }

    /// <summary>The ElastiCache snapshot exported (recorded in the backup's Redis section).</summary>
    public string? SnapshotName { get; init; }

    /// <summary>The replication group the snapshot was taken of (recorded).</summary>
    public string? ReplicationGroupId { get; init; }

    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary><c>hourly</c>, <c>six-hourly</c>, or <c>auto</c> (default): six-hourly at 00, 06, 12 and 18 UTC, else hourly.</summary>
    public string? RetentionTier { get; init; }

    /// <summary>A backup id to use (<c>yyyyMMddTHHmmssZ-suffix</c>), so a retried step writes the same backup; default a new one.</summary>
    public string? BackupId { get; init; }

    /// <summary>Whether the staged object is deleted once the backup is committed; default true.</summary>
    public bool? DeleteStagedObject { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, null, RequestedBy);
        var key = Require.NotBlank(Key, "key");
        if (key.Length > 1024 || key.StartsWith('/') || !key.EndsWith(".rdb", StringComparison.Ordinal))
        {
            throw new InvalidInputException("key", $"must be an S3 key of at most 1024 characters ending in .rdb, not starting with '/', was '{key}'");
        }

        if (Bucket is not null && !BucketName().IsMatch(Bucket))
        {
            throw new InvalidInputException("bucket", $"must be an S3 bucket name (3-63 of a-z 0-9 . -), was '{Bucket}'");
        }

        if (SnapshotName is not null)
        {
            Require.NotBlank(SnapshotName, "snapshotName");
        }

        if (ReplicationGroupId is not null)
        {
            Require.NotBlank(ReplicationGroupId, "replicationGroupId");
        }

        _ = Tier(DateTimeOffset.UnixEpoch);
    }

    /// <summary>The tier for a backup started at <paramref name="startedAt"/>.</summary>
    internal RetentionTier Tier(DateTimeOffset startedAt) => new RedisBackupRequest { RetentionTier = RetentionTier }.Tier(startedAt);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
