using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Storage;
using DisasterRecovery.LocalS3.Streaming;
using DisasterRecovery.LocalS3.Versioning;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>Objects: put, get, head, delete, delete many, copy.</summary>
internal sealed partial class S3Operations
{
    private const int CopyBufferSize = 1024 * 1024;
    private const int MaxDeleteObjects = 1000;

    public async Task PutObject(S3Call call)
    {
        EnsureValidKey(call.Key);
        var bucket = store.GetBucket(call.Bucket).Record;
        var condition = WriteCondition.FromRequest(call.Request);
        var lockRequest = ObjectHeaders.ReadLock(call.Request, store.Now);
        ObjectHeaders.EnsureIntegrityForLock(call.Request, lockRequest, bucket);
        var template = ObjectHeaders.ApplyLock(ObjectHeaders.ReadTemplate(call.Request, call.Key), lockRequest, bucket, store.Now);

        // Fail a conditional write before receiving the body; the store checks again when committing.
        condition?.Check(TryLatest(call.Bucket, call.Key));

        var (tempPath, payload) = await ReceiveToTempAsync(call, new PayloadOptions(ChecksumAlgorithm.Crc64Nvme));
        var committed = CommitOrDiscard(call.Bucket, template with
        {
            Size = payload.Length,
            ETag = payload.ETag,
            ChecksumAlgorithm = payload.ChecksumAlgorithm?.WireName(),
            ChecksumValue = payload.ChecksumBase64,
            ChecksumType = payload.ChecksumAlgorithm is null ? null : "FULL_OBJECT",
        }, tempPath, condition);

        call.Response.Headers.ETag = ETags.Quote(committed.ETag);
        ObjectHeaders.WriteVersionId(call.Response, committed.VersionId, store.GetBucket(call.Bucket).Record);
        ObjectHeaders.WriteChecksum(call.Response, committed.ChecksumAlgorithm, committed.ChecksumValue, committed.ChecksumType);
        await Ok(call);
    }

    public Task GetObject(S3Call call) => ServeObject(call, sendBody: true);

    public Task HeadObject(S3Call call) => ServeObject(call, sendBody: false);

    private async Task ServeObject(S3Call call, bool sendBody)
    {
        var (version, data) = store.Read(call.Bucket, call.Key, call.VersionId, openData: sendBody);
        await using var _ = data;
        var bucket = store.GetBucket(call.Bucket).Record;
        if (sendBody)
        {
            // HEAD answers for an archived object (with its x-amz-storage-class); reading its bytes does not.
            EnsureReadable(version);
        }

        var range = SelectPart(call, version, out var partNumber);
        if (ConditionalRead.Evaluate(call.Request, version) == ConditionalOutcome.NotModified)
        {
            call.Response.StatusCode = StatusCodes.Status304NotModified;
            call.Response.Headers.ETag = ETags.Quote(version.ETag);
            call.Response.Headers.LastModified = version.LastModified.ToString("r", CultureInfo.InvariantCulture);
            return;
        }

        range ??= ByteRange.Parse(call.Request.Headers.Range.ToString(), version.Size);

        // S3 returns the stored checksum only when asked (x-amz-checksum-mode: ENABLED) and only for the
        // whole object: a checksum of the full object cannot verify a range.
        var includeChecksum = string.Equals(call.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase)
            && range is null && partNumber is null;
        ObjectHeaders.WriteObjectHeaders(call.Response, version, bucket, includeChecksum);
        ApplyResponseOverrides(call);

        var length = version.Size;
        if (range is { } satisfied)
        {
            call.Response.StatusCode = StatusCodes.Status206PartialContent;
            call.Response.Headers.ContentRange = $"bytes {satisfied.Start}-{satisfied.End}/{version.Size}";
            length = satisfied.Length;
        }
        else
        {
            call.Response.StatusCode = StatusCodes.Status200OK;
        }

        call.Response.ContentLength = length;
        if (sendBody && data is not null)
        {
            await CopyRangeAsync(data, range?.Start ?? 0, length, call.Response.Body, call.Aborted);
        }
    }

    /// <summary>
    /// GET (whole, ranged or by part) and copy sources of an archived object fail as on S3: 403 InvalidObjectState
    /// with the object's class, until a restore (not implemented here: nothing this project runs needs one).
    /// </summary>
    private static void EnsureReadable(ObjectVersion version)
    {
        if (StorageClasses.IsArchived(version.StorageClass))
        {
            throw new S3Exception(S3Errors.InvalidObjectState).WithDetail("StorageClass", version.StorageClass);
        }
    }

    /// <summary>GET ?partNumber=N serves one part of a multipart object (part 1 of a single-part object is all of it).</summary>
    private static ByteRange? SelectPart(S3Call call, ObjectVersion version, out int? partNumber)
    {
        partNumber = null;
        var value = call.Query("partNumber");
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > MultipartStore.MaximumPartNumber)
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidPartNumberMessage).WithDetail("ArgumentName", "partNumber");
        }

        partNumber = number;
        var parts = version.Parts ?? [new ObjectPart(1, version.Size, null)];
        if (number > parts.Count)
        {
            throw new S3Exception(S3Errors.InvalidRange with { Code = "InvalidPartNumber", Message = "The requested partnumber is not satisfiable" });
        }

        var start = parts.Take(number - 1).Sum(part => part.Size);
        return parts[number - 1].Size == 0 ? null : new ByteRange(start, parts[number - 1].Size);
    }

    /// <summary>response-content-type and friends, which presigned URLs use to shape downloads.</summary>
    private static void ApplyResponseOverrides(S3Call call)
    {
        (string Query, string Header)[] overrides =
        [
            ("response-content-type", "Content-Type"),
            ("response-content-language", "Content-Language"),
            ("response-expires", "Expires"),
            ("response-cache-control", "Cache-Control"),
            ("response-content-disposition", "Content-Disposition"),
            ("response-content-encoding", "Content-Encoding"),
        ];
        foreach (var (query, header) in overrides)
        {
            if (call.Query(query) is { Length: > 0 } value)
            {
                call.Response.Headers[header] = value;
            }
        }
    }

    private static async Task CopyRangeAsync(FileStream source, long start, long length, Stream destination, CancellationToken cancellationToken)
    {
        source.Seek(start, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var remaining = length;
            while (remaining > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("The object's data file is shorter than its recorded size.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public Task DeleteObject(S3Call call)
    {
        var outcome = store.Delete(call.Bucket, call.Key, call.VersionId, call.HeaderIsTrue("x-amz-bypass-governance-retention"));
        if (outcome.IsDeleteMarker)
        {
            call.Response.Headers["x-amz-delete-marker"] = "true";
        }

        ObjectHeaders.WriteVersionId(call.Response, outcome.VersionId, store.GetBucket(call.Bucket).Record);
        return NoContent(call);
    }

    public async Task DeleteObjects(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var root = await ReadXmlAsync(call, "Delete");
        var quiet = string.Equals(S3Xml.ChildValue(root, "Quiet"), "true", StringComparison.OrdinalIgnoreCase);
        var targets = S3Xml.Children(root, "Object").ToList();
        if (targets.Count > MaxDeleteObjects)
        {
            throw new S3Exception(S3Errors.MalformedXML, "A DeleteObjects request may name at most 1000 objects.");
        }

        var bypass = call.HeaderIsTrue("x-amz-bypass-governance-retention");
        var results = new List<XElement>();
        foreach (var target in targets)
        {
            var key = S3Xml.ChildValue(target, "Key") ?? string.Empty;
            var versionId = S3Xml.ChildValue(target, "VersionId");
            versionId = string.IsNullOrEmpty(versionId) ? null : versionId;
            try
            {
                EnsureValidKey(key);
                var outcome = store.Delete(call.Bucket, key, versionId, bypass);
                if (!quiet)
                {
                    results.Add(S3Xml.Element("Deleted",
                        S3Xml.Element("Key", key),
                        S3Xml.Optional("VersionId", versionId),
                        outcome.IsDeleteMarker ? S3Xml.Element("DeleteMarker", "true") : null,
                        outcome.IsDeleteMarker ? S3Xml.Element("DeleteMarkerVersionId", outcome.VersionId) : null));
                }
            }
            catch (S3Exception exception)
            {
                results.Add(S3Xml.Element("Error",
                    S3Xml.Element("Key", key),
                    S3Xml.Optional("VersionId", versionId),
                    S3Xml.Element("Code", exception.Kind.Code),
                    S3Xml.Element("Message", exception.Message)));
            }
        }

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("DeleteResult", results));
    }

    public async Task CopyObject(S3Call call)
    {
        EnsureValidKey(call.Key);
        var destinationBucket = store.GetBucket(call.Bucket).Record;
        var (sourceBucket, sourceKey, sourceVersionId) = ParseCopySource(call.Header("x-amz-copy-source")!);
        var (source, data) = store.Read(sourceBucket, sourceKey, sourceVersionId, openData: true);
        await using var _ = data;
        EnsureReadable(source);
        if (ConditionalRead.Evaluate(call.Request, source, "x-amz-copy-source-") == ConditionalOutcome.NotModified)
        {
            throw new S3Exception(S3Errors.PreconditionFailed).WithDetail("Condition", "x-amz-copy-source-If-None-Match");
        }

        var replaceMetadata = string.Equals(call.Header("x-amz-metadata-directive"), "REPLACE", StringComparison.OrdinalIgnoreCase);
        var replaceTags = string.Equals(call.Header("x-amz-tagging-directive"), "REPLACE", StringComparison.OrdinalIgnoreCase);
        var sourceIsLatest = TryLatest(sourceBucket, sourceKey)?.VersionId == source.VersionId;
        var requested = ObjectHeaders.ReadTemplate(call.Request, call.Key);
        var changesStorageClass = call.Header("x-amz-storage-class") is not null && requested.StorageClass != source.StorageClass;
        if (sourceBucket == call.Bucket && sourceKey == call.Key && sourceIsLatest && !replaceMetadata && !changesStorageClass)
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.CopyToItselfMessage);
        }

        var template = replaceMetadata
            ? requested
            : new ObjectVersion
            {
                Key = call.Key,
                ContentType = source.ContentType,
                ContentEncoding = source.ContentEncoding,
                ContentDisposition = source.ContentDisposition,
                ContentLanguage = source.ContentLanguage,
                CacheControl = source.CacheControl,
                Expires = source.Expires,
                Metadata = new Dictionary<string, string>(source.Metadata, StringComparer.Ordinal),
                ServerSideEncryption = requested.ServerSideEncryption ?? source.ServerSideEncryption,
            };
        // A copy is STANDARD unless the request names a class: S3 does not carry the source's class over.
        template = template with { StorageClass = requested.StorageClass };
        template = template with { Tags = replaceTags ? requested.Tags : [.. source.Tags] };
        var lockRequest = ObjectHeaders.ReadLock(call.Request, store.Now);
        template = ObjectHeaders.ApplyLock(template, lockRequest, destinationBucket, store.Now);

        var algorithm = ChecksumAlgorithms.Parse(call.Header("x-amz-checksum-algorithm"))
            ?? (source.ChecksumType == "FULL_OBJECT" ? ChecksumAlgorithms.Parse(source.ChecksumAlgorithm) : null)
            ?? ChecksumAlgorithm.Crc64Nvme;
        var (tempPath, md5, checksum) = await CopyToTempAsync(data!, 0, source.Size, algorithm, call.Aborted);
        var committed = CommitOrDiscard(call.Bucket, template with
        {
            Size = source.Size,
            ETag = Convert.ToHexStringLower(md5),
            ChecksumAlgorithm = algorithm.WireName(),
            ChecksumValue = checksum,
            ChecksumType = "FULL_OBJECT",
        }, tempPath, WriteCondition.FromRequest(call.Request));

        ObjectHeaders.WriteVersionId(call.Response, committed.VersionId, store.GetBucket(call.Bucket).Record);
        if (source.VersionId != VersionIds.Null || store.GetBucket(sourceBucket).Record.Versioning != VersioningStatus.Unversioned)
        {
            call.Response.Headers["x-amz-copy-source-version-id"] = source.VersionId;
        }

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("CopyObjectResult",
            S3Xml.Element("ETag", ETags.Quote(committed.ETag)),
            S3Xml.Element("LastModified", S3Xml.Timestamp(committed.LastModified)),
            S3Xml.Element("ChecksumType", "FULL_OBJECT"),
            S3Xml.Element(algorithm.XmlElementName(), checksum)));
    }

    /// <summary>x-amz-copy-source: [/]bucket/url-encoded-key[?versionId=id].</summary>
    private static (string Bucket, string Key, string? VersionId) ParseCopySource(string header)
    {
        var value = header.Trim();
        string? versionId = null;
        var question = value.IndexOf('?');
        if (question >= 0)
        {
            foreach (var pair in value[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                if (pair.StartsWith("versionId=", StringComparison.Ordinal))
                {
                    versionId = AwsUriEncoding.Decode(pair["versionId=".Length..]);
                }
            }

            value = value[..question];
        }

        // Clients encode the whole "bucket/key" (the AWS SDK for .NET sends "bucket%2Fkey"); a '?' inside
        // a key arrives as %3F, so the first literal '?' above always starts the query.
        value = AwsUriEncoding.Decode(value).TrimStart('/');
        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1)
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidCopySourceMessage).WithDetail("ArgumentName", "x-amz-copy-source");
        }

        var bucket = value[..slash];
        BucketNames.EnsureValid(bucket);
        return (bucket, value[(slash + 1)..], string.IsNullOrEmpty(versionId) ? null : versionId);
    }

    /// <summary>Copies a byte range of a stored version into a new temp file, computing its MD5 and checksum.</summary>
    private async Task<(string TempPath, byte[] Md5, string Checksum)> CopyToTempAsync(
        FileStream source, long start, long length, ChecksumAlgorithm algorithm, CancellationToken cancellationToken)
    {
        var tempPath = store.NewTempPath();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            var checksum = new StreamingChecksum(algorithm);
            await using (var destination = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                source.Seek(start, SeekOrigin.Begin);
                var remaining = length;
                while (remaining > 0)
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                    if (read == 0)
                    {
                        throw new IOException("The source object's data file is shorter than its recorded size.");
                    }

                    md5.AppendData(buffer.AsSpan(0, read));
                    checksum.Append(buffer.AsSpan(0, read));
                    await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    remaining -= read;
                }

                destination.Flush(flushToDisk: true);
            }

            return (tempPath, md5.GetHashAndReset(), checksum.GetBase64());
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ObjectVersion CommitOrDiscard(string bucket, ObjectVersion template, string tempPath, WriteCondition? condition)
    {
        try
        {
            return store.Commit(bucket, template, tempPath, condition);
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }
    }

    private ObjectVersion? TryLatest(string bucket, string key)
    {
        try
        {
            return store.Read(bucket, key, null, openData: false).Version;
        }
        catch (S3Exception exception) when (exception.Kind == S3Errors.NoSuchKey)
        {
            return null;
        }
    }
}
