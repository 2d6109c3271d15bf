using System.Globalization;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>A satisfiable byte range of an object.</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Parses a single-range Range header (bytes=a-b, bytes=a-, bytes=-n) against the object size.
    /// Returns null when the header is absent or not a single byte range (S3 then serves the whole object);
    /// throws InvalidRange (416) when the range cannot be satisfied.
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header) || !header.Trim().StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var spec = header.Trim()[6..].Trim();
        var dash = spec.IndexOf('-');
        if (spec.Contains(',') || dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return null;
            }

            if (suffix == 0 || size == 0)
            {
                throw Unsatisfiable(header, size);
            }

            var length = Math.Min(suffix, size);
            return new ByteRange(size - length, length);
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        var end = size - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return null;
            }
        }

        if (start >= size)
        {
            throw Unsatisfiable(header, size);
        }

        end = Math.Min(end, size - 1);
        return new ByteRange(start, end - start + 1);
    }

    private static S3Exception Unsatisfiable(string header, long size) =>
        new S3Exception(S3Errors.InvalidRange)
            .WithHeader("Content-Range", "bytes */" + size.ToString(CultureInfo.InvariantCulture))
            .WithDetail("RangeRequested", header.Trim())
            .WithDetail("ActualObjectSize", size.ToString(CultureInfo.InvariantCulture));
}
