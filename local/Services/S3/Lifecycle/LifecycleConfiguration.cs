using DisasterRecovery.LocalS3.Storage;

namespace DisasterRecovery.LocalS3.Lifecycle;

/// <summary>
/// A bucket's lifecycle configuration as this server acts on it, parsed and validated from the document a client PUT
/// (<see cref="LifecycleParser"/>). The document itself is kept byte for byte; this is what the daily run reads.
/// </summary>
/// <param name="Rules">The rules in document order.</param>
/// <param name="TransitionDefaultMinimumObjectSize">
/// <see cref="LifecycleDefaults.AllStorageClasses128K"/> (S3's default) or <see cref="LifecycleDefaults.VariesByStorageClass"/>:
/// whether objects under 128 KB are left where they are by every transition or only by those to non-archive classes.
/// </param>
internal sealed record LifecycleConfiguration(IReadOnlyList<LifecycleRule> Rules, string TransitionDefaultMinimumObjectSize);

/// <summary>S3's names for the default minimum object size of transitions (botocore <c>TransitionDefaultMinimumObjectSize</c>).</summary>
internal static class LifecycleDefaults
{
    public const string AllStorageClasses128K = "all_storage_classes_128K";
    public const string VariesByStorageClass = "varies_by_storage_class";

    /// <summary>128 KB: objects smaller than this are not transitioned unless a rule's size filter says otherwise.</summary>
    public const long SmallObjectBytes = 128 * 1024;
}

/// <summary>One rule: which objects (filter) and what happens to them when (actions).</summary>
internal sealed record LifecycleRule(
    string? Id,
    bool Enabled,
    LifecycleFilter Filter,
    LifecycleExpiration? Expiration,
    IReadOnlyList<LifecycleTransition> Transitions,
    IReadOnlyList<NoncurrentTransition> NoncurrentTransitions,
    NoncurrentExpiration? NoncurrentExpiration,
    int? AbortIncompleteMultipartUploadDays);

/// <summary>
/// Which objects a rule applies to: all of these at once (an empty filter matches everything). Tags must all be on the
/// object with the same values; sizes are in bytes and exclusive.
/// </summary>
internal sealed record LifecycleFilter(string Prefix, IReadOnlyList<ObjectTag> Tags, long? ObjectSizeGreaterThan, long? ObjectSizeLessThan)
{
    public static readonly LifecycleFilter Everything = new(string.Empty, [], null, null);

    /// <summary>A size predicate given in the rule overrides the default 128 KB minimum for transitions.</summary>
    public bool HasSizePredicate => ObjectSizeGreaterThan is not null || ObjectSizeLessThan is not null;

    public bool Matches(ObjectVersion version) =>
        version.Key.StartsWith(Prefix, StringComparison.Ordinal)
        && Tags.All(tag => version.Tags.Contains(tag))
        && (ObjectSizeGreaterThan is not { } greater || version.Size > greater)
        && (ObjectSizeLessThan is not { } less || version.Size < less);

    /// <summary>A delete marker carries no tags and no size: only a rule without tag or size predicates reaches it.</summary>
    public bool MatchesDeleteMarker(string key) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) && Tags.Count == 0 && !HasSizePredicate;

    /// <summary>A multipart upload in progress is matched by key prefix only (S3 refuses the abort action with tags).</summary>
    public bool MatchesUpload(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);
}

/// <summary>Expiration of the current version: after Days, on Date, or (only) removal of expired object delete markers.</summary>
internal sealed record LifecycleExpiration(int? Days, DateTimeOffset? Date, bool ExpiredObjectDeleteMarker);

/// <summary>A transition of the current version to a colder class after Days or on Date.</summary>
internal sealed record LifecycleTransition(int? Days, DateTimeOffset? Date, string StorageClass);

/// <summary>A transition of a noncurrent version, counted from when it became noncurrent.</summary>
internal sealed record NoncurrentTransition(int NoncurrentDays, string StorageClass, int? NewerNoncurrentVersions);

/// <summary>Permanent deletion of a noncurrent version, counted from when it became noncurrent.</summary>
internal sealed record NoncurrentExpiration(int NoncurrentDays, int? NewerNoncurrentVersions);

/// <summary>When lifecycle actions fall due, as S3 computes it.</summary>
internal static class LifecycleTime
{
    /// <summary>
    /// The run at which an action of <paramref name="days"/> days after <paramref name="since"/> is taken: the time plus
    /// the days, rounded up to the next midnight UTC (S3 User Guide, "Lifecycle rules: Based on an object's age":
    /// 1/15/2014 10:30 UTC + 3 days is 1/19/2014 00:00 UTC).
    /// </summary>
    public static DateTimeOffset Due(DateTimeOffset since, int days) =>
        new(since.UtcDateTime.Date.AddDays(days + 1), TimeSpan.Zero);

    /// <summary>The latest midnight UTC at or before <paramref name="time"/>: when S3's daily lifecycle run last happened.</summary>
    public static DateTimeOffset MidnightAtOrBefore(DateTimeOffset time) => new(time.UtcDateTime.Date, TimeSpan.Zero);

    /// <summary>Whether an action given in days or as a date is due at the run at <paramref name="run"/>.</summary>
    public static bool IsDue(int? days, DateTimeOffset? date, DateTimeOffset since, DateTimeOffset run) =>
        days is { } d ? Due(since, d) <= run : date is { } on && on <= run;
}
