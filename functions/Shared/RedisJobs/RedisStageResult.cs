namespace DisasterRecovery.RedisJobs;

/// <summary>
/// A staged RDB: where it is (<c>SnapshotArn</c> is what ElastiCache's <c>createReplicationGroup</c> takes in
/// <c>SnapshotArns</c>), which backup it is, its size and the keys per database the backup counted (<c>db0</c> → count).
/// </summary>
public sealed record RedisStageResult(
    string BackupId,
    string Source,
    DateTimeOffset BackupStartedAt,
    DateTimeOffset BackupCompletedAt,
    string Bucket,
    string Key,
    string SnapshotArn,
    long Bytes,
    IReadOnlyDictionary<string, long> KeysPerDatabase);
