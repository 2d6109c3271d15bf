using DisasterRecovery.LocalS3.Http.Operations;
using DisasterRecovery.LocalS3.Storage;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>An operation chosen for a request: its S3 name (for the log) and the code that runs it.</summary>
internal sealed record S3Route(string Operation, Func<S3Call, Task> Run);

/// <summary>
/// Maps method, path level (service, bucket, object) and subresource query parameter to an operation.
/// Any query parameter this server does not know is refused with NotImplemented instead of being ignored:
/// silently accepting ?acl or ?policy would tell a caller a setting was applied when it was not.
/// </summary>
internal sealed class S3Router
{
    /// <summary>Query parameters that select an operation, in the order they are tested.</summary>
    private static readonly string[] Subresources =
    [
        "uploadId", "uploads", "versioning", "object-lock", "lifecycle", "replication", "encryption",
        "location", "tagging", "versions", "delete", "retention", "legal-hold",
        "publicAccessBlock", "ownershipControls", "policy",
    ];

    /// <summary>Query parameters that only modify an operation.</summary>
    private static readonly HashSet<string> Modifiers = new(StringComparer.Ordinal)
    {
        "prefix", "delimiter", "max-keys", "marker", "continuation-token", "start-after", "fetch-owner",
        "encoding-type", "list-type", "key-marker", "version-id-marker", "upload-id-marker", "max-uploads",
        "max-parts", "part-number-marker", "partNumber", "versionId", "max-buckets", "bucket-region", "x-id",
        "response-content-type", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding",
    };

    private readonly S3Operations operations;

    public S3Router(S3Operations operations)
    {
        this.operations = operations;
    }

    /// <summary>
    /// Refuses headers that ask for features this endpoint would otherwise silently drop: customer-provided
    /// encryption keys (data would be stored in clear), ACL grants and public canned ACLs (S3 buckets with
    /// ACLs disabled, the default, refuse them too; "private" and "bucket-owner-full-control" are accepted).
    /// </summary>
    public static void RejectUnsupportedHeaders(IHeaderDictionary headers)
    {
        foreach (var name in headers.Keys)
        {
            if (name.StartsWith("x-amz-server-side-encryption-customer-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("x-amz-copy-source-server-side-encryption-customer-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("x-amz-grant-", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3Errors.NotImplemented,
                    string.Format(System.Globalization.CultureInfo.InvariantCulture, S3Errors.UnknownQueryMessage, name));
            }
        }

        var acl = headers["x-amz-acl"].ToString();
        if (acl.Length > 0 && acl is not ("private" or "bucket-owner-full-control"))
        {
            throw new S3Exception(S3Errors.NotImplemented,
                string.Format(System.Globalization.CultureInfo.InvariantCulture, S3Errors.UnknownQueryMessage, "x-amz-acl: " + acl));
        }
    }

    /// <summary>Chooses the operation for a request, or throws NotImplemented/MethodNotAllowed.</summary>
    /// <param name="method">HTTP method.</param>
    /// <param name="target">The parsed request target.</param>
    /// <param name="hasCopySource">Whether x-amz-copy-source is present: it turns a PUT into a copy.</param>
    public S3Route Resolve(string method, S3RequestTarget target, bool hasCopySource)
    {
        foreach (var name in target.Query.Keys)
        {
            if (!Modifiers.Contains(name) && !Subresources.Contains(name) && !name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3Errors.NotImplemented,
                    string.Format(System.Globalization.CultureInfo.InvariantCulture, S3Errors.UnknownQueryMessage, name));
            }
        }

        if (target.Bucket is null)
        {
            return method == "GET"
                ? new S3Route("ListBuckets", operations.ListBuckets)
                : throw new S3Exception(S3Errors.MethodNotAllowed);
        }

        BucketNames.EnsureValid(target.Bucket);
        var subresource = Subresources.FirstOrDefault(target.Has);
        var route = target.Key is null ? ResolveBucket(method, subresource, target) : ResolveObject(method, subresource, target, hasCopySource);
        return route ?? throw (subresource is null
            ? new S3Exception(S3Errors.MethodNotAllowed)
            : new S3Exception(S3Errors.NotImplemented,
                string.Format(System.Globalization.CultureInfo.InvariantCulture, S3Errors.UnknownQueryMessage, method + " ?" + subresource)));
    }

    private S3Route? ResolveBucket(string method, string? subresource, S3RequestTarget target) => (method, subresource) switch
    {
        ("GET", null) when target.Get("list-type") == "2" => new("ListObjectsV2", operations.ListObjectsV2),
        ("GET", null) => new("ListObjects", operations.ListObjectsV1),
        ("GET", "location") => new("GetBucketLocation", operations.GetBucketLocation),
        ("GET", "versioning") => new("GetBucketVersioning", operations.GetBucketVersioning),
        ("GET", "object-lock") => new("GetObjectLockConfiguration", operations.GetObjectLockConfiguration),
        ("GET", "tagging") => new("GetBucketTagging", operations.GetBucketTagging),
        ("GET", "versions") => new("ListObjectVersions", operations.ListObjectVersions),
        ("GET", "uploads") => new("ListMultipartUploads", operations.ListMultipartUploads),
        ("GET", "lifecycle") => new("GetBucketLifecycleConfiguration", operations.GetBucketLifecycleConfiguration),
        ("GET", "replication") => Document("GetBucketReplication", operations.GetBucketDocument, BucketDocument.Replication),
        ("GET", "encryption") => Document("GetBucketEncryption", operations.GetBucketDocument, BucketDocument.Encryption),
        ("PUT", null) => new("CreateBucket", operations.CreateBucket),
        ("PUT", "versioning") => new("PutBucketVersioning", operations.PutBucketVersioning),
        ("PUT", "object-lock") => new("PutObjectLockConfiguration", operations.PutObjectLockConfiguration),
        ("PUT", "tagging") => new("PutBucketTagging", operations.PutBucketTagging),
        ("PUT", "lifecycle") => new("PutBucketLifecycleConfiguration", operations.PutBucketLifecycleConfiguration),
        ("PUT", "replication") => Document("PutBucketReplication", operations.PutBucketDocument, BucketDocument.Replication),
        ("PUT", "encryption") => Document("PutBucketEncryption", operations.PutBucketDocument, BucketDocument.Encryption),
        ("DELETE", null) => new("DeleteBucket", operations.DeleteBucket),
        ("DELETE", "tagging") => new("DeleteBucketTagging", operations.DeleteBucketTagging),
        ("DELETE", "lifecycle") => new("DeleteBucketLifecycle", operations.DeleteBucketLifecycle),
        ("DELETE", "replication") => Document("DeleteBucketReplication", operations.DeleteBucketDocument, BucketDocument.Replication),
        ("DELETE", "encryption") => Document("DeleteBucketEncryption", operations.DeleteBucketDocument, BucketDocument.Encryption),
        ("GET", "publicAccessBlock") => Document("GetPublicAccessBlock", operations.GetBucketDocument, S3Operations.PublicAccessBlock),
        ("PUT", "publicAccessBlock") => new("PutPublicAccessBlock", operations.PutPublicAccessBlock),
        ("DELETE", "publicAccessBlock") => Document("DeletePublicAccessBlock", operations.DeleteBucketDocument, S3Operations.PublicAccessBlock),
        ("GET", "ownershipControls") => Document("GetBucketOwnershipControls", operations.GetBucketDocument, S3Operations.OwnershipControls),
        ("PUT", "ownershipControls") => new("PutBucketOwnershipControls", operations.PutBucketOwnershipControls),
        ("DELETE", "ownershipControls") => Document("DeleteBucketOwnershipControls", operations.DeleteBucketDocument, S3Operations.OwnershipControls),
        ("GET", "policy") => new("GetBucketPolicy", operations.GetBucketPolicy),
        ("PUT", "policy") => new("PutBucketPolicy", operations.PutBucketPolicy),
        ("DELETE", "policy") => Document("DeleteBucketPolicy", operations.DeleteBucketDocument, S3Operations.Policy),
        ("HEAD", null) => new("HeadBucket", operations.HeadBucket),
        ("POST", "delete") => new("DeleteObjects", operations.DeleteObjects),
        _ => null,
    };

    private S3Route? ResolveObject(string method, string? subresource, S3RequestTarget target, bool isCopy) => (method, subresource) switch
    {
        ("GET", null) => new("GetObject", operations.GetObject),
        ("GET", "tagging") => new("GetObjectTagging", operations.GetObjectTagging),
        ("GET", "retention") => new("GetObjectRetention", operations.GetObjectRetention),
        ("GET", "legal-hold") => new("GetObjectLegalHold", operations.GetObjectLegalHold),
        ("GET", "uploadId") => new("ListParts", operations.ListParts),
        ("HEAD", null) => new("HeadObject", operations.HeadObject),
        ("PUT", null) when isCopy => new("CopyObject", operations.CopyObject),
        ("PUT", null) => new("PutObject", operations.PutObject),
        ("PUT", "uploadId") when target.Has("partNumber") && isCopy => new("UploadPartCopy", operations.UploadPartCopy),
        ("PUT", "uploadId") when target.Has("partNumber") => new("UploadPart", operations.UploadPart),
        ("PUT", "tagging") => new("PutObjectTagging", operations.PutObjectTagging),
        ("PUT", "retention") => new("PutObjectRetention", operations.PutObjectRetention),
        ("PUT", "legal-hold") => new("PutObjectLegalHold", operations.PutObjectLegalHold),
        ("DELETE", null) => new("DeleteObject", operations.DeleteObject),
        ("DELETE", "tagging") => new("DeleteObjectTagging", operations.DeleteObjectTagging),
        ("DELETE", "uploadId") => new("AbortMultipartUpload", operations.AbortMultipartUpload),
        ("POST", "uploads") => new("CreateMultipartUpload", operations.CreateMultipartUpload),
        ("POST", "uploadId") => new("CompleteMultipartUpload", operations.CompleteMultipartUpload),
        _ => null,
    };

    private static S3Route Document(string operation, Func<S3Call, BucketDocument, Task> run, BucketDocument document) =>
        new(operation, call => run(call, document));
}
