using System.Net;
using DisasterRecovery.LocalS3.Http;

namespace DisasterRecovery.LocalS3.Storage;

/// <summary>
/// S3's general purpose bucket naming rules. Valid names are also safe folder names (lower-case letters,
/// digits, dots, hyphens; no "..", no leading dot), which the store relies on.
/// </summary>
internal static class BucketNames
{
    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

    public static bool IsValid(string name)
    {
        if (name.Length is < 3 or > 63)
        {
            return false;
        }

        if (!name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-'))
        {
            return false;
        }

        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }

        if (name.Contains("..", StringComparison.Ordinal) || name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal))
        {
            return false;
        }

        if (name.Count(c => c == '.') == 3 && IPAddress.TryParse(name, out _))
        {
            return false;
        }

        return !ReservedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal))
            && !ReservedSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.Ordinal));
    }

    public static void EnsureValid(string name)
    {
        if (!IsValid(name))
        {
            throw new S3Exception(S3Errors.InvalidBucketName).WithDetail("BucketName", name);
        }
    }
}
