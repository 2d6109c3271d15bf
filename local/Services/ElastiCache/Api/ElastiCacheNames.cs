using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalElastiCache.Api;

/// <summary>ElastiCache's rules for identifiers, AUTH tokens and the ARNs it takes, with its messages.</summary>
internal static partial class ElastiCacheNames
{
    /// <summary>
    /// A replication group id as ElastiCache takes it: 1 to 40 letters, digits or hyphens, starting with a letter, no two
    /// hyphens in a row, not ending with one; stored lower case.
    /// </summary>
    public static string ReplicationGroupId(string value, string field)
    {
        if (!GroupId().IsMatch(value) || value.Contains("--", StringComparison.Ordinal) || value.EndsWith('-'))
        {
            throw ElastiCacheErrors.InvalidParameterValue(
                $"The parameter {field} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, " +
                "and hyphens; and must not end with a hyphen or contain two consecutive hyphens (at most 40 characters).");
        }

        return value.ToLowerInvariant();
    }

    /// <summary>A snapshot name: 1 to 1000 characters (export appends <c>-0001.rdb</c>); ElastiCache keeps its case.</summary>
    public static string SnapshotName(string value, string field) =>
        value.Length is >= 1 and <= 1000 && !value.Any(char.IsControl)
            ? value
            : throw ElastiCacheErrors.InvalidParameterValue($"The parameter {field} must be 1 to 1000 printable characters.");

    /// <summary>An AUTH token: 16 to 128 printable ASCII characters other than '/', '"' and '@' (the ElastiCache User Guide's rule).</summary>
    public static string AuthToken(string value) =>
        value.Length is >= 16 and <= 128 && value.All(c => c is >= '!' and <= '~' && c is not ('/' or '"' or '@'))
            ? value
            : throw ElastiCacheErrors.InvalidParameterValue(
                "Invalid AuthToken provided: it must be 16 to 128 printable ASCII characters, without spaces, '/', '\"' or '@'.");

    /// <summary>An S3 object ARN of SnapshotArns, <c>arn:aws:s3:::bucket/key</c>, as (bucket, key).</summary>
    public static (string Bucket, string Key) S3ObjectArn(string arn)
    {
        var match = S3Arn().Match(arn);
        return match.Success
            ? (match.Groups["bucket"].Value, match.Groups["key"].Value)
            : throw ElastiCacheErrors.InvalidParameterValue(
                $"The parameter SnapshotArns contains '{arn}', which is not the ARN of an S3 object (arn:aws:s3:::bucket/key.rdb).");
    }

    /// <summary>An ElastiCache resource ARN as (region, account, type, name); null when it is not one.</summary>
    public static (string Region, string Account, string Type, string Name)? ResourceArn(string arn)
    {
        var match = ElastiCacheArn().Match(arn);
        return match.Success
            ? (match.Groups["region"].Value, match.Groups["account"].Value, match.Groups["type"].Value, match.Groups["name"].Value)
            : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupId();

    [GeneratedRegex("^arn:aws[a-z-]*:s3:::(?<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/(?<key>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex S3Arn();

    [GeneratedRegex("^arn:aws[a-z-]*:elasticache:(?<region>[a-z0-9-]+):(?<account>[0-9]{12}):(?<type>[a-z]+):(?<name>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ElastiCacheArn();
}
