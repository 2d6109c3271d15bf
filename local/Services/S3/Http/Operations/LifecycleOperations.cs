using DisasterRecovery.LocalS3.Lifecycle;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>
/// Put/Get/DeleteBucketLifecycleConfiguration. The document is validated as S3 validates it (LifecycleParser), kept
/// byte for byte, and acted upon by the daily lifecycle run (LifecycleRunner) on the server's clock.
/// </summary>
internal sealed partial class S3Operations
{
    private const string MinimumObjectSizeHeader = "x-amz-transition-default-minimum-object-size";

    public async Task PutBucketLifecycleConfiguration(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var body = await ReadBodyAsync(call);
        var configuration = LifecycleParser.Parse(body, call.Header(MinimumObjectSizeHeader));
        store.WriteConfiguration(call.Bucket, LifecycleDocument.Name, body);
        store.UpdateBucket(call.Bucket, record => record with { TransitionDefaultMinimumObjectSize = configuration.TransitionDefaultMinimumObjectSize });
        call.Response.Headers[MinimumObjectSizeHeader] = configuration.TransitionDefaultMinimumObjectSize;
        await Ok(call);
    }

    public async Task GetBucketLifecycleConfiguration(S3Call call)
    {
        var stored = store.ReadConfiguration(call.Bucket, LifecycleDocument.Name)
            ?? throw new S3Exception(S3Errors.NoSuchLifecycleConfiguration).WithDetail("BucketName", call.Bucket);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        call.Response.Headers[MinimumObjectSizeHeader] = store.GetBucket(call.Bucket).Record.TransitionDefaultMinimumObjectSize
            ?? LifecycleDefaults.AllStorageClasses128K;
        call.Response.ContentLength = stored.Length;
        await call.Response.Body.WriteAsync(stored, call.Aborted);
    }

    public async Task DeleteBucketLifecycle(S3Call call)
    {
        store.WriteConfiguration(call.Bucket, LifecycleDocument.Name, null);
        store.UpdateBucket(call.Bucket, record => record with { TransitionDefaultMinimumObjectSize = null });
        await NoContent(call);
    }
}
