using System.Text;
using System.Xml.Linq;
using DisasterRecovery.LocalS3.Storage;
using DisasterRecovery.LocalS3.Streaming;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>
/// The S3 operations, one method each, split by area across partial files (buckets, bucket configuration,
/// objects, object subresources, listings, multipart). Each method reads the request, calls the store and
/// shapes S3's response; the rules themselves live in Storage, Locking and Streaming.
/// </summary>
internal sealed partial class S3Operations
{
    private const int MaxKeyBytes = 1024;
    private readonly ObjectStore store;
    private readonly MultipartStore multipart;
    private readonly string region;

    public S3Operations(ObjectStore store, MultipartStore multipart, string region)
    {
        this.store = store;
        this.multipart = multipart;
        this.region = region;
    }

    private static Task NoContent(S3Call call)
    {
        call.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static Task Ok(S3Call call)
    {
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private static async Task<byte[]> ReadBodyAsync(S3Call call, bool checksumHeadersDescribeObject = false) =>
        await PayloadReceiver.ReadSmallAsync(call.Request, call.Signing, call.Aborted, checksumHeadersDescribeObject);

    private static async Task<XElement> ReadXmlAsync(S3Call call, string rootName, bool checksumHeadersDescribeObject = false)
    {
        var root = S3Xml.Parse(await ReadBodyAsync(call, checksumHeadersDescribeObject));
        S3Xml.RequireRoot(root, rootName);
        return root;
    }

    /// <summary>
    /// Streams the request body into a new temp file, verified and flushed to disk; the caller commits
    /// the file by rename or it is deleted here on any failure.
    /// </summary>
    private async Task<(string TempPath, ReceivedPayload Payload)> ReceiveToTempAsync(S3Call call, PayloadOptions options)
    {
        var tempPath = store.NewTempPath();
        try
        {
            await using var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
            var payload = await PayloadReceiver.ReceiveAsync(call.Request, call.Signing, file, options, call.Aborted);
            file.Flush(flushToDisk: true);
            return (tempPath, payload);
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }
    }

    private static void EnsureValidKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            throw new S3Exception(S3Errors.KeyTooLongError).WithDetail("Key", key);
        }
    }

    private static XElement Owner() => S3Xml.Element("Owner", S3Xml.Element("ID", LocalOwner.Id), S3Xml.Element("DisplayName", LocalOwner.DisplayName));

    private static XElement Initiator() => S3Xml.Element("Initiator", S3Xml.Element("ID", LocalOwner.Id), S3Xml.Element("DisplayName", LocalOwner.DisplayName));
}

/// <summary>The single owner of everything on this local endpoint.</summary>
internal static class LocalOwner
{
    public const string Id = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    public const string DisplayName = "local";
}
