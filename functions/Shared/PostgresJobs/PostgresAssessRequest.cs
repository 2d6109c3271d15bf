using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Which database to assess (plan §3.1 step 1; default the production secret's) and which job to estimate for it: its
/// <c>backup</c> (default) or the <c>restore</c> of the backup PostgresRestore would pick for the same
/// <c>backupId</c> / <c>before</c> / <c>allowUnverified</c>.
/// </summary>
public sealed record PostgresAssessRequest : IValidatable
{
    /// <summary>The database; default <c>{"secretId": DB_SECRET_ID}</c>.</summary>
    public DatabaseConnection? Database { get; init; }

    /// <summary><c>backup</c> (default) or <c>restore</c>: the job whose duration is estimated and whose runner is recommended.</summary>
    public string? EstimateFor { get; init; }

    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>Restore: the backup that will be restored.</summary>
    public string? BackupId { get; init; }

    /// <summary>Restore: the newest backup completed at or before this time (default now) will be restored.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Restore: <c>before</c> may pick a backup no verification has passed yet. Default false.</summary>
    public bool? AllowUnverified { get; init; }

    /// <summary>The job estimated: backup unless <c>estimateFor</c> says restore.</summary>
    internal JobKind Job => EstimateFor == "restore" ? JobKind.Restore : JobKind.Backup;

    public void Validate()
    {
        Database?.Validate("database");
        if (EstimateFor is not (null or "backup" or "restore"))
        {
            throw new InvalidInputException("estimateFor", $"must be backup or restore, was '{EstimateFor}'");
        }

        JobRequestFields.Validate(Source, BackupId, null, null);
        if (Job == JobKind.Backup && (BackupId is not null || Before is not null || AllowUnverified is not null))
        {
            var field = BackupId is not null ? "backupId" : Before is not null ? "before" : "allowUnverified";
            throw new InvalidInputException(field, "applies only with \"estimateFor\": \"restore\" (a backup's estimate rests on the newest backup)");
        }

        if (BackupId is not null && Before is not null)
        {
            throw new InvalidInputException("before", "give either backupId or before, not both");
        }
    }
}

/// <summary>The jobs a runner is chosen for.</summary>
public enum JobKind
{
    Backup,
    Restore,
}
