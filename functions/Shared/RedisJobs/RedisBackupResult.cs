namespace DisasterRecovery.RedisJobs;

/// <summary>A committed Redis backup, as the function reports it.</summary>
public sealed record RedisBackupResult(
    string BackupId,
    string Source,
    string RetentionTier,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    string ManifestKey,
    string ServerVersion,
    int? RdbVersion,
    string ReplicationId,
    long ReplicationOffset,
    string TransferMode,
    long RdbBytes,
    long StoredBytes,
    long? Keys,
    double DurationSeconds);
