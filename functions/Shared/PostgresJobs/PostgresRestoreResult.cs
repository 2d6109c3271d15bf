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
    double DurationSeconds);
