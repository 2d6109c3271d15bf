using System.Globalization;
using System.Xml.Linq;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Storage;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>Listings: ListObjects (v1 and v2), ListObjectVersions, ListMultipartUploads, ListParts.</summary>
internal sealed partial class S3Operations
{
    private const int MaxListKeys = 1000;

    public async Task ListObjectsV2(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        var (prefix, delimiter, maxKeys, encode) = ListParameters(call);
        var token = call.Query("continuation-token");
        var startAfter = call.Query("start-after");
        var after = token is not null ? DecodeToken(token) : NullIfEmpty(startAfter);
        var page = store.ListObjects(bucket.Name, prefix, delimiter, after, maxKeys);
        var fetchOwner = string.Equals(call.Query("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ListBucketResult",
            S3Xml.Element("Name", bucket.Name),
            S3Xml.Element("Prefix", encode(prefix)),
            S3Xml.Optional("Delimiter", delimiter is null ? null : encode(delimiter)),
            S3Xml.Element("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Optional("EncodingType", call.Query("encoding-type")),
            S3Xml.Element("IsTruncated", S3Xml.Bool(page.IsTruncated)),
            S3Xml.Element("KeyCount", (page.Objects.Count + page.CommonPrefixes.Count).ToString(CultureInfo.InvariantCulture)),
            S3Xml.Optional("ContinuationToken", token),
            page.IsTruncated ? S3Xml.Element("NextContinuationToken", EncodeToken(page.LastItem!)) : null,
            S3Xml.Optional("StartAfter", startAfter is null ? null : encode(startAfter)),
            page.Objects.Select(version => ContentsElement(version, encode, fetchOwner)),
            CommonPrefixElements(page.CommonPrefixes, encode)));
    }

    public async Task ListObjectsV1(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        var (prefix, delimiter, maxKeys, encode) = ListParameters(call);
        var marker = call.Query("marker");
        var page = store.ListObjects(bucket.Name, prefix, delimiter, NullIfEmpty(marker), maxKeys);

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ListBucketResult",
            S3Xml.Element("Name", bucket.Name),
            S3Xml.Element("Prefix", encode(prefix)),
            S3Xml.Element("Marker", encode(marker ?? string.Empty)),
            page.IsTruncated ? S3Xml.Element("NextMarker", encode(page.LastItem!)) : null,
            S3Xml.Element("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Optional("Delimiter", delimiter is null ? null : encode(delimiter)),
            S3Xml.Optional("EncodingType", call.Query("encoding-type")),
            S3Xml.Element("IsTruncated", S3Xml.Bool(page.IsTruncated)),
            page.Objects.Select(version => ContentsElement(version, encode, includeOwner: true)),
            CommonPrefixElements(page.CommonPrefixes, encode)));
    }

    public async Task ListObjectVersions(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        var (prefix, delimiter, maxKeys, encode) = ListParameters(call);
        var keyMarker = call.Query("key-marker");
        var versionIdMarker = call.Query("version-id-marker");
        var page = store.ListVersions(bucket.Name, prefix, delimiter, NullIfEmpty(keyMarker), NullIfEmpty(versionIdMarker), maxKeys);

        var entries = page.Versions.Select(entry => entry.Version.IsDeleteMarker
            ? S3Xml.Element("DeleteMarker",
                S3Xml.Element("Key", encode(entry.Version.Key)),
                S3Xml.Element("VersionId", entry.Version.VersionId),
                S3Xml.Element("IsLatest", S3Xml.Bool(entry.IsLatest)),
                S3Xml.Element("LastModified", S3Xml.Timestamp(entry.Version.LastModified)),
                Owner())
            : S3Xml.Element("Version",
                S3Xml.Element("Key", encode(entry.Version.Key)),
                S3Xml.Element("VersionId", entry.Version.VersionId),
                S3Xml.Element("IsLatest", S3Xml.Bool(entry.IsLatest)),
                S3Xml.Element("LastModified", S3Xml.Timestamp(entry.Version.LastModified)),
                S3Xml.Element("ETag", ETags.Quote(entry.Version.ETag)),
                ChecksumElements(entry.Version),
                S3Xml.Element("Size", entry.Version.Size.ToString(CultureInfo.InvariantCulture)),
                S3Xml.Element("StorageClass", StorageClasses.Reported(entry.Version.StorageClass)),
                Owner()));

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ListVersionsResult",
            S3Xml.Element("Name", bucket.Name),
            S3Xml.Element("Prefix", encode(prefix)),
            S3Xml.Element("KeyMarker", encode(keyMarker ?? string.Empty)),
            S3Xml.Element("VersionIdMarker", versionIdMarker ?? string.Empty),
            S3Xml.Optional("NextKeyMarker", page.NextKeyMarker is null ? null : encode(page.NextKeyMarker)),
            S3Xml.Optional("NextVersionIdMarker", page.NextVersionIdMarker),
            S3Xml.Element("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Optional("Delimiter", delimiter is null ? null : encode(delimiter)),
            S3Xml.Optional("EncodingType", call.Query("encoding-type")),
            S3Xml.Element("IsTruncated", S3Xml.Bool(page.IsTruncated)),
            entries,
            CommonPrefixElements(page.CommonPrefixes, encode)));
    }

    public async Task ListMultipartUploads(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        var prefix = call.Query("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(call.Query("delimiter"));
        var maxUploads = ParseMax(call.Query("max-uploads"), MaxListKeys, "max-uploads");
        var keyMarker = NullIfEmpty(call.Query("key-marker"));
        var uploadIdMarker = NullIfEmpty(call.Query("upload-id-marker"));
        var encode = Encoder(call);

        var candidates = multipart.ListUploads(bucket.Name)
            .Where(upload => upload.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(upload => upload.Key, KeyOrder.Instance)
            .ThenBy(upload => upload.Initiated)
            .ThenBy(upload => upload.UploadId, StringComparer.Ordinal)
            .SkipWhile(upload => keyMarker is not null && IsAtOrBeforeMarker(upload, keyMarker, uploadIdMarker));

        var uploads = new List<MultipartUpload>();
        var prefixes = new List<string>();
        var truncated = false;
        foreach (var upload in candidates)
        {
            var commonPrefix = delimiter is null ? null : CommonPrefix(upload.Key, prefix, delimiter);
            if (commonPrefix is not null && prefixes.Contains(commonPrefix))
            {
                continue;
            }

            if (uploads.Count + prefixes.Count >= maxUploads)
            {
                truncated = true;
                break;
            }

            if (commonPrefix is not null)
            {
                prefixes.Add(commonPrefix);
            }
            else
            {
                uploads.Add(upload);
            }
        }

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ListMultipartUploadsResult",
            S3Xml.Element("Bucket", bucket.Name),
            S3Xml.Element("KeyMarker", encode(keyMarker ?? string.Empty)),
            S3Xml.Element("UploadIdMarker", uploadIdMarker ?? string.Empty),
            S3Xml.Element("NextKeyMarker", truncated && uploads.Count > 0 ? encode(uploads[^1].Key) : string.Empty),
            S3Xml.Element("NextUploadIdMarker", truncated && uploads.Count > 0 ? uploads[^1].UploadId : string.Empty),
            S3Xml.Element("Prefix", encode(prefix)),
            S3Xml.Optional("Delimiter", delimiter is null ? null : encode(delimiter)),
            S3Xml.Element("MaxUploads", maxUploads.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Optional("EncodingType", call.Query("encoding-type")),
            S3Xml.Element("IsTruncated", S3Xml.Bool(truncated)),
            uploads.Select(upload => S3Xml.Element("Upload",
                S3Xml.Element("Key", encode(upload.Key)),
                S3Xml.Element("UploadId", upload.UploadId),
                Initiator(),
                Owner(),
                S3Xml.Element("StorageClass", StorageClasses.Reported(upload.Template.StorageClass)),
                S3Xml.Element("Initiated", S3Xml.Timestamp(upload.Initiated)),
                S3Xml.Optional("ChecksumAlgorithm", upload.ChecksumAlgorithm),
                S3Xml.Optional("ChecksumType", upload.ChecksumType))),
            CommonPrefixElements(prefixes, encode)));
    }

    public async Task ListParts(S3Call call)
    {
        var upload = multipart.Get(call.Bucket, call.Key, call.Query("uploadId")!);
        var maxParts = ParseMax(call.Query("max-parts"), MaxListKeys, "max-parts");
        var marker = int.TryParse(call.Query("part-number-marker"), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedMarker) ? parsedMarker : 0;
        var remaining = multipart.ListParts(call.Bucket, upload).Where(part => part.PartNumber > marker).ToList();
        var page = remaining.Take(maxParts).ToList();
        var truncated = remaining.Count > page.Count;

        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ListPartsResult",
            S3Xml.Element("Bucket", call.Bucket),
            S3Xml.Element("Key", upload.Key),
            S3Xml.Element("UploadId", upload.UploadId),
            S3Xml.Element("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Element("NextPartNumberMarker", (page.Count > 0 ? page[^1].PartNumber : marker).ToString(CultureInfo.InvariantCulture)),
            S3Xml.Element("MaxParts", maxParts.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Element("IsTruncated", S3Xml.Bool(truncated)),
            S3Xml.Optional("ChecksumAlgorithm", upload.ChecksumAlgorithm),
            S3Xml.Optional("ChecksumType", upload.ChecksumType),
            page.Select(part => S3Xml.Element("Part",
                S3Xml.Element("PartNumber", part.PartNumber.ToString(CultureInfo.InvariantCulture)),
                S3Xml.Element("LastModified", S3Xml.Timestamp(part.LastModified)),
                S3Xml.Element("ETag", ETags.Quote(part.ETag)),
                S3Xml.Element("Size", part.Size.ToString(CultureInfo.InvariantCulture)),
                part.ChecksumAlgorithm is null ? null : S3Xml.Element("Checksum" + part.ChecksumAlgorithm, part.ChecksumValue))),
            Initiator(),
            Owner(),
            S3Xml.Element("StorageClass", StorageClasses.Reported(upload.Template.StorageClass))));
    }

    private static bool IsAtOrBeforeMarker(MultipartUpload upload, string keyMarker, string? uploadIdMarker)
    {
        var order = KeyOrder.Instance.Compare(upload.Key, keyMarker);
        if (order != 0 || uploadIdMarker is null)
        {
            return order <= 0;
        }

        return string.CompareOrdinal(upload.UploadId, uploadIdMarker) <= 0;
    }

    private static string? CommonPrefix(string key, string prefix, string delimiter)
    {
        var index = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return index < 0 ? null : key[..(index + delimiter.Length)];
    }

    private (string Prefix, string? Delimiter, int MaxKeys, Func<string, string> Encode) ListParameters(S3Call call) =>
        (call.Query("prefix") ?? string.Empty,
         NullIfEmpty(call.Query("delimiter")),
         ParseMax(call.Query("max-keys"), MaxListKeys, "max-keys"),
         Encoder(call));

    /// <summary>encoding-type=url asks for keys percent-encoded in the XML (for keys XML 1.0 cannot carry).</summary>
    private static Func<string, string> Encoder(S3Call call)
    {
        var encodingType = call.Query("encoding-type");
        if (encodingType is null)
        {
            return value => value;
        }

        if (encodingType != "url")
        {
            throw new S3Exception(S3Errors.InvalidArgument, "Invalid Encoding Method specified in Request").WithDetail("ArgumentName", "encoding-type");
        }

        return value => AwsUriEncoding.Encode(value, encodeSlash: false);
    }

    private static XElement ContentsElement(ObjectVersion version, Func<string, string> encode, bool includeOwner) =>
        S3Xml.Element("Contents",
            S3Xml.Element("Key", encode(version.Key)),
            S3Xml.Element("LastModified", S3Xml.Timestamp(version.LastModified)),
            S3Xml.Element("ETag", ETags.Quote(version.ETag)),
            ChecksumElements(version),
            S3Xml.Element("Size", version.Size.ToString(CultureInfo.InvariantCulture)),
            S3Xml.Element("StorageClass", StorageClasses.Reported(version.StorageClass)),
            includeOwner ? Owner() : null);

    private static object?[] ChecksumElements(ObjectVersion version) =>
        version.ChecksumAlgorithm is null
            ? []
            : [S3Xml.Element("ChecksumAlgorithm", version.ChecksumAlgorithm), S3Xml.Optional("ChecksumType", version.ChecksumType)];

    private static IEnumerable<XElement> CommonPrefixElements(IEnumerable<string> prefixes, Func<string, string> encode) =>
        prefixes.Select(prefix => S3Xml.Element("CommonPrefixes", S3Xml.Element("Prefix", encode(prefix))));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
