using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Which Redis backup to stage as a plain <c>.rdb</c> (for ElastiCache's <c>SnapshotArns</c>, or a new server started on the
/// file): <c>backupId</c>, or else the newest <b>verified</b> one completed at or before <c>time</c> (default: now).
/// </summary>
public sealed record RedisStageRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The backup to stage.</summary>
    public string? BackupId { get; init; }

    /// <summary>Stage the newest verified backup completed at or before this time (ISO 8601); default now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The bucket to stage into; default REDIS_STAGING_BUCKET.</summary>
    public string? Bucket { get; init; }

    /// <summary>The key prefix; default <c>restore/&lt;source&gt;</c>. The key is <c>&lt;prefix&gt;/&lt;backupId&gt;.rdb</c>.</summary>
    public string? Prefix { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, null, RequestedBy);
        if (BackupId is not null && Time is not null)
        {
            throw new InvalidInputException("time", "give either backupId or time, not both");
        }

        if (Bucket is not null && !RedisStagingSettings.IsBucketName(Bucket))
        {
            throw new InvalidInputException("bucket", "is not an S3 bucket name (3-63 characters: lowercase letters, digits, dots, hyphens)");
        }

        if (Prefix is not null && (Prefix.Length is 0 or > 512 || Prefix.StartsWith('/') || Prefix.EndsWith('/')
            || Prefix.Contains("//", StringComparison.Ordinal) || Prefix.Any(char.IsControl)))
        {
            throw new InvalidInputException("prefix", "must be 1-512 characters, without a leading or trailing '/', '//' or control characters");
        }
    }
}
