using System.Net;
using Amazon.S3;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>How S3's answers map onto the platform's error contract.</summary>
public static class S3Failures
{
    /// <summary>The bucket does not exist.</summary>
    public static bool IsNoSuchBucket(AmazonS3Exception e) => e.ErrorCode == "NoSuchBucket";

    /// <summary>A conditional write lost: the key exists (If-None-Match) or changed (If-Match), or a racing conditional write is in flight.</summary>
    public static bool IsConditionFailed(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.PreconditionFailed
        || e.ErrorCode is "PreconditionFailed" or "ConditionalRequestConflict";

    /// <summary>The key (or version) does not exist.</summary>
    public static bool IsNotFound(AmazonS3Exception e) =>
        e.ErrorCode is "NoSuchKey" or "NoSuchVersion" or "NotFound"
        || (e.StatusCode == HttpStatusCode.NotFound && !IsNoSuchBucket(e));

    /// <summary>Refused: for a delete under Object Lock this is the lock.</summary>
    public static bool IsAccessDenied(AmazonS3Exception e) => e.ErrorCode == "AccessDenied" || e.StatusCode == HttpStatusCode.Forbidden;

    /// <summary>Runs an S3 call, turning "no such bucket" into <see cref="StorageNotFoundException"/>.</summary>
    public static async Task<T> CallAsync<T>(string bucket, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsNoSuchBucket(e))
        {
            throw new StorageNotFoundException(bucket, e);
        }
    }
}
