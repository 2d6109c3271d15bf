namespace DisasterRecovery.PostgresJobs;

/// <summary>A finished restore.</summary>
public sealed record PostgresRestoreResult(
    string BackupId,
    string Source,
    DateTimeOffset BackupCompletedAt,
    string? BackupWalLsn,
    string TargetHost,
    int TargetPort,
    string TargetDatabase,
    int Tables,
    long Rows,
    bool ReplacedExisting,
    double DurationSeconds)
{
    /// <summary>
    /// The roles the backup's objects name that the target server lacked, created there <c>NOLOGIN</c> (a backup holds no
    /// passwords): a login role among them needs its password set before the application can connect as it.
    /// </summary>
    public IReadOnlyList<string> RolesCreated { get; init; } = [];
}
