using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Copies one stream to one S3 object: a single PUT when it fits in a part, else a multipart upload of
/// <see cref="PartSize"/> parts, one buffer at a time. The source is read to its end (a read returning 0) before the
/// object is completed, so a catalog stream's checksum failure there leaves no object (the upload is aborted). Each
/// object carries the reader's ACL grant when one is given (READ and READ_ACP, as ElastiCache's seeding asks).
/// </summary>
internal sealed class RedisStageUpload(IAmazonS3 s3, string bucket, string key, string? readerCanonicalId)
{
    public const int PartSize = 16 << 20;

    /// <summary>Uploads <paramref name="source"/>; returns its size.</summary>
    public async Task<long> CopyAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[PartSize];
        var filled = await FillAsync(source, buffer, cancellationToken).ConfigureAwait(false);
        if (filled < PartSize)
        {
            using var body = new MemoryStream(buffer, 0, filled, writable: false);
            var put = new PutObjectRequest
            {
                BucketName = bucket, Key = key, InputStream = body, ContentType = RedisBackupObjects.RdbContentType, AutoCloseStream = false,
                Grants = Grants(),
            };
            await S3Failures.CallAsync(bucket, () => s3.PutObjectAsync(put, cancellationToken)).ConfigureAwait(false);
            return filled;
        }

        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = key, ContentType = RedisBackupObjects.RdbContentType, Grants = Grants(),
        };
        var uploadId = (await S3Failures.CallAsync(bucket, () => s3.InitiateMultipartUploadAsync(initiate, cancellationToken)).ConfigureAwait(false)).UploadId;
        try
        {
            var parts = new List<PartETag>();
            long total = 0;
            while (filled > 0)
            {
                using var body = new MemoryStream(buffer, 0, filled, writable: false);
                var part = new UploadPartRequest
                {
                    BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = parts.Count + 1, InputStream = body, PartSize = filled,
                };
                var uploaded = await S3Failures.CallAsync(bucket, () => s3.UploadPartAsync(part, cancellationToken)).ConfigureAwait(false);
                parts.Add(new PartETag(parts.Count + 1, uploaded.ETag));
                total += filled;
                filled = await FillAsync(source, buffer, cancellationToken).ConfigureAwait(false);
            }

            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts };
            await S3Failures.CallAsync(bucket, () => s3.CompleteMultipartUploadAsync(complete, cancellationToken)).ConfigureAwait(false);
            return total;
        }
        catch
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, CancellationToken.None)
                .ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the source goes; fewer bytes only at its end, after the read returning 0 (its check).</summary>
    private static async Task<int> FillAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }

    private List<S3Grant>? Grants() => readerCanonicalId is { } id
        ?
        [
            new S3Grant { Grantee = new S3Grantee { CanonicalUser = id }, Permission = S3Permission.READ },
            new S3Grant { Grantee = new S3Grantee { CanonicalUser = id }, Permission = S3Permission.READ_ACP },
        ]
        : null;
}
