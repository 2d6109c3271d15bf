namespace DisasterRecovery.LocalS3.Storage;

/// <summary>
/// One version of one key as kept on disk (one JSON file per version, beside its data file).
/// A delete marker is a version without data.
/// </summary>
internal sealed record ObjectVersion
{
    public required string Key { get; init; }

    /// <summary>S3 version id, or "null" for versions written while versioning was off or suspended.</summary>
    public string VersionId { get; init; } = string.Empty;

    /// <summary>Store-wide increasing number: orders versions of a key newest first, across restarts.</summary>
    public long Sequence { get; init; }

    /// <summary>File name stem of this version's JSON and data files; never derived from the key.</summary>
    public string StorageId { get; init; } = string.Empty;

    public bool IsDeleteMarker { get; init; }

    public long Size { get; init; }

    /// <summary>Hex MD5 for single-part objects, "md5-of-md5s-N" for multipart ones; without quotes.</summary>
    public string ETag { get; init; } = string.Empty;

    public DateTimeOffset LastModified { get; init; }

    public string? ContentType { get; init; }

    public string? ContentEncoding { get; init; }

    public string? ContentDisposition { get; init; }

    public string? ContentLanguage { get; init; }

    public string? CacheControl { get; init; }

    public string? Expires { get; init; }

    public string? ServerSideEncryption { get; init; }

    /// <summary>
    /// The storage class (x-amz-storage-class on the write, or where lifecycle moved it); null is STANDARD.
    /// A transition changes only this field: data, dates and Object Lock settings stay as they are.
    /// </summary>
    public string? StorageClass { get; init; }

    /// <summary>User metadata, names lower-cased and without the x-amz-meta- prefix, as S3 returns them.</summary>
    public Dictionary<string, string> Metadata { get; init; } = new(StringComparer.Ordinal);

    public List<ObjectTag> Tags { get; init; } = [];

    /// <summary>Wire name (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) of the checksum kept, if any.</summary>
    public string? ChecksumAlgorithm { get; init; }

    /// <summary>Base64 checksum; composite (multipart) values end in "-N" as S3 renders them.</summary>
    public string? ChecksumValue { get; init; }

    /// <summary>FULL_OBJECT or COMPOSITE.</summary>
    public string? ChecksumType { get; init; }

    /// <summary>Part layout of a multipart object, for GET ?partNumber=.</summary>
    public List<ObjectPart>? Parts { get; init; }

    /// <summary>GOVERNANCE or COMPLIANCE when a retention period was set.</summary>
    public string? RetentionMode { get; init; }

    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>Null when no legal hold was ever set (GetObjectLegalHold then answers 404 as S3 does).</summary>
    public bool? LegalHold { get; init; }
}

/// <summary>One tag of an object or bucket.</summary>
internal sealed record ObjectTag(string Key, string Value);

/// <summary>One part of a completed multipart object.</summary>
internal sealed record ObjectPart(int PartNumber, long Size, string? ChecksumValue);

/// <summary>A bucket and its settings (bucket.json); configuration documents live in their own XML files.</summary>
internal sealed record BucketRecord
{
    public required string Name { get; init; }

    public DateTimeOffset Created { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>Empty when versioning was never configured, else Enabled or Suspended.</summary>
    public string Versioning { get; init; } = string.Empty;

    public bool ObjectLockEnabled { get; init; }

    public string? DefaultRetentionMode { get; init; }

    public int? DefaultRetentionDays { get; init; }

    public int? DefaultRetentionYears { get; init; }

    /// <summary>Null when the bucket has no tag set (GetBucketTagging then answers NoSuchTagSet).</summary>
    public List<ObjectTag>? Tags { get; init; }

    /// <summary>
    /// The x-amz-transition-default-minimum-object-size of the stored lifecycle configuration (which small objects
    /// lifecycle transitions leave alone); null when no lifecycle configuration is stored.
    /// </summary>
    public string? TransitionDefaultMinimumObjectSize { get; init; }
}

/// <summary>An in-progress multipart upload (upload.json in the upload's folder).</summary>
internal sealed record MultipartUpload
{
    public required string UploadId { get; init; }

    public required string Key { get; init; }

    public DateTimeOffset Initiated { get; init; }

    /// <summary>Everything the final object inherits from CreateMultipartUpload (type, metadata, tags, lock).</summary>
    public required ObjectVersion Template { get; init; }

    public string? ChecksumAlgorithm { get; init; }

    public string? ChecksumType { get; init; }
}

/// <summary>One uploaded part (part-NNNNN.json), pointing at its data file.</summary>
internal sealed record UploadedPart
{
    public int PartNumber { get; init; }

    public long Size { get; init; }

    public string ETag { get; init; } = string.Empty;

    public string? ChecksumAlgorithm { get; init; }

    public string? ChecksumValue { get; init; }

    public DateTimeOffset LastModified { get; init; }

    public string DataFile { get; init; } = string.Empty;
}
