using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using DisasterRecovery.LocalS3.Http;
using DisasterRecovery.LocalS3.Streaming;

namespace DisasterRecovery.LocalS3.Storage;

/// <summary>What a CompleteMultipartUpload request claims about the whole object (x-amz-checksum-*, x-amz-mp-object-size).</summary>
internal sealed record ExpectedObject((ChecksumAlgorithm Algorithm, string Value)? Checksum, long? Size);

/// <summary>A part named in a CompleteMultipartUpload request.</summary>
internal sealed record RequestedPart(int PartNumber, string ETag, Dictionary<ChecksumAlgorithm, string> Checksums);

/// <summary>
/// Multipart uploads in progress, one folder per upload id holding upload.json and, per part,
/// part-NNNNN.json plus a uniquely named data file, so parallel (and repeated) part uploads never clash.
/// Completing concatenates the parts into one data file and commits it as a version of the key.
/// </summary>
internal sealed class MultipartStore
{
    public const long MinimumPartSize = 5L * 1024 * 1024;
    public const int MaximumPartNumber = 10_000;
    private const string UploadFileName = "upload.json";
    private readonly ObjectStore store;

    public MultipartStore(ObjectStore store)
    {
        this.store = store;
    }

    public MultipartUpload Create(string bucket, ObjectVersion template, ChecksumAlgorithm? algorithm, string? checksumType)
    {
        var state = store.GetBucket(bucket);
        var upload = new MultipartUpload
        {
            UploadId = NewUploadId(),
            Key = template.Key,
            Initiated = store.Now,
            Template = template,
            ChecksumAlgorithm = algorithm?.WireName(),
            ChecksumType = checksumType,
        };
        var directory = Path.Combine(state.UploadsDirectory, upload.UploadId);
        Directory.CreateDirectory(directory);
        AtomicFile.WriteJson(Path.Combine(directory, UploadFileName), upload, StorageJson.Default.MultipartUpload);
        return upload;
    }

    /// <summary>The upload with this id for this key, or NoSuchUpload (ids are checked before touching paths).</summary>
    public MultipartUpload Get(string bucket, string key, string uploadId)
    {
        var state = store.GetBucket(bucket);
        var upload = IsWellFormedId(uploadId)
            ? AtomicFile.ReadJson(Path.Combine(state.UploadsDirectory, uploadId, UploadFileName), StorageJson.Default.MultipartUpload)
            : null;
        if (upload is null || upload.Key != key)
        {
            throw new S3Exception(S3Errors.NoSuchUpload).WithDetail("UploadId", uploadId);
        }

        return upload;
    }

    /// <summary>Makes a received part (flushed to a temp file) part N of the upload, replacing an earlier part N.</summary>
    public UploadedPart CommitPart(string bucket, MultipartUpload upload, int partNumber, string dataTempPath, ReceivedPayload payload)
    {
        var state = store.GetBucket(bucket);
        var directory = Path.Combine(state.UploadsDirectory, upload.UploadId);
        var part = new UploadedPart
        {
            PartNumber = partNumber,
            Size = payload.Length,
            ETag = payload.ETag,
            ChecksumAlgorithm = payload.ChecksumAlgorithm?.WireName(),
            ChecksumValue = payload.ChecksumBase64,
            LastModified = store.Now,
            DataFile = $"part-{partNumber:D5}-{Guid.NewGuid():N}.data",
        };
        lock (state.Gate)
        {
            if (!File.Exists(Path.Combine(directory, UploadFileName)))
            {
                throw new S3Exception(S3Errors.NoSuchUpload).WithDetail("UploadId", upload.UploadId);
            }

            var jsonPath = PartJsonPath(directory, partNumber);
            var previous = AtomicFile.ReadJson(jsonPath, StorageJson.Default.UploadedPart);
            File.Move(dataTempPath, Path.Combine(directory, part.DataFile));
            AtomicFile.WriteJson(jsonPath, part, StorageJson.Default.UploadedPart);
            if (previous is not null)
            {
                AtomicFile.TryDelete(Path.Combine(directory, previous.DataFile));
            }
        }

        return part;
    }

    public List<UploadedPart> ListParts(string bucket, MultipartUpload upload)
    {
        var directory = Path.Combine(store.GetBucket(bucket).UploadsDirectory, upload.UploadId);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, "part-*.json")
            .Select(path => AtomicFile.ReadJson(path, StorageJson.Default.UploadedPart))
            .OfType<UploadedPart>()
            .OrderBy(part => part.PartNumber)
            .ToList();
    }

    public List<MultipartUpload> ListUploads(string bucket)
    {
        var state = store.GetBucket(bucket);
        return Directory.EnumerateDirectories(state.UploadsDirectory)
            .Select(directory => AtomicFile.ReadJson(Path.Combine(directory, UploadFileName), StorageJson.Default.MultipartUpload))
            .OfType<MultipartUpload>()
            .ToList();
    }

    public void Abort(string bucket, string key, string uploadId)
    {
        Get(bucket, key, uploadId);
        var state = store.GetBucket(bucket);
        lock (state.Gate)
        {
            RemoveUploadDirectory(Path.Combine(state.UploadsDirectory, uploadId));
        }
    }

    /// <summary>
    /// Validates the part list as S3 does (ascending order, known parts with matching ETags and checksums,
    /// every part but the last at least 5 MiB), concatenates the parts into one file while computing the
    /// object's checksum, and commits the result as the key's newest version.
    /// </summary>
    public async Task<ObjectVersion> CompleteAsync(
        string bucket,
        MultipartUpload upload,
        IReadOnlyList<RequestedPart> requested,
        WriteCondition? condition,
        ExpectedObject expected,
        CancellationToken cancellationToken)
    {
        var stored = ListParts(bucket, upload).ToDictionary(part => part.PartNumber);
        var selected = SelectParts(upload, requested, stored);
        condition?.Check(TryLatest(bucket, upload.Key));
        if (expected.Size is { } expectedSize && expectedSize != selected.Sum(part => part.Size))
        {
            throw new S3Exception(S3Errors.InvalidRequest, "The provided x-amz-mp-object-size does not match the size of the uploaded parts.");
        }

        var (algorithm, checksumType) = ChooseChecksum(upload, selected, expected.Checksum?.Algorithm);
        var directory = Path.Combine(store.GetBucket(bucket).UploadsDirectory, upload.UploadId);
        var tempPath = store.NewTempPath();
        string? checksumValue;
        try
        {
            checksumValue = await ConcatenateAsync(directory, selected, tempPath, algorithm, checksumType, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            AtomicFile.TryDelete(tempPath);
            throw new S3Exception(S3Errors.NoSuchUpload).WithDetail("UploadId", upload.UploadId);
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }

        if (expected.Checksum is { } claimed && (claimed.Algorithm != algorithm || claimed.Value != checksumValue))
        {
            AtomicFile.TryDelete(tempPath);
            throw new S3Exception(S3Errors.BadDigest, string.Format(CultureInfo.InvariantCulture,
                S3Errors.ChecksumMismatchMessage, claimed.Algorithm.WireName().ToLowerInvariant()));
        }

        var template = upload.Template with
        {
            Key = upload.Key,
            Size = selected.Sum(part => part.Size),
            ETag = MultipartETag(selected),
            ChecksumAlgorithm = algorithm?.WireName(),
            ChecksumValue = checksumValue,
            ChecksumType = algorithm is null ? null : checksumType,
            Parts = selected.Select(part => new ObjectPart(part.PartNumber, part.Size, part.ChecksumValue)).ToList(),
            LastModified = default,
        };

        ObjectVersion committed;
        try
        {
            committed = store.Commit(bucket, template, tempPath, condition);
        }
        catch
        {
            AtomicFile.TryDelete(tempPath);
            throw;
        }

        var state = store.GetBucket(bucket);
        lock (state.Gate)
        {
            RemoveUploadDirectory(directory);
        }

        return committed;
    }

    private static List<UploadedPart> SelectParts(MultipartUpload upload, IReadOnlyList<RequestedPart> requested, Dictionary<int, UploadedPart> stored)
    {
        if (requested.Count == 0)
        {
            throw new S3Exception(S3Errors.MalformedXML, S3Errors.EmptyCompleteMessage);
        }

        var selected = new List<UploadedPart>(requested.Count);
        var previousNumber = 0;
        foreach (var part in requested)
        {
            if (part.PartNumber <= previousNumber)
            {
                throw new S3Exception(S3Errors.InvalidPartOrder).WithDetail("UploadId", upload.UploadId);
            }

            previousNumber = part.PartNumber;
            if (!stored.TryGetValue(part.PartNumber, out var uploaded) || uploaded.ETag != part.ETag.Trim().Trim('"'))
            {
                throw new S3Exception(S3Errors.InvalidPart).WithDetail("UploadId", upload.UploadId)
                    .WithDetail("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture))
                    .WithDetail("ETag", part.ETag);
            }

            foreach (var (algorithm, value) in part.Checksums)
            {
                if (uploaded.ChecksumAlgorithm != algorithm.WireName() || uploaded.ChecksumValue != value)
                {
                    throw new S3Exception(S3Errors.InvalidPart,
                        $"The {algorithm.WireName().ToLowerInvariant()} you specified for part {part.PartNumber} does not match the uploaded part.")
                        .WithDetail("UploadId", upload.UploadId);
                }
            }

            if (upload.ChecksumAlgorithm is not null && upload.ChecksumType != "FULL_OBJECT" && uploaded.ChecksumAlgorithm != upload.ChecksumAlgorithm)
            {
                throw new S3Exception(S3Errors.InvalidRequest, string.Format(CultureInfo.InvariantCulture,
                    S3Errors.MissingPartChecksumMessage, upload.ChecksumAlgorithm.ToLowerInvariant(), part.PartNumber));
            }

            selected.Add(uploaded);
        }

        for (var i = 0; i < selected.Count - 1; i++)
        {
            if (selected[i].Size < MinimumPartSize)
            {
                throw new S3Exception(S3Errors.EntityTooSmall)
                    .WithDetail("ProposedSize", selected[i].Size.ToString(CultureInfo.InvariantCulture))
                    .WithDetail("MinSizeAllowed", MinimumPartSize.ToString(CultureInfo.InvariantCulture));
            }
        }

        return selected;
    }

    /// <summary>
    /// COMPOSITE (checksum of the part checksums, "-N") only when the upload asked for it or used SHA;
    /// otherwise a FULL_OBJECT CRC of the whole object, which the SDK then verifies end to end on GET:
    /// the upload's algorithm, else the parts' common CRC, else CRC64NVME as S3 defaults to.
    /// </summary>
    private static (ChecksumAlgorithm? Algorithm, string Type) ChooseChecksum(MultipartUpload upload, List<UploadedPart> parts, ChecksumAlgorithm? claimed)
    {
        var declared = ChecksumAlgorithms.Parse(upload.ChecksumAlgorithm) ?? claimed;
        var partAlgorithms = parts.Select(part => part.ChecksumAlgorithm).Distinct().ToList();
        var common = partAlgorithms.Count == 1 ? ChecksumAlgorithms.Parse(partAlgorithms[0]) : null;
        var algorithm = declared ?? common ?? ChecksumAlgorithm.Crc64Nvme;
        var isCrc = algorithm is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;
        var composite = upload.ChecksumType == "COMPOSITE" || !isCrc;
        if (composite && common != algorithm)
        {
            return (null, "COMPOSITE");
        }

        return (algorithm, composite ? "COMPOSITE" : "FULL_OBJECT");
    }

    private static async Task<string?> ConcatenateAsync(
        string directory,
        List<UploadedPart> parts,
        string destinationPath,
        ChecksumAlgorithm? algorithm,
        string checksumType,
        CancellationToken cancellationToken)
    {
        var fullObject = algorithm is not null && checksumType == "FULL_OBJECT" ? new StreamingChecksum(algorithm.Value) : null;
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            await using (var destination = new FileStream(destinationPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                foreach (var part in parts)
                {
                    await using var source = new FileStream(Path.Combine(directory, part.DataFile), FileMode.Open, FileAccess.Read,
                        FileShare.Read | FileShare.Delete, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        fullObject?.Append(buffer.AsSpan(0, read));
                        await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }

                destination.Flush(flushToDisk: true);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (fullObject is not null)
        {
            return fullObject.GetBase64();
        }

        if (algorithm is null)
        {
            return null;
        }

        var composite = new StreamingChecksum(algorithm.Value);
        foreach (var part in parts)
        {
            composite.Append(Convert.FromBase64String(part.ChecksumValue!));
        }

        return composite.GetBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>S3's multipart ETag: MD5 of the concatenated binary part MD5s, then "-" and the part count.</summary>
    private static string MultipartETag(List<UploadedPart> parts)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var part in parts)
        {
            md5.AppendData(Convert.FromHexString(part.ETag));
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset()) + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
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

    private static void RemoveUploadDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string PartJsonPath(string directory, int partNumber) => Path.Combine(directory, $"part-{partNumber:D5}.json");

    private static string NewUploadId()
    {
        Span<byte> bytes = stackalloc byte[24];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private static bool IsWellFormedId(string uploadId) =>
        uploadId.Length is > 0 and <= 64 && uploadId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
