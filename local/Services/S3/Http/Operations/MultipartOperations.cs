using System.Globalization;
using DisasterRecovery.LocalS3.Storage;
using DisasterRecovery.LocalS3.Streaming;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>Multipart uploads: create, upload part (and part copy), complete, abort.</summary>
internal sealed partial class S3Operations
{
    public async Task CreateMultipartUpload(S3Call call)
    {
        EnsureValidKey(call.Key);
        var bucket = store.GetBucket(call.Bucket).Record;
        var lockRequest = ObjectHeaders.ReadLock(call.Request, store.Now);
        var template = ObjectHeaders.ApplyLock(ObjectHeaders.ReadTemplate(call.Request, call.Key), lockRequest, bucket, store.Now);
        var algorithm = ChecksumAlgorithms.Parse(call.Header("x-amz-checksum-algorithm"));
        if (call.Header("x-amz-checksum-algorithm") is not null && algorithm is null)
        {
            throw new S3Exception(S3Errors.InvalidArgument, "Unknown checksum algorithm").WithDetail("ArgumentName", "x-amz-checksum-algorithm");
        }

        var checksumType = call.Header("x-amz-checksum-type")?.ToUpperInvariant();
        if (checksumType is not (null or "COMPOSITE" or "FULL_OBJECT"))
        {
            throw new S3Exception(S3Errors.InvalidArgument, "Unknown checksum type").WithDetail("ArgumentName", "x-amz-checksum-type");
        }

        var upload = multipart.Create(call.Bucket, template, algorithm, checksumType);
        if (upload.ChecksumAlgorithm is not null)
        {
            call.Response.Headers["x-amz-checksum-algorithm"] = upload.ChecksumAlgorithm;
            call.Response.Headers["x-amz-checksum-type"] = upload.ChecksumType ?? "COMPOSITE";
        }

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("InitiateMultipartUploadResult",
            S3Xml.Element("Bucket", call.Bucket),
            S3Xml.Element("Key", call.Key),
            S3Xml.Element("UploadId", upload.UploadId)));
    }

    public async Task UploadPart(S3Call call)
    {
        var partNumber = ParsePartNumber(call);
        var upload = multipart.Get(call.Bucket, call.Key, call.Query("uploadId")!);
        var (tempPath, payload) = await ReceiveToTempAsync(call, new PayloadOptions(ChecksumAlgorithms.Parse(upload.ChecksumAlgorithm)));
        UploadedPart part;
        try
        {
            part = multipart.CommitPart(call.Bucket, upload, partNumber, tempPath, payload);
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }

        call.Response.Headers.ETag = ETags.Quote(part.ETag);
        ObjectHeaders.WriteChecksum(call.Response, part.ChecksumAlgorithm, part.ChecksumValue, null);
        await Ok(call);
    }

    public async Task UploadPartCopy(S3Call call)
    {
        var partNumber = ParsePartNumber(call);
        var upload = multipart.Get(call.Bucket, call.Key, call.Query("uploadId")!);
        var (sourceBucket, sourceKey, sourceVersionId) = ParseCopySource(call.Header("x-amz-copy-source")!);
        var (source, data) = store.Read(sourceBucket, sourceKey, sourceVersionId, openData: true);
        await using var _ = data;
        EnsureReadable(source);
        if (ConditionalRead.Evaluate(call.Request, source, "x-amz-copy-source-") == ConditionalOutcome.NotModified)
        {
            throw new S3Exception(S3Errors.PreconditionFailed).WithDetail("Condition", "x-amz-copy-source-If-None-Match");
        }

        var range = call.Header("x-amz-copy-source-range") is { } rangeHeader
            ? ByteRange.Parse(rangeHeader, source.Size)
                ?? throw new S3Exception(S3Errors.InvalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last.")
            : new ByteRange(0, source.Size);
        var algorithm = ChecksumAlgorithms.Parse(upload.ChecksumAlgorithm) ?? ChecksumAlgorithm.Crc64Nvme;
        var (tempPath, md5, checksum) = await CopyToTempAsync(data!, range.Start, range.Length, algorithm, call.Aborted);
        UploadedPart part;
        try
        {
            var payload =
                new ReceivedPayload(range.Length, md5, upload.ChecksumAlgorithm is null ? null : algorithm, upload.ChecksumAlgorithm is null ? null : checksum);
            part = multipart.CommitPart(call.Bucket, upload, partNumber, tempPath, payload);
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }

        call.Response.Headers["x-amz-copy-source-version-id"] = source.VersionId;
        await S3Xml.WriteAsync(call.Response, S3Xml.Element("CopyPartResult",
            S3Xml.Element("ETag", ETags.Quote(part.ETag)),
            S3Xml.Element("LastModified", S3Xml.Timestamp(part.LastModified)),
            part.ChecksumAlgorithm is null ? null : S3Xml.Element("Checksum" + part.ChecksumAlgorithm, part.ChecksumValue)));
    }

    public async Task CompleteMultipartUpload(S3Call call)
    {
        var upload = multipart.Get(call.Bucket, call.Key, call.Query("uploadId")!);
        var condition = WriteCondition.FromRequest(call.Request);
        var root = await ReadXmlAsync(call, "CompleteMultipartUpload", checksumHeadersDescribeObject: true);
        var requested = S3Xml.Children(root, "Part").Select(part =>
        {
            if (!int.TryParse(S3Xml.ChildValue(part, "PartNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new S3Exception(S3Errors.MalformedXML);
            }

            var checksums = new Dictionary<ChecksumAlgorithm, string>();
            foreach (var algorithm in ChecksumAlgorithms.All)
            {
                if (S3Xml.ChildValue(part, algorithm.XmlElementName()) is { Length: > 0 } value)
                {
                    checksums[algorithm] = value;
                }
            }

            return new RequestedPart(number, S3Xml.ChildValue(part, "ETag") ?? string.Empty, checksums);
        }).ToList();

        (ChecksumAlgorithm, string)? claimedChecksum = null;
        foreach (var algorithm in ChecksumAlgorithms.All)
        {
            if (call.Header(algorithm.HeaderName()) is { } value)
            {
                claimedChecksum = (algorithm, value);
            }
        }

        var expected = new ExpectedObject(
            claimedChecksum,
            long.TryParse(call.Header("x-amz-mp-object-size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null);
        var committed = await multipart.CompleteAsync(call.Bucket, upload, requested, condition, expected, call.Aborted);
        var bucket = store.GetBucket(call.Bucket).Record;
        ObjectHeaders.WriteVersionId(call.Response, committed.VersionId, bucket);
        var checksumElement = ChecksumAlgorithms.Parse(committed.ChecksumAlgorithm) is { } kept
            ? S3Xml.Element(kept.XmlElementName(), committed.ChecksumValue)
            : null;
        await S3Xml.WriteAsync(call.Response, S3Xml.Element("CompleteMultipartUploadResult",
            S3Xml.Element("Location", $"{call.Request.Scheme}://{call.Request.Host}/{call.Bucket}/{Auth.AwsUriEncoding.Encode(call.Key, encodeSlash: false)}"),
            S3Xml.Element("Bucket", call.Bucket),
            S3Xml.Element("Key", call.Key),
            S3Xml.Element("ETag", ETags.Quote(committed.ETag)),
            checksumElement,
            S3Xml.Optional("ChecksumType", committed.ChecksumType)));
    }

    public Task AbortMultipartUpload(S3Call call)
    {
        multipart.Abort(call.Bucket, call.Key, call.Query("uploadId")!);
        return NoContent(call);
    }

    private static int ParsePartNumber(S3Call call) =>
        int.TryParse(call.Query("partNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && number is >= 1 and <= MultipartStore.MaximumPartNumber
            ? number
            : throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidPartNumberMessage).WithDetail("ArgumentName", "partNumber");
}
