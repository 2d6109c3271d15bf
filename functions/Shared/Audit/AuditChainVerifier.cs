using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;

namespace DisasterRecovery.Audit;

/// <summary>
/// Walks the audit chain from sequence 1 to the head and names the first bad event: one altered
/// (its content no longer matches its hash, or it cannot be read), removed (a sequence is missing),
/// out of place (its key holds another sequence: events swapped or moved), or whose previousHash does
/// not match the event before it. In a versioned bucket it also reports any event key that has been
/// overwritten or delete-marked, which Object Lock keeps visible in the version history.
/// A bad chain is the answer, not an error: only unreachable storage throws.
/// </summary>
public sealed class AuditChainVerifier
{
    /// <summary>At most this many issues are listed in a report (all are counted).</summary>
    public const int MaxListedIssues = 100;

    private const int ReadAhead = 16;
    private readonly IAmazonS3 _s3;
    private readonly AuditLogOptions _options;
    private readonly TimeProvider _time;

    public AuditChainVerifier(IAmazonS3 s3, AuditLogOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _s3 = s3;
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public async Task<AuditChainReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var issues = new List<AuditChainIssue>();
        var events = new List<(long Sequence, string Key)>();
        foreach (var key in await ListKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            if (AuditKeys.ParseSequence(_options.Prefix, key) is { } sequence)
            {
                events.Add((sequence, key));
            }
            else
            {
                issues.Add(new AuditChainIssue(null, key, AuditChainProblem.Unexpected, "an object in the events folder that is not an audit event key"));
            }
        }

        events.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        var expected = 1L;
        var previousHash = AuditCanonicalJson.GenesisHash;
        var verified = 0L;
        string? headHash = null;
        for (var start = 0; start < events.Count; start += ReadAhead)
        {
            var batch = events.Skip(start).Take(ReadAhead).ToList();
            var bodies = await Task.WhenAll(batch.Select(e => ReadAsync(e.Key, cancellationToken))).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                var (sequence, key) = batch[i];
                if (sequence > expected)
                {
                    var missing = sequence - expected == 1 ? $"event {expected} is missing" : $"events {expected} to {sequence - 1} are missing";
                    issues.Add(new AuditChainIssue(
                        expected,
                        AuditKeys.Event(_options.Prefix, expected),
                        AuditChainProblem.Missing,
                        $"{missing} (removed or never written); the next present event is {sequence}"));
                    previousHash = null; // The link into the gap cannot be checked.
                }

                expected = sequence + 1;
                if (bodies[i].Failure is { } failure)
                {
                    issues.Add(new AuditChainIssue(sequence, key, AuditChainProblem.Unreadable, failure));
                    previousHash = null; // Its hash is unknown, so the next event's link cannot be checked.
                    continue;
                }

                var record = AuditCanonicalJson.TryParse(bodies[i].Body, out var unreadable);
                if (record is null)
                {
                    issues.Add(new AuditChainIssue(sequence, key, AuditChainProblem.Altered, unreadable!));
                    previousHash = null;
                    continue;
                }

                var problemsBefore = issues.Count;
                if (record.Sequence != sequence)
                {
                    issues.Add(new AuditChainIssue(sequence, key, AuditChainProblem.OutOfPlace,
                        $"the key of event {sequence} holds event {record.Sequence} (events reordered or moved)"));
                }
                else if (AuditCanonicalJson.ComputeHash(record) != record.Hash)
                {
                    issues.Add(new AuditChainIssue(sequence, key, AuditChainProblem.Altered,
                        $"the content does not match its hash {record.Hash} (the event was altered after it was written)"));
                }
                else if (previousHash is not null && record.PreviousHash != previousHash)
                {
                    issues.Add(new AuditChainIssue(sequence, key, AuditChainProblem.BrokenLink,
                        $"previousHash {record.PreviousHash} is not the hash of event {sequence - 1} ({previousHash}): " +
                        "an event before it was replaced or removed"));
                }

                if (issues.Count == problemsBefore)
                {
                    verified++;
                }

                previousHash = record.Hash;
                headHash = record.Hash;
            }
        }

        issues.AddRange(await FindRewrittenKeysAsync(cancellationToken).ConfigureAwait(false));
        var ordered = issues
            .OrderBy(issue => issue.Sequence ?? long.MaxValue)
            .ThenBy(issue => issue.Problem == AuditChainProblem.Rewritten ? 1 : 0)
            .ToList();
        var first = ordered.FirstOrDefault();
        return new AuditChainReport(
            Valid: ordered.Count == 0,
            Bucket: _options.Bucket,
            Prefix: _options.Prefix,
            EventCount: events.Count,
            VerifiedCount: verified,
            HeadSequence: events.Count == 0 ? 0 : events[^1].Sequence,
            HeadHash: headHash,
            FirstBadSequence: first?.Sequence,
            FirstBadKey: first?.Key,
            FirstProblem: first?.Problem,
            FirstProblemDetail: first?.Detail,
            IssueCount: ordered.Count,
            Issues: ordered.Take(MaxListedIssues).ToList(),
            VerifiedAt: _time.GetUtcNow());
    }

    private async Task<List<string>> ListKeysAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = await S3Failures.CallAsync(_options.Bucket, () => _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _options.Bucket,
                Prefix = AuditKeys.Events(_options.Prefix),
                ContinuationToken = continuation,
            }, cancellationToken)).ConfigureAwait(false);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
        return keys;
    }

    /// <summary>Event keys with more than one version or a delete marker: history that should not exist.</summary>
    private async Task<List<AuditChainIssue>> FindRewrittenKeysAsync(CancellationToken cancellationToken)
    {
        var request = new GetBucketVersioningRequest { BucketName = _options.Bucket };
        var versioning = await S3Failures.CallAsync(_options.Bucket, () => _s3.GetBucketVersioningAsync(request, cancellationToken)).ConfigureAwait(false);
        if (versioning.VersioningConfig?.Status is null || versioning.VersioningConfig.Status == VersionStatus.Off)
        {
            return [];
        }

        var counts = new Dictionary<string, (int Versions, int DeleteMarkers)>(StringComparer.Ordinal);
        string? keyMarker = null;
        string? versionMarker = null;
        while (true)
        {
            var page = await S3Failures.CallAsync(_options.Bucket, () => _s3.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = _options.Bucket,
                Prefix = AuditKeys.Events(_options.Prefix),
                KeyMarker = keyMarker,
                VersionIdMarker = versionMarker,
            }, cancellationToken)).ConfigureAwait(false);
            foreach (var version in page.Versions ?? [])
            {
                counts.TryGetValue(version.Key, out var count);
                counts[version.Key] = version.IsDeleteMarker == true ? (count.Versions, count.DeleteMarkers + 1) : (count.Versions + 1, count.DeleteMarkers);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            keyMarker = page.NextKeyMarker;
            versionMarker = page.NextVersionIdMarker;
        }

        var issues = new List<AuditChainIssue>();
        foreach (var (key, count) in counts.Where(c => c.Value.Versions > 1 || c.Value.DeleteMarkers > 0))
        {
            var what = count.DeleteMarkers > 0
                ? $"was deleted ({count.DeleteMarkers} delete marker(s)) after it was written"
                : $"was overwritten: it has {count.Versions} versions, an audit event is written once";
            issues.Add(new AuditChainIssue(AuditKeys.ParseSequence(_options.Prefix, key), key, AuditChainProblem.Rewritten, $"the event key {what}"));
        }

        return issues;
    }

    /// <summary>
    /// An event's bytes, or why they cannot be read: a checksum that does not match what S3 stored (the SDK's
    /// "Expected hash not equal to calculated hash"), access denied, or an S3 error that outlasted the SDK's retries.
    /// Those are findings about one event, reported with it; only a missing bucket ends the walk.
    /// </summary>
    private async Task<EventRead> ReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await S3Failures.CallAsync(_options.Bucket, () => _s3.GetObjectAsync(_options.Bucket, key, cancellationToken))
                .ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return new EventRead(buffer.ToArray(), null);
        }
        catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
        {
            // Deleted between the listing and the read: an empty body reads as an unreadable event.
            return new EventRead([], null);
        }
        catch (AmazonS3Exception e) when (S3Failures.IsAccessDenied(e))
        {
            return new EventRead([], $"the event cannot be read: access denied ({(int)e.StatusCode} {e.ErrorCode})");
        }
        catch (AmazonS3Exception e)
        {
            return new EventRead([], $"the event cannot be read: S3 answered {(int)e.StatusCode} {e.ErrorCode} after the SDK's retries ({e.Message})");
        }
        catch (Amazon.Runtime.AmazonClientException e)
        {
            return new EventRead([], $"the event cannot be read: its bytes do not match the checksum S3 stored with it, or the read failed ({e.Message})");
        }
    }

    private sealed record EventRead(byte[] Body, string? Failure);
}

/// <summary>What is wrong with an event.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<AuditChainProblem>))]
public enum AuditChainProblem
{
    /// <summary>The content does not match its hash, or it cannot be read.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("altered")]
    Altered,

    /// <summary>A sequence number has no event.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("missing")]
    Missing,

    /// <summary>The key of sequence n holds another sequence's event.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("outOfPlace")]
    OutOfPlace,

    /// <summary>previousHash is not the hash of the event before.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("brokenLink")]
    BrokenLink,

    /// <summary>The key was overwritten or delete-marked after it was written (version history).</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("rewritten")]
    Rewritten,

    /// <summary>The event could not be read (checksum mismatch, access denied, an S3 error after retries); the detail says which.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("unreadable")]
    Unreadable,

    /// <summary>An object in the events folder that the log never writes.</summary>
    [System.Text.Json.Serialization.JsonStringEnumMemberName("unexpected")]
    Unexpected,
}

/// <summary>One problem found in the chain.</summary>
public sealed record AuditChainIssue(long? Sequence, string Key, AuditChainProblem Problem, string Detail);

/// <summary>The verdict on the audit chain.</summary>
public sealed record AuditChainReport(
    bool Valid,
    string Bucket,
    string Prefix,
    long EventCount,
    long VerifiedCount,
    long HeadSequence,
    string? HeadHash,
    long? FirstBadSequence,
    string? FirstBadKey,
    AuditChainProblem? FirstProblem,
    string? FirstProblemDetail,
    int IssueCount,
    IReadOnlyList<AuditChainIssue> Issues,
    DateTimeOffset VerifiedAt)
{
    /// <summary>The daily protection check of the audit and backup buckets (<see cref="BucketProtectionCheck"/>), when it ran.</summary>
    public IReadOnlyList<BucketProtectionFinding>? BucketProtection { get; init; }
}
