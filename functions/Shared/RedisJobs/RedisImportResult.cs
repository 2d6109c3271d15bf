namespace DisasterRecovery.RedisJobs;

/// <summary>An imported ElastiCache export, committed to the catalog, as the function reports it.</summary>
public sealed record RedisImportResult(
    string BackupId,
    string Source,
    string RetentionTier,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    string ManifestKey,
    string ServerVersion,
    int? RdbVersion,
    DateTimeOffset? RdbCreatedAt,
    long RdbBytes,
    long StoredBytes,
    long? Keys,
    string StagingBucket,
    string StagedKey,
    bool StagedObjectDeleted,
    double DurationSeconds);
