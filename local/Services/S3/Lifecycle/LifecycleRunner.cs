using DisasterRecovery.LocalS3.Storage;
using DisasterRecovery.LocalS3.Versioning;

namespace DisasterRecovery.LocalS3.Lifecycle;

/// <summary>One version as a lifecycle run sees it.</summary>
/// <param name="Version">The version (or delete marker).</param>
/// <param name="IsCurrent">Whether it is the key's newest version.</param>
/// <param name="NoncurrentSince">For a noncurrent version, when its successor was created; null for the current one.</param>
/// <param name="NewerNoncurrentVersions">How many noncurrent versions (not delete markers) of the key are newer than it.</param>
/// <param name="VersionCount">How many versions and delete markers the key has.</param>
/// <param name="BucketVersioning">The bucket's versioning state (<see cref="VersioningStatus"/>).</param>
internal sealed record LifecycleCandidate(
    ObjectVersion Version,
    bool IsCurrent,
    DateTimeOffset? NoncurrentSince,
    int NewerNoncurrentVersions,
    int VersionCount,
    string BucketVersioning);

/// <summary>What lifecycle does to one version in one run.</summary>
internal enum LifecycleActionKind
{
    None,

    /// <summary>Moves the version to <see cref="LifecycleDecision.StorageClass"/>.</summary>
    Transition,

    /// <summary>Expires the current version: a delete marker in a versioned bucket, removal in an unversioned one.</summary>
    ExpireCurrent,

    /// <summary>Permanently removes a noncurrent version (unless Object Lock protects it).</summary>
    DeleteVersion,

    /// <summary>Removes a delete marker that has no versions left behind it.</summary>
    RemoveExpiredDeleteMarker,
}

internal sealed record LifecycleDecision(LifecycleActionKind Kind, string? StorageClass = null)
{
    public static readonly LifecycleDecision None = new(LifecycleActionKind.None);
}

/// <summary>What one run did (for the run's callers and tests).</summary>
internal sealed class LifecycleOutcome
{
    public int Transitioned { get; set; }

    public int Expired { get; set; }

    public int Removed { get; set; }

    public int KeptByObjectLock { get; set; }

    public int UploadsAborted { get; set; }
}

/// <summary>
/// S3 Lifecycle on the server's clock. S3 evaluates lifecycle rules once a day, at midnight UTC, against each object's
/// creation time (or the time it became noncurrent) rounded up to the next midnight. Here, before any request is
/// served, every midnight that has passed since the last run is run in order, so a test or the local cloud that moves
/// the clock 60 days sees what S3 would show after 60 daily runs, and nothing happens between midnights.
/// </summary>
internal sealed class LifecycleRunner
{
    private readonly ObjectStore store;
    private readonly MultipartStore multipart;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private long lastRunTicks = long.MinValue;

    public LifecycleRunner(ObjectStore store, MultipartStore multipart, TimeProvider time)
    {
        this.store = store;
        this.multipart = multipart;
        this.time = time;
    }

    /// <summary>
    /// Runs every daily run that is due and has not run yet. At start-up only the latest midnight runs (the clock of a
    /// restarted server may have been moved either way, so nothing older is replayed); afterwards each midnight in turn.
    /// </summary>
    public void CatchUp()
    {
        var latest = LifecycleTime.MidnightAtOrBefore(time.GetUtcNow());
        if (Interlocked.Read(ref lastRunTicks) >= latest.UtcTicks)
        {
            return;
        }

        lock (gate)
        {
            var lastRun = Interlocked.Read(ref lastRunTicks);
            var run = lastRun == long.MinValue ? latest : new DateTimeOffset(lastRun, TimeSpan.Zero).AddDays(1);
            for (; run <= latest; run = run.AddDays(1))
            {
                RunOnce(run);
            }

            Interlocked.Exchange(ref lastRunTicks, Math.Max(lastRun, latest.UtcTicks));
        }
    }

    /// <summary>One daily run at <paramref name="run"/> (a midnight UTC) over every bucket with a lifecycle configuration.</summary>
    public LifecycleOutcome RunOnce(DateTimeOffset run)
    {
        var total = new LifecycleOutcome();
        foreach (var bucket in store.ListBuckets())
        {
            if (Load(bucket) is not { } configuration)
            {
                continue;
            }

            var rules = configuration.Rules.Where(rule => rule.Enabled).ToList();
            var outcome = store.ApplyLifecycle(bucket.Name, run, candidate => Decide(rules, configuration.TransitionDefaultMinimumObjectSize, candidate, run));
            outcome.UploadsAborted = AbortIncompleteUploads(bucket.Name, rules, run);
            total.Transitioned += outcome.Transitioned;
            total.Expired += outcome.Expired;
            total.Removed += outcome.Removed;
            total.KeptByObjectLock += outcome.KeptByObjectLock;
            total.UploadsAborted += outcome.UploadsAborted;
        }

        return total;
    }

    /// <summary>
    /// S3's precedence when several actions are due (S3 User Guide, "How S3 Lifecycle resolves conflicts"): permanent
    /// deletion before transition, transition before creating a delete marker, and of several transitions the one to
    /// the colder class. A delayed action is simply taken at a later run, as S3's daily runs would.
    /// </summary>
    internal static LifecycleDecision Decide(IReadOnlyList<LifecycleRule> rules, string defaultMinimumSize, LifecycleCandidate candidate, DateTimeOffset run)
    {
        var version = candidate.Version;
        if (version.IsDeleteMarker)
        {
            return candidate.IsCurrent && candidate.VersionCount == 1 && rules.Any(rule => RemovesExpiredDeleteMarker(rule, version, run))
                ? new LifecycleDecision(LifecycleActionKind.RemoveExpiredDeleteMarker)
                : LifecycleDecision.None;
        }

        var matching = rules.Where(rule => rule.Filter.Matches(version)).ToList();
        if (candidate.IsCurrent)
        {
            var expires = matching.Any(rule => rule.Expiration is { ExpiredObjectDeleteMarker: false } expiration
                && LifecycleTime.IsDue(expiration.Days, expiration.Date, version.LastModified, run));
            if (expires && candidate.BucketVersioning == VersioningStatus.Unversioned)
            {
                return new LifecycleDecision(LifecycleActionKind.ExpireCurrent);
            }

            var transition = matching
                .SelectMany(rule => rule.Transitions
                    .Where(t => LifecycleTime.IsDue(t.Days, t.Date, version.LastModified, run) && MayMove(rule, version, t.StorageClass, defaultMinimumSize))
                    .Select(t => t.StorageClass))
                .MaxBy(StorageClasses.Coldness);
            if (transition is not null)
            {
                return new LifecycleDecision(LifecycleActionKind.Transition, transition);
            }

            return expires ? new LifecycleDecision(LifecycleActionKind.ExpireCurrent) : LifecycleDecision.None;
        }

        var since = candidate.NoncurrentSince!.Value;
        if (matching.Any(rule => rule.NoncurrentExpiration is { } expiration
            && LifecycleTime.Due(since, expiration.NoncurrentDays) <= run
            && candidate.NewerNoncurrentVersions >= (expiration.NewerNoncurrentVersions ?? 0)))
        {
            return new LifecycleDecision(LifecycleActionKind.DeleteVersion);
        }

        var noncurrentTransition = matching
            .SelectMany(rule => rule.NoncurrentTransitions
                .Where(t => LifecycleTime.Due(since, t.NoncurrentDays) <= run
                    && candidate.NewerNoncurrentVersions >= (t.NewerNoncurrentVersions ?? 0)
                    && MayMove(rule, version, t.StorageClass, defaultMinimumSize))
                .Select(t => t.StorageClass))
            .MaxBy(StorageClasses.Coldness);
        return noncurrentTransition is null ? LifecycleDecision.None : new LifecycleDecision(LifecycleActionKind.Transition, noncurrentTransition);
    }

    /// <summary>
    /// Down the waterfall only, and not for objects under 128 KB unless the rule filters by size itself
    /// (<c>varies_by_storage_class</c> lets small objects go to Glacier Flexible Retrieval and Deep Archive).
    /// </summary>
    private static bool MayMove(LifecycleRule rule, ObjectVersion version, string target, string defaultMinimumSize) =>
        StorageClasses.CanTransition(version.StorageClass, target)
        && (rule.Filter.HasSizePredicate
            || version.Size >= LifecycleDefaults.SmallObjectBytes
            || (defaultMinimumSize == LifecycleDefaults.VariesByStorageClass && target is StorageClasses.Glacier or StorageClasses.DeepArchive));

    /// <summary>
    /// ExpiredObjectDeleteMarker removes such markers; an Expiration in Days does too once the marker is that old
    /// (S3 User Guide, "Removing expired object delete markers").
    /// </summary>
    private static bool RemovesExpiredDeleteMarker(LifecycleRule rule, ObjectVersion marker, DateTimeOffset run) =>
        rule.Filter.MatchesDeleteMarker(marker.Key)
        && rule.Expiration is { } expiration
        && (expiration.ExpiredObjectDeleteMarker || (expiration.Days is { } days && LifecycleTime.Due(marker.LastModified, days) <= run));

    private int AbortIncompleteUploads(string bucket, IReadOnlyList<LifecycleRule> rules, DateTimeOffset run)
    {
        var abortRules = rules.Where(rule => rule.AbortIncompleteMultipartUploadDays is not null).ToList();
        if (abortRules.Count == 0)
        {
            return 0;
        }

        var aborted = 0;
        foreach (var upload in multipart.ListUploads(bucket))
        {
            if (abortRules.Any(rule => rule.Filter.MatchesUpload(upload.Key)
                && LifecycleTime.Due(upload.Initiated, rule.AbortIncompleteMultipartUploadDays!.Value) <= run))
            {
                try
                {
                    multipart.Abort(bucket, upload.Key, upload.UploadId);
                    aborted++;
                }
                catch (Http.S3Exception)
                {
                    // Completed or aborted by a client meanwhile.
                }
            }
        }

        return aborted;
    }

    private LifecycleConfiguration? Load(BucketRecord bucket)
    {
        try
        {
            var document = store.ReadConfiguration(bucket.Name, LifecycleDocument.Name);
            return document is null ? null : LifecycleParser.Parse(document, bucket.TransitionDefaultMinimumObjectSize);
        }
        catch (Http.S3Exception)
        {
            // Deleted meanwhile (NoSuchBucket), or a document stored before this server validated lifecycle: no rules to run.
            return null;
        }
    }
}

/// <summary>Where a bucket's lifecycle document is kept (beside bucket.json).</summary>
internal static class LifecycleDocument
{
    public const string Name = "lifecycle";
}
