using System.Globalization;
using Amazon.S3;
using DisasterRecovery.Core;

namespace DisasterRecovery.Audit;

/// <summary>Where the audit log lives (plan §9.1: s3://technician-marketplace-audit-logs/) and how it writes.</summary>
public sealed class AuditLogOptions
{
    public const string DefaultPrefix = "audit/";

    /// <summary>The audit bucket; it should have Object Lock with a default retention.</summary>
    public required string Bucket { get; init; }

    /// <summary>Key prefix of this log ('' or ending in '/'); default <c>audit/</c>.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>
    /// Per-event Object Lock retention, for buckets with Object Lock but no default retention. Null
    /// (default) leaves retention to the bucket's default rule.
    /// </summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>Mode of <see cref="Retention"/>: COMPLIANCE by default.</summary>
    public ObjectLockMode LockMode { get; init; } = ObjectLockMode.Compliance;

    /// <summary>
    /// Let events go to a bucket without versioning, Object Lock or a retention for them. False by default: the first
    /// append refuses such a bucket (<see cref="DisasterRecovery.Catalog.BucketProtection"/>).
    /// </summary>
    public bool AllowUnprotectedBucket { get; init; }

    /// <summary>How many times an append re-reads the head and tries the next sequence before giving up.</summary>
    public int MaxAppendAttempts { get; init; } = 64;

    /// <summary>Checks bucket and prefix; <see cref="DisasterRecovery.Core.InvalidInputException"/> naming the field.</summary>
    public void Validate()
    {
        Require.NotBlank(Bucket, "bucket");
        AuditKeys.ValidatePrefix(Prefix);
        Require.InRange(MaxAppendAttempts, 1, 1000, "maxAppendAttempts");
        if (Retention is { } retention && retention <= TimeSpan.Zero)
        {
            throw new InvalidInputException("retention", "must be positive");
        }
    }
}

/// <summary>
/// Keys of the audit log: <c>&lt;prefix&gt;events/&lt;inverted sequence, 19 digits&gt;-&lt;sequence&gt;.json</c>.
/// Inverted so that S3's ascending order lists the newest event first: the head of the chain is one
/// ListObjectsV2 with MaxKeys 1. The key of sequence n is fixed, which is what lets two appenders
/// race for it with <c>If-None-Match: *</c>.
/// </summary>
public static class AuditKeys
{
    public const string EventsFolder = "events/";

    public static string Events(string prefix) => prefix + EventsFolder;

    public static string Event(string prefix, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{EventsFolder}{long.MaxValue - sequence:D19}-{sequence}.json");

    /// <summary>The sequence a key names, or null when the key is not one the log writes.</summary>
    public static long? ParseSequence(string prefix, string key)
    {
        var folder = Events(prefix);
        if (!key.StartsWith(folder, StringComparison.Ordinal) || !key.EndsWith(".json", StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[folder.Length..^".json".Length];
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash != 19
            || !long.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var inverted)
            || !long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || sequence < 1
            || long.MaxValue - sequence != inverted
            || Event(prefix, sequence) != key)
        {
            return null;
        }

        return sequence;
    }

    internal static void ValidatePrefix(string? prefix)
    {
        if (prefix is null)
        {
            throw new InvalidInputException("prefix", "is required ('' for the bucket's root)");
        }

        if (prefix.Length == 0)
        {
            return;
        }

        if (!prefix.EndsWith('/') || prefix.StartsWith('/') || prefix.Length > 200)
        {
            throw new InvalidInputException("prefix", $"must be '' or up to 200 characters ending in '/', not starting with one, was '{prefix}'");
        }

        foreach (var segment in prefix[..^1].Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                throw new InvalidInputException("prefix", $"must be segments of A-Z a-z 0-9 . _ - without empty, '.' or '..' segments, was '{prefix}'");
            }
        }
    }
}
