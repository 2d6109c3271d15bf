using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Which backup to restore and where. The backup is <c>backupId</c>, or else the newest <b>verified</b> one completed
/// at or before <c>before</c> (default: now); <c>allowUnverified</c> widens that to every committed backup.
/// </summary>
public sealed record PostgresRestoreRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The backup to restore.</summary>
    public string? BackupId { get; init; }

    /// <summary>Restore the newest backup completed at or before this time (ISO 8601).</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Let <c>before</c> pick a backup no verification has passed yet. Default false.</summary>
    public bool? AllowUnverified { get; init; }

    /// <summary>The database to restore into (required, including <c>database</c>: a restore never picks its target by default).</summary>
    public DatabaseConnection? Target { get; init; }

    /// <summary>Swap out a target that already has tables, after the restore succeeded. Default false: such a target is refused.</summary>
    public bool? Replace { get; init; }

    /// <summary>Parallel load connections, 1-8; default 2.</summary>
    public int? Workers { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, Workers, RequestedBy);
        if (BackupId is not null)
        {
            if (Before is not null)
            {
                throw new InvalidInputException("before", "give either backupId or before, not both");
            }
        }

        if (Target is null)
        {
            throw new InvalidInputException("target", "is required: {\"secretId\", \"database\", optionally \"host\", \"port\"}");
        }

        Target.Validate("target");
        if (Target.Database is null)
        {
            throw new InvalidInputException("target.database", "is required: a restore never defaults to the secret's (production) database");
        }
    }
}
