using DisasterRecovery.LocalS3.Storage;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>
/// Conditional writes (If-None-Match: * and If-Match on PutObject and CompleteMultipartUpload),
/// checked by the store under its lock at commit time so two racing writers cannot both win.
/// </summary>
internal sealed record WriteCondition(bool IfNoneMatchAny, string? IfMatch)
{
    public static WriteCondition? FromRequest(HttpRequest request)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString().Trim();
        var ifMatch = request.Headers.IfMatch.ToString().Trim();
        if (ifNoneMatch.Length > 0 && ifNoneMatch != "*")
        {
            throw new S3Exception(S3Errors.NotImplemented, "If-None-Match on writes only supports '*'.");
        }

        return ifNoneMatch.Length == 0 && ifMatch.Length == 0
            ? null
            : new WriteCondition(ifNoneMatch == "*", ifMatch.Length == 0 ? null : ifMatch);
    }

    public void Check(ObjectVersion? latest)
    {
        var exists = latest is { IsDeleteMarker: false };
        if (IfNoneMatchAny && exists)
        {
            throw new S3Exception(S3Errors.PreconditionFailed).WithDetail("Condition", "If-None-Match");
        }

        if (IfMatch is not null)
        {
            if (!exists)
            {
                throw new S3Exception(S3Errors.NoSuchKey);
            }

            if (!ETags.Matches(IfMatch, latest!.ETag))
            {
                throw new S3Exception(S3Errors.PreconditionFailed).WithDetail("Condition", "If-Match");
            }
        }
    }
}

/// <summary>ETag comparison as HTTP defines it for If-Match/If-None-Match lists.</summary>
internal static class ETags
{
    public static string Quote(string etag) => "\"" + etag + "\"";

    /// <summary>True when a header value (a list of quoted etags, or *) matches the stored etag.</summary>
    public static bool Matches(string headerValue, string etag)
    {
        foreach (var candidate in headerValue.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var value = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (value == "*" || value.Trim('"') == etag)
            {
                return true;
            }
        }

        return false;
    }
}
