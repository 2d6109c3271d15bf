using System.Text.RegularExpressions;
using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Where RedisStage puts RDB files: the staging bucket (<c>REDIS_STAGING_BUCKET</c>; a request may name another) and the
/// canonical user ID that may read each staged object (<c>REDIS_STAGING_READER_ID</c>: ElastiCache's for the region, which
/// reads a seed only through an object ACL grant; empty grants nothing, as locally, where no ACLs exist).
/// </summary>
public sealed partial record RedisStagingSettings(string? Bucket, string? ReaderCanonicalId)
{
    public const string BucketVariable = "REDIS_STAGING_BUCKET";
    public const string ReaderVariable = "REDIS_STAGING_READER_ID";

    /// <summary>Reads the environment; a malformed value is a <see cref="FunctionConfigurationException"/> naming its variable.</summary>
    public static RedisStagingSettings FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var bucket = environment.GetValueOrDefault(BucketVariable) is { Length: > 0 } b ? b : null;
        if (bucket is not null && !IsBucketName(bucket))
        {
            throw new FunctionConfigurationException($"{BucketVariable}: '{bucket}' is not an S3 bucket name");
        }

        var reader = environment.GetValueOrDefault(ReaderVariable) is { Length: > 0 } r ? r : null;
        if (reader is not null && !CanonicalId().IsMatch(reader))
        {
            throw new FunctionConfigurationException($"{ReaderVariable}: must be a canonical user ID (64 lowercase hex digits) or empty");
        }

        return new RedisStagingSettings(bucket, reader);
    }

    /// <summary>Whether <paramref name="name"/> is a valid S3 bucket name.</summary>
    public static bool IsBucketName(string name) => BucketName().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex CanonicalId();
}
