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

    public void ApplyTo(PutObjectRequest request)
    {
        request.BucketName = Bucket;
        request.StorageClass = StorageClass;
        request.TagSet = Tags();
        request.ServerSideEncryptionMethod = EncryptionMethod();
        request.ServerSideEncryptionKeyManagementServiceKeyId = KmsKeyId();
        // Object Lock puts must carry an integrity checksum; SHA-256 also guards the bytes in transit.
        request.ChecksumAlgorithm = ChecksumAlgorithm.SHA256;
        if (LockMode is not null && RetainUntil is { } until)
        {
            request.ObjectLockMode = LockMode;
            request.ObjectLockRetainUntilDate = until.UtcDateTime;
        }
    }

    public void ApplyTo(InitiateMultipartUploadRequest request)
    {
        request.BucketName = Bucket;
        request.StorageClass = StorageClass;
        request.TagSet = Tags();
        request.ServerSideEncryptionMethod = EncryptionMethod();
        request.ServerSideEncryptionKeyManagementServiceKeyId = KmsKeyId();
        request.ChecksumAlgorithm = ChecksumAlgorithm.SHA256;
        if (LockMode is not null && RetainUntil is { } until)
        {
            request.ObjectLockMode = LockMode;
            request.ObjectLockRetainUntilDate = until.UtcDateTime;
        }
    }

    /// <summary>The same settings for small catalog objects (manifest, index, verifications): always STANDARD.</summary>
    public ObjectWriteSettings ForMetadata() => this with { StorageClass = S3StorageClass.Standard };

    private ServerSideEncryptionMethod EncryptionMethod() =>
        Encryption.Mode == EncryptionMode.SseKms ? ServerSideEncryptionMethod.AWSKMS : ServerSideEncryptionMethod.AES256;

    private string? KmsKeyId() => Encryption.Mode == EncryptionMode.SseKms ? Encryption.KmsKeyId : null;
}
