using System.Text.Json.Serialization;

namespace DisasterRecovery.Catalog;

/// <summary>
/// What a backup is and where every byte of it lives. Written once, last, by the commit; everything a
/// restore or a verification needs is here. Stored as <c>manifest.json</c> beside the backup's data.
/// </summary>
/// <remarks>
/// The JSON shape is versioned by <see cref="SchemaVersion"/>: a reader refuses any other version with
/// <see cref="Core.ManifestSchemaException"/> rather than guessing. Add a field = new version.
/// </remarks>
public sealed record BackupManifest
{
    /// <summary>The only schema version this code reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Always <see cref="CurrentSchemaVersion"/> for manifests this code writes.</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>Unique id; starts with the UTC start time (<c>yyyyMMddTHHmmssZ-suffix</c>), see <see cref="Catalog.BackupId"/>.</summary>
    public required BackupId BackupId { get; init; }

    public required BackupEngine Engine { get; init; }

    /// <summary>What was backed up: an instance, database, cluster or bucket name (one key-safe segment).</summary>
    public required string Source { get; init; }

    public required BackupKind Kind { get; init; }

    /// <summary>For incremental (and WAL) backups: the backup this one builds on.</summary>
    public BackupId? BaseBackupId { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>The program that produced the data (pg_dump 16.2, mongodump 100.9, redis-cli 7.2, …).</summary>
    public required ToolInfo Tool { get; init; }

    /// <summary>The version of the server the data came from, when known.</summary>
    public string? ServerVersion { get; init; }

    /// <summary>The point in the source's history the backup is consistent at.</summary>
    public ConsistencyPoint? ConsistencyPoint { get; init; }

    /// <summary>Every object of the backup, in the order they were written.</summary>
    public required IReadOnlyList<BackupObject> Objects { get; init; }

    /// <summary>Per-table / per-collection / per-keyspace counts, used by verification after a test restore.</summary>
    public IReadOnlyList<ContentCount>? Contents { get; init; }

    public required BackupEncryption Encryption { get; init; }

    public required RetentionTier RetentionTier { get; init; }

    /// <summary>When the bucket has Object Lock: the date until which every object of the backup is retained.</summary>
    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>The Object Lock mode applied (GOVERNANCE or COMPLIANCE), when <see cref="RetainUntil"/> is set.</summary>
    public string? LockMode { get; init; }

    /// <summary>Who started the backup: a schedule, a state machine execution, a person.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>The object with this name, or null.</summary>
    public BackupObject? FindObject(string name) => Objects.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
}

/// <summary>One object of a backup: where it is and what its bytes must hash to.</summary>
public sealed record BackupObject
{
    /// <summary>The name the engine gave it (e.g. <c>dump.sql</c>, <c>wal/000000010000000000000003</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Its S3 key in the backup bucket.</summary>
    public required string Key { get; init; }

    /// <summary>Bytes as the engine wrote them (before compression).</summary>
    public required long Size { get; init; }

    /// <summary>Lower-case hex SHA-256 of the bytes as the engine wrote them (before compression).</summary>
    public required string Sha256 { get; init; }

    /// <summary>Bytes stored in S3 (after compression; equals <see cref="Size"/> when not compressed).</summary>
    public required long StoredSize { get; init; }

    /// <summary>Lower-case hex SHA-256 of the stored bytes.</summary>
    public required string StoredSha256 { get; init; }

    /// <summary>The S3 version written (null in a bucket without versioning). Reads pin this version.</summary>
    public string? VersionId { get; init; }

    public required Compression Compression { get; init; }

    /// <summary>The content type of the data before compression (e.g. <c>application/sql</c>).</summary>
    public required string ContentType { get; init; }

    /// <summary>How many multipart parts it was uploaded in (1 for a single PUT).</summary>
    public required int PartCount { get; init; }
}

/// <summary>The program that produced a backup's data.</summary>
public sealed record ToolInfo(string Name, string Version);

/// <summary>A count (rows, documents, keys) of one table, collection or keyspace, with an optional content hash.</summary>
public sealed record ContentCount(string Name, long Count, string? ContentHash = null);

/// <summary>How the backup's objects are encrypted at rest.</summary>
public sealed record BackupEncryption(EncryptionMode Mode, string? KmsKeyId = null)
{
    /// <summary>S3-managed keys (AES256): the default.</summary>
    public static BackupEncryption SseS3 { get; } = new(EncryptionMode.SseS3);
}

/// <summary>
/// The point a backup is consistent at. A small closed union, one case per engine; the JSON carries
/// <c>"type"</c> to say which.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(PostgresConsistencyPoint), "postgres")]
[JsonDerivedType(typeof(MongoDbConsistencyPoint), "mongodb")]
[JsonDerivedType(typeof(RedisConsistencyPoint), "redis")]
[JsonDerivedType(typeof(S3ConsistencyPoint), "s3")]
public abstract record ConsistencyPoint;

/// <summary>PostgreSQL: the WAL position (e.g. <c>0/3000060</c>), the exported snapshot id and timeline.</summary>
public sealed record PostgresConsistencyPoint(string Lsn, string? SnapshotId = null, int? Timeline = null) : ConsistencyPoint;

/// <summary>MongoDB: the cluster time <c>Timestamp(seconds, increment)</c> of the oplog entry the dump is consistent at.</summary>
public sealed record MongoDbConsistencyPoint(long ClusterTimeSeconds, long ClusterTimeIncrement) : ConsistencyPoint;

/// <summary>Redis: the replication id and offset the RDB snapshot corresponds to.</summary>
public sealed record RedisConsistencyPoint(string ReplicationId, long ReplicationOffset) : ConsistencyPoint;

/// <summary>S3 file storage: every object version last modified at or before this time is included.</summary>
public sealed record S3ConsistencyPoint(DateTimeOffset Timestamp) : ConsistencyPoint;

/// <summary>The data stores the platform backs up. The JSON (and key) name is in brackets.</summary>
public enum BackupEngine
{
    /// <summary>postgres</summary>
    [JsonStringEnumMemberName("postgres")]
    Postgres,

    /// <summary>mongodb</summary>
    [JsonStringEnumMemberName("mongodb")]
    MongoDb,

    /// <summary>redis</summary>
    [JsonStringEnumMemberName("redis")]
    Redis,

    /// <summary>file-storage</summary>
    [JsonStringEnumMemberName("file-storage")]
    FileStorage,
}

/// <summary>What kind of backup it is.</summary>
public enum BackupKind
{
    /// <summary>full: everything (pg_dump / pg_basebackup, mongodump).</summary>
    [JsonStringEnumMemberName("full")]
    Full,

    /// <summary>incremental: changes since <see cref="BackupManifest.BaseBackupId"/>.</summary>
    [JsonStringEnumMemberName("incremental")]
    Incremental,

    /// <summary>snapshot: a point-in-time image (Redis RDB, RDS snapshot export).</summary>
    [JsonStringEnumMemberName("snapshot")]
    Snapshot,

    /// <summary>wal: archived PostgreSQL WAL segments.</summary>
    [JsonStringEnumMemberName("wal")]
    Wal,

    /// <summary>oplog: MongoDB oplog slices.</summary>
    [JsonStringEnumMemberName("oplog")]
    Oplog,

    /// <summary>aof: a Redis append-only file.</summary>
    [JsonStringEnumMemberName("aof")]
    Aof,
}

/// <summary>How an object's bytes are compressed in S3.</summary>
public enum Compression
{
    [JsonStringEnumMemberName("none")]
    None,

    [JsonStringEnumMemberName("gzip")]
    Gzip,

    [JsonStringEnumMemberName("zstd")]
    Zstd,
}

/// <summary>Server-side encryption of the backup's objects.</summary>
public enum EncryptionMode
{
    /// <summary>SSE-S3 (AES256, S3-managed keys).</summary>
    [JsonStringEnumMemberName("SSE-S3")]
    SseS3,

    /// <summary>SSE-KMS (a customer managed KMS key, <see cref="BackupEncryption.KmsKeyId"/>).</summary>
    [JsonStringEnumMemberName("SSE-KMS")]
    SseKms,
}

/// <summary>
/// Retention tier (plan §1.1): daily 30 days, weekly 90 days, monthly 1 year; for Redis's hourly snapshots (issue 13) hourly
/// 24 hours and six-hourly 7 days. Stored as the object tag <c>retention-tier</c> so lifecycle rules can filter on it, and as
/// the Object Lock period.
/// </summary>
public enum RetentionTier
{
    [JsonStringEnumMemberName("daily")]
    Daily,

    [JsonStringEnumMemberName("weekly")]
    Weekly,

    [JsonStringEnumMemberName("monthly")]
    Monthly,

    [JsonStringEnumMemberName("hourly")]
    Hourly,

    [JsonStringEnumMemberName("six-hourly")]
    SixHourly,
}
