using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// What to back up. Every field is optional: the hourly schedule sends <c>{}</c> and the stack's Redis (REDIS_SECRET_ID,
/// BACKUP_SOURCE) is backed up into the tier its hour calls for.
/// </summary>
public sealed record RedisBackupRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The Redis server; default the stack's Redis secret.</summary>
    public RedisConnection? Redis { get; init; }

    /// <summary><c>hourly</c>, <c>six-hourly</c>, or <c>auto</c> (default): six-hourly at 00, 06, 12 and 18 UTC, else hourly.</summary>
    public string? RetentionTier { get; init; }

    /// <summary>A backup id to use (<c>yyyyMMddTHHmmssZ-suffix</c>), so a retried step writes the same backup; default a new one.</summary>
    public string? BackupId { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, null, RequestedBy);
        Redis?.Validate("redis");
        _ = Tier(DateTimeOffset.UnixEpoch);
    }

    /// <summary>The tier for a backup started at <paramref name="startedAt"/>.</summary>
    internal RetentionTier Tier(DateTimeOffset startedAt) => (RetentionTier ?? "auto") switch
    {
        "auto" => RetentionPolicy.HourlyTierFor(startedAt),
        "hourly" => Catalog.RetentionTier.Hourly,
        "six-hourly" => Catalog.RetentionTier.SixHourly,
        var other => throw new InvalidInputException("retentionTier", $"must be auto, hourly or six-hourly, was '{other}'"),
    };
}
