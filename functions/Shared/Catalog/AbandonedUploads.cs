using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// Multipart uploads a killed backup left behind. An upload's lease is its activity: a running backup renews it with every
/// part it uploads, so an upload is expired iff its newest part (or, with none, its start, S3's <c>Initiated</c>) is older
/// than <see cref="DefaultIdle"/>; only those are aborted, so a backup that is still writing never loses its upload. Their
/// parts are storage nobody lists (the bucket's AbortIncompleteMultipartUpload lifecycle rule is the slower backstop).
/// </summary>
public sealed class AbandonedUploads(IAmazonS3 s3, string bucket, TimeProvider? time = null)
{
    /// <summary>How long an upload may go without a new part before it counts as abandoned.</summary>
    public static readonly TimeSpan DefaultIdle = TimeSpan.FromHours(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Aborts every upload under <paramref name="prefix"/> (default: every backup, <see cref="BackupKeys.BackupsRoot"/>) idle for
    /// <paramref name="idle"/> or more (default <see cref="DefaultIdle"/>); returns what it aborted, and what it could not.
    /// </summary>
    public async Task<IReadOnlyList<SweptTemporary>> AbortExpiredAsync(string? prefix = null, TimeSpan? idle = null, CancellationToken cancellationToken = default)
    {
        prefix ??= BackupKeys.BackupsRoot;
        var limit = idle ?? DefaultIdle;
        var now = _time.GetUtcNow();
        var swept = new List<SweptTemporary>();
        string? keyMarker = null;
        string? uploadIdMarker = null;
        do
        {
            var request = new ListMultipartUploadsRequest { BucketName = bucket, Prefix = prefix, KeyMarker = keyMarker, UploadIdMarker = uploadIdMarker };
            var page = await S3Failures.CallAsync(bucket, () => s3.ListMultipartUploadsAsync(request, cancellationToken)).ConfigureAwait(false);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                var lastActivity = await LastActivityAsync(upload, cancellationToken).ConfigureAwait(false);
                if (lastActivity is { } at && now - at < limit)
                {
                    continue;
                }

                swept.Add(await AbortAsync(upload, lastActivity, cancellationToken).ConfigureAwait(false));
            }

            keyMarker = page.NextKeyMarker;
            uploadIdMarker = page.NextUploadIdMarker;
            if (page.IsTruncated != true)
            {
                break;
            }
        }
        while (true);

        return swept;
    }

    /// <summary>The newest part's time, else the upload's start; null when S3 gives neither (then it counts as expired).</summary>
    private async Task<DateTimeOffset?> LastActivityAsync(MultipartUpload upload, CancellationToken cancellationToken)
    {
        DateTimeOffset? last = upload.Initiated is { } initiated ? new DateTimeOffset(initiated.ToUniversalTime(), TimeSpan.Zero) : null;
        try
        {
            int? partMarker = null;
            do
            {
                var request = new ListPartsRequest { BucketName = bucket, Key = upload.Key, UploadId = upload.UploadId, PartNumberMarker = partMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture) };
                var parts = await s3.ListPartsAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var part in parts.Parts ?? [])
                {
                    if (part.LastModified is { } modified && (last is null || modified.ToUniversalTime() > last.Value.UtcDateTime))
                    {
                        last = new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero);
                    }
                }

                partMarker = parts.IsTruncated == true ? parts.NextPartNumberMarker : null;
            }
            while (partMarker is not null);
        }
        catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
        {
            // Completed or aborted since the listing: the abort below finds it gone too.
        }

        return last;
    }

    private async Task<SweptTemporary> AbortAsync(MultipartUpload upload, DateTimeOffset? lastActivity, CancellationToken cancellationToken)
    {
        var name = $"{upload.Key}#{upload.UploadId}";
        DateTimeOffset? initiated = upload.Initiated is { } at ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero) : null;
        var idle = lastActivity is { } last ? $"no part since {last:yyyy-MM-ddTHH:mm:ssZ}" : "no start time";
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = upload.Key, UploadId = upload.UploadId },
                cancellationToken).ConfigureAwait(false);
            return new SweptTemporary("multipart-upload", $"s3://{bucket}", name, null, initiated, SweptTemporary.Removed, $"aborted: {idle}");
        }
        catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
        {
            return new SweptTemporary("multipart-upload", $"s3://{bucket}", name, null, initiated, SweptTemporary.Removed, "already gone");
        }
        catch (AmazonS3Exception e)
        {
            return new SweptTemporary("multipart-upload", $"s3://{bucket}", name, null, initiated, SweptTemporary.Left,
                $"could not be aborted: {e.ErrorCode}: {e.Message}");
        }
    }
}
