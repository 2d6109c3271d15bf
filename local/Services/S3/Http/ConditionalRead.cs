using System.Globalization;
using DisasterRecovery.LocalS3.Storage;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>Outcome of the conditional headers of a GET or HEAD.</summary>
internal enum ConditionalOutcome
{
    Proceed,
    NotModified,
}

/// <summary>
/// If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since as S3 evaluates them (RFC 7232 order:
/// a true If-Match makes If-Unmodified-Since irrelevant; a false If-None-Match makes If-Modified-Since irrelevant).
/// </summary>
internal static class ConditionalRead
{
    public static ConditionalOutcome Evaluate(HttpRequest request, ObjectVersion version, string prefix = "")
    {
        var ifMatch = Header(request, prefix + "If-Match");
        var ifNoneMatch = Header(request, prefix + "If-None-Match");
        var ifModifiedSince = Date(request, prefix + "If-Modified-Since");
        var ifUnmodifiedSince = Date(request, prefix + "If-Unmodified-Since");
        var lastModified = TruncateToSeconds(version.LastModified);

        if (ifMatch is not null)
        {
            if (!ETags.Matches(ifMatch, version.ETag))
            {
                throw new S3Exception(S3Errors.PreconditionFailed).WithDetail("Condition", prefix + "If-Match");
            }
        }
        else if (ifUnmodifiedSince is not null && lastModified > ifUnmodifiedSince)
        {
            throw new S3Exception(S3Errors.PreconditionFailed).WithDetail("Condition", prefix + "If-Unmodified-Since");
        }

        if (ifNoneMatch is not null)
        {
            if (ETags.Matches(ifNoneMatch, version.ETag))
            {
                return ConditionalOutcome.NotModified;
            }
        }
        else if (ifModifiedSince is not null && lastModified <= ifModifiedSince)
        {
            return ConditionalOutcome.NotModified;
        }

        return ConditionalOutcome.Proceed;
    }

    private static string? Header(HttpRequest request, string name)
    {
        var value = request.Headers[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    private static DateTimeOffset? Date(HttpRequest request, string name)
    {
        var value = Header(request, name);
        return value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : null;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);
}
