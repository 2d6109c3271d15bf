using Amazon.S3;
using Amazon.S3.Model;

namespace DisasterRecovery.Catalog;

/// <summary>
/// The settings every object of a backup is written with: storage class, the retention-tier tag,
/// server-side encryption, and (when the bucket has Object Lock) the retention of the backup's tier.
/// </summary>
internal sealed record ObjectWriteSettings(
    string Bucket,
    S3StorageClass StorageClass,
    RetentionTier Tier,
    BackupEncryption Encryption,
    ObjectLockMode? LockMode,
    DateTimeOffset? RetainUntil)
{
    public List<Tag> Tags() => [new Tag { Key = RetentionPolicy.TierTagKey, Value = CatalogNames.Of(Tier) }];

    /// <summary>
    /// Both ways of writing an object (a single PUT, a multipart upload) carry the same headers; the SDK gives the two
    /// requests no common type, so each assigns the same three groups.
    /// </summary>
    public void ApplyTo(PutObjectRequest put)
    {
        (put.BucketName, put.StorageClass, put.TagSet, put.ChecksumAlgorithm) = (Bucket, StorageClass, Tags(), Checksum);
        (put.ServerSideEncryptionMethod, put.ServerSideEncryptionKeyManagementServiceKeyId) = ServerSideEncryption();
        (put.ObjectLockMode, put.ObjectLockRetainUntilDate) = Retention();
    }

    public void ApplyTo(InitiateMultipartUploadRequest initiate)
    {
        (initiate.BucketName, initiate.StorageClass, initiate.TagSet, initiate.ChecksumAlgorithm) = (Bucket, StorageClass, Tags(), Checksum);
        (initiate.ServerSideEncryptionMethod, initiate.ServerSideEncryptionKeyManagementServiceKeyId) = ServerSideEncryption();
        (initiate.ObjectLockMode, initiate.ObjectLockRetainUntilDate) = Retention();
    }

    /// <summary>The same settings for small catalog objects (manifest, index, verifications): always STANDARD.</summary>
    public ObjectWriteSettings ForMetadata() => this with { StorageClass = S3StorageClass.Standard };

    /// <summary>Object Lock puts must carry an integrity checksum; SHA-256 also guards the bytes in transit.</summary>
    private static ChecksumAlgorithm Checksum => ChecksumAlgorithm.SHA256;

    private (ServerSideEncryptionMethod Method, string? KmsKeyId) ServerSideEncryption() =>
        Encryption.Mode == EncryptionMode.SseKms ? (ServerSideEncryptionMethod.AWSKMS, Encryption.KmsKeyId) : (ServerSideEncryptionMethod.AES256, null);

    /// <summary>The retention to set on the object, or nulls (the header is not sent) when the bucket has no Object Lock.</summary>
    private (ObjectLockMode? Mode, DateTime? Until) Retention() =>
        LockMode is not null && RetainUntil is { } until ? (LockMode, until.UtcDateTime) : (null, null);
}
