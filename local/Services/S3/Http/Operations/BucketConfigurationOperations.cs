using DisasterRecovery.LocalS3.Versioning;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>A bucket configuration kept as the exact document the client sent.</summary>
/// <param name="DocumentName">File name stem in the bucket folder.</param>
/// <param name="RootElement">The document's root element, checked on PUT.</param>
/// <param name="NotFound">The error GET answers when none is stored.</param>
internal sealed record BucketDocument(string DocumentName, string RootElement, S3ErrorKind NotFound)
{
    public static readonly BucketDocument Replication = new("replication", "ReplicationConfiguration", S3Errors.ReplicationConfigurationNotFoundError);
    public static readonly BucketDocument Encryption =
        new("encryption", "ServerSideEncryptionConfiguration", S3Errors.ServerSideEncryptionConfigurationNotFoundError);
}

/// <summary>
/// Replication and encryption configuration: stored and returned byte for byte. This local endpoint does not act on
/// them (no replication, no encryption at rest); the catalog and recovery tooling above only need them to round-trip
/// as on S3. Lifecycle configuration is acted upon: see LifecycleOperations.
/// </summary>
internal sealed partial class S3Operations
{
    public async Task GetBucketDocument(S3Call call, BucketDocument document)
    {
        var stored = store.ReadConfiguration(call.Bucket, document.DocumentName)
            ?? throw new S3Exception(document.NotFound).WithDetail("BucketName", call.Bucket);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        call.Response.ContentLength = stored.Length;
        await call.Response.Body.WriteAsync(stored, call.Aborted);
    }

    public async Task PutBucketDocument(S3Call call, BucketDocument document)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        var body = await ReadBodyAsync(call);
        var root = S3Xml.Parse(body);
        S3Xml.RequireRoot(root, document.RootElement);
        if (document == BucketDocument.Encryption)
        {
            EnsureEncryptionShape(root);
        }

        if (document == BucketDocument.Replication && bucket.Versioning != VersioningStatus.Enabled)
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.ReplicationNeedsVersioningMessage);
        }

        store.WriteConfiguration(call.Bucket, document.DocumentName, body);
        await Ok(call);
    }

    public async Task DeleteBucketDocument(S3Call call, BucketDocument document)
    {
        store.WriteConfiguration(call.Bucket, document.DocumentName, null);
        await NoContent(call);
    }
}
