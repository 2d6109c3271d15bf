namespace DisasterRecovery.PostgresJobs;

/// <summary>A committed backup, as the function reports it.</summary>
public sealed record PostgresBackupResult(
    string BackupId,
    string Source,
    string RetentionTier,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    string ManifestKey,
    int Tables,
    long Rows,
    long RawBytes,
    long StoredBytes,
    string? WalLsn,
    string ServerVersion,
    double DurationSeconds);
