using Amazon.S3;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>Where the catalog keeps backups and how it writes them.</summary>
public sealed class BackupCatalogOptions
{
    public const int MinimumPartSize = 5 * 1024 * 1024;
    public const int MaximumPartSize = 16 * 1024 * 1024;
    public const int DefaultPartSize = 8 * 1024 * 1024;

    /// <summary>The backup bucket.</summary>
    public required string Bucket { get; init; }

    /// <summary>
    /// Multipart part size. An object stream holds at most two parts in memory (one filling, one
    /// uploading), whatever the object's size. 5-16 MiB; default 8 MiB.
    /// </summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>Storage class of data objects (plan §1.1: Standard-IA; lifecycle moves them to Glacier).</summary>
    public S3StorageClass DataStorageClass { get; init; } = S3StorageClass.StandardInfrequentAccess;

    /// <summary>
    /// Object Lock mode used when the bucket has Object Lock enabled. COMPLIANCE by default: nobody,
    /// root included, can delete a backup before its tier's retention ends (plan §3.4, ransomware).
    /// </summary>
    public ObjectLockMode LockMode { get; init; } = ObjectLockMode.Compliance;

    /// <summary>
    /// Let backups go to a bucket without versioning or Object Lock (their objects then carry no retention). False by default:
    /// <see cref="BackupCatalog.BeginBackupAsync"/> refuses such a bucket (<see cref="BucketProtection"/>).
    /// </summary>
    public bool AllowUnprotectedBackups { get; init; }

    /// <summary>Server-side encryption for every object written.</summary>
    public BackupEncryption Encryption { get; init; } = BackupEncryption.SseS3;

    /// <summary>zstd level for <see cref="Compression.Zstd"/> (1-19; default 3).</summary>
    public int ZstdLevel { get; init; } = 3;

    /// <summary>Called after each multipart part is uploaded (progress reporting, tests).</summary>
    public Action<PartUploaded>? PartUploaded { get; init; }

    internal void Validate()
    {
        Require.NotBlank(Bucket, "bucket");
        Require.InRange(PartSize, MinimumPartSize, MaximumPartSize, "partSize");
        Require.InRange(ZstdLevel, 1, 19, "zstdLevel");
        if (Encryption.Mode == EncryptionMode.SseKms)
        {
            Require.NotBlank(Encryption.KmsKeyId, "encryption.kmsKeyId");
        }
    }
}

/// <summary>One multipart part is stored.</summary>
public sealed record PartUploaded(BackupId BackupId, string ObjectName, int PartNumber, long PartBytes, long StoredBytesSoFar);

/// <summary>What a new backup is: everything the manifest needs that is known before the data is written.</summary>
public sealed record BackupRequest
{
    public required BackupEngine Engine { get; init; }

    /// <summary>One key segment: A-Z a-z 0-9 . _ - (e.g. <c>technician-marketplace</c>).</summary>
    public required string Source { get; init; }

    public required BackupKind Kind { get; init; }

    public required RetentionTier RetentionTier { get; init; }

    /// <summary>Who started it (a schedule name, an execution ARN, a person).</summary>
    public required string CreatedBy { get; init; }

    public required ToolInfo Tool { get; init; }

    public string? ServerVersion { get; init; }

    public BackupId? BaseBackupId { get; init; }

    /// <summary>
    /// Optional caller-chosen id (<c>yyyyMMddTHHmmssZ-suffix</c>), e.g. derived from a Step Functions
    /// execution so a retried step writes the same backup; a new id is made when null.
    /// </summary>
    public BackupId? BackupId { get; init; }
}

/// <summary>What is known only when the data is written: the consistency point and the counts.</summary>
public sealed record BackupCompletion
{
    public ConsistencyPoint? ConsistencyPoint { get; init; }

    public IReadOnlyList<ContentCount>? Contents { get; init; }

    /// <summary>The server's version, when only the finished backup knows it (wins over <see cref="BackupRequest.ServerVersion"/>).</summary>
    public string? ServerVersion { get; init; }
}

/// <summary>How one object is written.</summary>
public sealed record BackupObjectOptions
{
    public Compression Compression { get; init; } = Compression.None;

    /// <summary>The content type of the data before compression.</summary>
    public string ContentType { get; init; } = "application/octet-stream";
}
