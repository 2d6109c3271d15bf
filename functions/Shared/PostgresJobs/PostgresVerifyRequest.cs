using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Two checks, one function. Without <c>database</c>: the plan's daily verification of a backup (default the
/// newest committed one) — objects re-read, restored into a scratch database on the <c>scratch</c> server, counts,
/// hashes and integrity SQL, verdict recorded. With <c>database</c>: a database just restored from <c>backupId</c>
/// is checked in place against that backup (counts, hashes, integrity SQL), as the restore flow does before it
/// switches the application over.
/// </summary>
public sealed record PostgresVerifyRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The backup; default the newest committed one (required with <c>database</c>).</summary>
    public string? BackupId { get; init; }

    /// <summary>The server for the scratch database (its <c>database</c> is only used to connect); default SCRATCH_SECRET_ID, else the production secret's
    /// server.</summary>
    public DatabaseConnection? Scratch { get; init; }

    /// <summary>A restored database to check in place instead of verifying the backup in a scratch database.</summary>
    public DatabaseConnection? Database { get; init; }

    /// <summary>Run the integrity SQL (orphaned foreign keys, invalid indexes, amcheck). Default true.</summary>
    public bool? IntegrityChecks { get; init; }

    /// <summary>Parallel connections, 1-8; default 2.</summary>
    public int? Workers { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    /// <summary>The explicit opt-in to restore the scratch copy on production's own server (the default secret's, when neither
    /// <c>scratch</c> nor SCRATCH_SECRET_ID names another); without it such a verification is refused. Default false.</summary>
    public bool? OnProductionServer { get; init; }

    /// <summary>The scratch server's free storage in bytes, as the caller measured it (CloudWatch FreeStorageSpace, or a new
    /// instance's allocated storage; CloudWatch reports a double); the verification refuses to start when it is below what the restore needs.</summary>
    public double? FreeStorageBytes { get; init; }

    /// <summary>Only locate the backup and answer what restoring it needs (<see cref="PostgresRestoreNeeds"/>); nothing is
    /// restored or recorded beside the manifest. Default false.</summary>
    public bool? MeasureOnly { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, Workers, RequestedBy);
        Scratch?.Validate("scratch");
        PostgresVerifyServerChoice.Validate(this);
        if (Database is not null)
        {
            Database.Validate("database");
            if (Scratch is not null)
            {
                throw new InvalidInputException("scratch", "is for verifying a backup; with 'database' the restored database itself is checked");
            }

            if (BackupId is null)
            {
                throw new InvalidInputException("backupId", "is required with 'database': the backup the database was restored from");
            }

            if (Database.Database is null)
            {
                throw new InvalidInputException("database.database", "is required: the restored database's name");
            }
        }
    }
}
