using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// What to back up. Every field is optional: the 02:00 UTC schedule sends <c>{}</c> and the production database
/// (DB_SECRET_ID, BACKUP_SOURCE) is backed up into the tier its date calls for.
/// </summary>
public sealed record PostgresBackupRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The database; default the production secret's.</summary>
    public DatabaseConnection? Database { get; init; }

    /// <summary><c>daily</c>, <c>weekly</c>, <c>monthly</c>, or <c>auto</c> (default): monthly on the 1st, weekly on Sundays, else daily.</summary>
    public string? RetentionTier { get; init; }

    /// <summary>A backup id to use (<c>yyyyMMddTHHmmssZ-suffix</c>), so a retried step writes the same backup; default a new one.</summary>
    public string? BackupId { get; init; }

    /// <summary>Parallel COPY connections, 1-8; default 2.</summary>
    public int? Workers { get; init; }

    /// <summary>Tables larger on disk than this many MiB get a row count but no content hash; default none (every table hashed).</summary>
    public int? ContentHashMaxTableMb { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, Workers, RequestedBy);
        if (ContentHashMaxTableMb is < 0)
        {
            throw new InvalidInputException("contentHashMaxTableMb", $"must be 0 or more (MiB), was {ContentHashMaxTableMb}");
        }

        Database?.Validate("database");
        _ = Tier(DateTimeOffset.UnixEpoch);
    }

    /// <summary>The tier for a backup started at <paramref name="startedAt"/>.</summary>
    internal RetentionTier Tier(DateTimeOffset startedAt) => (RetentionTier ?? "auto") switch
    {
        "auto" => RetentionPolicy.TierFor(startedAt),
        "daily" => Catalog.RetentionTier.Daily,
        "weekly" => Catalog.RetentionTier.Weekly,
        "monthly" => Catalog.RetentionTier.Monthly,
        var other => throw new InvalidInputException("retentionTier", $"must be auto, daily, weekly or monthly, was '{other}'"),
    };
}
