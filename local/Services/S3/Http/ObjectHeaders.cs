using System.Globalization;
using DisasterRecovery.LocalS3.Auth;
using DisasterRecovery.LocalS3.Locking;
using DisasterRecovery.LocalS3.Storage;
using DisasterRecovery.LocalS3.Streaming;
using DisasterRecovery.LocalS3.Versioning;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>Object Lock settings requested on a write.</summary>
internal sealed record LockRequest(string? Mode, DateTimeOffset? RetainUntil, bool? LegalHold)
{
    public bool IsEmpty => Mode is null && RetainUntil is null && LegalHold is null;
}

/// <summary>
/// Translation between HTTP headers and the stored object fields: what PutObject, CreateMultipartUpload
/// and CopyObject read, and what GetObject/HeadObject answer.
/// </summary>
internal static class ObjectHeaders
{
    public const string DefaultContentType = "binary/octet-stream";
    private const string MetaPrefix = "x-amz-meta-";
    private const int MaxTags = 10;

    /// <summary>The stored fields of a new object, from the request's headers.</summary>
    public static ObjectVersion ReadTemplate(HttpRequest request, string key)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in request.Headers)
        {
            if (header.Key.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase) && header.Key.Length > MetaPrefix.Length)
            {
                metadata[header.Key[MetaPrefix.Length..].ToLowerInvariant()] = header.Value.ToString();
            }
        }

        var tagging = request.Headers["x-amz-tagging"].ToString();
        return new ObjectVersion
        {
            Key = key,
            ContentType = NullIfEmpty(request.ContentType) ?? DefaultContentType,
            ContentEncoding = StripAwsChunked(request.Headers.ContentEncoding.ToString()),
            ContentDisposition = NullIfEmpty(request.Headers.ContentDisposition.ToString()),
            ContentLanguage = NullIfEmpty(request.Headers.ContentLanguage.ToString()),
            CacheControl = NullIfEmpty(request.Headers.CacheControl.ToString()),
            Expires = NullIfEmpty(request.Headers.Expires.ToString()),
            ServerSideEncryption = NullIfEmpty(request.Headers["x-amz-server-side-encryption"].ToString()),
            StorageClass = ReadStorageClass(request),
            Metadata = metadata,
            Tags = string.IsNullOrEmpty(tagging) ? [] : ParseTaggingHeader(tagging),
        };
    }

    /// <summary>x-amz-storage-class, validated; null for STANDARD or absent (the stored form of STANDARD).</summary>
    public static string? ReadStorageClass(HttpRequest request) =>
        StorageClasses.ParseHeader(request.Headers["x-amz-storage-class"].ToString()) is { } storageClass && storageClass != StorageClasses.Standard
            ? storageClass
            : null;

    /// <summary>x-amz-object-lock-mode, -retain-until-date and -legal-hold, validated.</summary>
    public static LockRequest ReadLock(HttpRequest request, DateTimeOffset now)
    {
        var modeHeader = NullIfEmpty(request.Headers["x-amz-object-lock-mode"].ToString());
        var untilHeader = NullIfEmpty(request.Headers["x-amz-object-lock-retain-until-date"].ToString());
        var holdHeader = NullIfEmpty(request.Headers["x-amz-object-lock-legal-hold"].ToString());
        if ((modeHeader is null) != (untilHeader is null))
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.LockModeAndDateTogetherMessage);
        }

        var mode = modeHeader is null ? null : ObjectLockModes.Parse(modeHeader);
        DateTimeOffset? until = untilHeader is null ? null : ParseTimestamp(untilHeader, "x-amz-object-lock-retain-until-date");
        if (until is not null && until <= now)
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.RetainUntilInPastMessage);
        }

        return new LockRequest(mode, until, holdHeader is null ? null : ParseLegalHold(holdHeader));
    }

    /// <summary>
    /// Applies requested Object Lock settings, or the bucket's default retention, to a new version.
    /// S3 refuses lock settings on buckets without Object Lock, and lock puts without an integrity check.
    /// </summary>
    public static ObjectVersion ApplyLock(ObjectVersion template, LockRequest lockRequest, BucketRecord bucket, DateTimeOffset now)
    {
        if (!bucket.ObjectLockEnabled)
        {
            if (!lockRequest.IsEmpty)
            {
                throw new S3Exception(S3Errors.InvalidRequest, S3Errors.BucketMissingLockConfigurationMessage);
            }

            return template;
        }

        var defaultUntil = ObjectLockPolicy.DefaultRetainUntil(bucket, now);
        return template with
        {
            RetentionMode = lockRequest.Mode ?? (defaultUntil is null ? null : bucket.DefaultRetentionMode),
            RetainUntil = lockRequest.RetainUntil ?? defaultUntil,
            LegalHold = lockRequest.LegalHold,
        };
    }

    /// <summary>Object Lock puts must carry Content-MD5 or a flexible checksum, as on S3.</summary>
    public static void EnsureIntegrityForLock(HttpRequest request, LockRequest lockRequest, BucketRecord bucket)
    {
        var locks = !lockRequest.IsEmpty || (bucket.ObjectLockEnabled && bucket.DefaultRetentionMode is not null);
        if (locks && !PayloadReceiver.HasIntegrityCheck(request))
        {
            throw new S3Exception(S3Errors.InvalidRequest, S3Errors.LockRequiresChecksumMessage);
        }
    }

    /// <summary>Headers GET and HEAD answer for a version (Content-Length and Content-Range are the caller's).</summary>
    public static void WriteObjectHeaders(HttpResponse response, ObjectVersion version, BucketRecord bucket, bool includeChecksum)
    {
        var headers = response.Headers;
        headers.ETag = ETags.Quote(version.ETag);
        headers.LastModified = version.LastModified.ToString("r", CultureInfo.InvariantCulture);
        headers.AcceptRanges = "bytes";
        response.ContentType = version.ContentType ?? DefaultContentType;
        SetIfPresent(headers, "Content-Encoding", version.ContentEncoding);
        SetIfPresent(headers, "Content-Disposition", version.ContentDisposition);
        SetIfPresent(headers, "Content-Language", version.ContentLanguage);
        SetIfPresent(headers, "Cache-Control", version.CacheControl);
        SetIfPresent(headers, "Expires", version.Expires);
        SetIfPresent(headers, "x-amz-server-side-encryption", version.ServerSideEncryption);
        // S3 sends x-amz-storage-class for every class except STANDARD.
        SetIfPresent(headers, "x-amz-storage-class", version.StorageClass);
        WriteVersionId(response, version.VersionId, bucket);
        foreach (var (name, value) in version.Metadata)
        {
            headers[MetaPrefix + name] = value;
        }

        if (version.Tags.Count > 0)
        {
            headers["x-amz-tagging-count"] = version.Tags.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (version.RetentionMode is not null && version.RetainUntil is { } until)
        {
            headers["x-amz-object-lock-mode"] = version.RetentionMode;
            headers["x-amz-object-lock-retain-until-date"] = S3Xml.Timestamp(until);
        }

        if (version.LegalHold is { } hold)
        {
            headers["x-amz-object-lock-legal-hold"] = hold ? "ON" : "OFF";
        }

        if (version.Parts is { Count: > 0 } parts)
        {
            headers["x-amz-mp-parts-count"] = parts.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (includeChecksum)
        {
            WriteChecksum(response, version.ChecksumAlgorithm, version.ChecksumValue, version.ChecksumType);
        }
    }

    public static void WriteChecksum(HttpResponse response, string? algorithmName, string? value, string? type)
    {
        if (ChecksumAlgorithms.Parse(algorithmName) is { } algorithm && value is not null)
        {
            response.Headers[algorithm.HeaderName()] = value;
            if (type is not null)
            {
                response.Headers["x-amz-checksum-type"] = type;
            }
        }
    }

    /// <summary>S3 sends x-amz-version-id once a bucket has had versioning configured, "null" included.</summary>
    public static void WriteVersionId(HttpResponse response, string? versionId, BucketRecord bucket)
    {
        if (versionId is not null && (versionId != VersionIds.Null || bucket.Versioning != VersioningStatus.Unversioned))
        {
            response.Headers["x-amz-version-id"] = versionId;
        }
    }

    /// <summary>x-amz-tagging: URL-encoded query syntax, k1=v1&amp;k2=v2.</summary>
    public static List<ObjectTag> ParseTaggingHeader(string header)
    {
        var tags = new List<ObjectTag>();
        foreach (var pair in header.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var name = AwsUriEncoding.Decode((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            var value = equals < 0 ? string.Empty : AwsUriEncoding.Decode(pair[(equals + 1)..].Replace('+', ' '));
            tags.Add(new ObjectTag(name, value));
        }

        ValidateTags(tags);
        return tags;
    }

    public static void ValidateTags(List<ObjectTag> tags, int maxTags = MaxTags)
    {
        if (tags.Count > maxTags
            || tags.Any(tag => tag.Key.Length is 0 or > 128 || tag.Value.Length > 256)
            || tags.Select(tag => tag.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidTagMessage);
        }
    }

    public static bool ParseLegalHold(string value) => value.Trim().ToUpperInvariant() switch
    {
        "ON" => true,
        "OFF" => false,
        _ => throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidLegalHoldMessage),
    };

    public static DateTimeOffset ParseTimestamp(string value, string argumentName)
    {
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return parsed;
        }

        throw new S3Exception(S3Errors.InvalidArgument, $"The {argumentName} you specified is not a valid date.").WithDetail("ArgumentName", argumentName);
    }

    /// <summary>aws-chunked is transfer framing, never part of the stored Content-Encoding.</summary>
    private static string? StripAwsChunked(string contentEncoding)
    {
        var remaining = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(encoding => !string.Equals(encoding, "aws-chunked", StringComparison.OrdinalIgnoreCase));
        return NullIfEmpty(string.Join(',', remaining));
    }

    private static void SetIfPresent(IHeaderDictionary headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers[name] = value;
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
