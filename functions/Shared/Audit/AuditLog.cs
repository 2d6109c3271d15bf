using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Audit;

/// <summary>
/// The tamper-evident audit log (plan §9.1). Each event goes to the function's JSON log (CloudWatch Logs)
/// and to the audit bucket, chained to the one before it by hash. Appenders never fork the chain:
/// sequence n+1 is claimed by a conditional write of its fixed key, and a loser re-reads the head and
/// tries again.
/// </summary>
public sealed class AuditLog
{
    private readonly IAmazonS3 _s3;
    private readonly AuditLogOptions _options;
    private readonly JsonLogger _logger;
    private readonly TimeProvider _time;
    private bool _bucketChecked;

    public AuditLog(IAmazonS3 s3, AuditLogOptions options, JsonLogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _s3 = s3;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Appends an event and returns it as stored (sequence, time, hashes). Throws
    /// <see cref="InvalidInputException"/> for a bad event, <see cref="StorageNotFoundException"/> for a
    /// missing bucket, <see cref="AuditLogContentionException"/> when too many appenders won first.
    /// </summary>
    public async Task<AuditRecord> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        Validate(auditEvent);
        await EnsureBucketProtectedAsync(cancellationToken).ConfigureAwait(false);
        var eventId = auditEvent.EventId ?? Guid.NewGuid().ToString("D");
        var relatedIds = auditEvent.RelatedIds?.ToArray() ?? [];
        var details = new SortedDictionary<string, string>(
            (auditEvent.Details ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal);
        for (var attempt = 1; attempt <= _options.MaxAppendAttempts; attempt++)
        {
            var (headSequence, headHash) = await ReadHeadAsync(cancellationToken).ConfigureAwait(false);
            var unsigned = new AuditRecord
            {
                EventId = eventId,
                Sequence = headSequence + 1,
                Time = _time.GetUtcNow(),
                Action = auditEvent.Action,
                Resource = auditEvent.Resource,
                Actor = auditEvent.Actor,
                Result = auditEvent.Result,
                RelatedIds = relatedIds,
                Details = details,
                PreviousHash = headHash,
                Hash = string.Empty,
            };
            var record = unsigned with { Hash = AuditCanonicalJson.ComputeHash(unsigned) };
            var key = AuditKeys.Event(_options.Prefix, record.Sequence);
            if (await TryClaimAsync(key, AuditCanonicalJson.Stored(record), cancellationToken).ConfigureAwait(false))
            {
                _logger.Info(
                    "audit event",
                    ("audit", true), ("sequence", record.Sequence), ("eventId", record.EventId), ("action", record.Action),
                    ("resource", record.Resource), ("actor", record.Actor), ("result", record.Result),
                    ("relatedIds", string.Join(",", record.RelatedIds)),
                    ("details", JsonSerializer.Serialize(details, AuditDetailsJsonContext.Default.SortedDictionaryStringString)),
                    ("eventHash", record.Hash), ("previousHash", record.PreviousHash), ("bucket", _options.Bucket), ("key", key));
                return record;
            }

            // Another appender took this sequence: back off a little (more with each loss) and re-read the head.
            var backoff = TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + Math.Min(attempt, 20) * 5));
            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
        }

        _logger.Error(
            "audit event not recorded: sequence contention",
            ("action", auditEvent.Action),
            ("resource", auditEvent.Resource),
            ("attempts", _options.MaxAppendAttempts));
        throw new AuditLogContentionException(
            $"could not claim the next audit sequence in s3://{_options.Bucket}/{AuditKeys.Events(_options.Prefix)} " +
            $"after {_options.MaxAppendAttempts} attempts; other appenders kept winning");
    }

    /// <summary>The newest event's sequence and hash: (0, 64 zeros) for an empty log.</summary>
    public async Task<(long Sequence, string Hash)> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var page = await S3Failures.CallAsync(_options.Bucket, () => _s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = _options.Bucket,
            Prefix = AuditKeys.Events(_options.Prefix),
            MaxKeys = 1,
        }, cancellationToken)).ConfigureAwait(false);
        var newest = page.S3Objects?.FirstOrDefault();
        if (newest is null)
        {
            return (0, AuditCanonicalJson.GenesisHash);
        }

        var sequence = AuditKeys.ParseSequence(_options.Prefix, newest.Key)
            ?? throw new AuditLogCorruptedException($"the newest object in the audit log, {newest.Key}, is not an audit event key; verify the chain");
        using var response = await S3Failures.CallAsync(_options.Bucket, () => _s3.GetObjectAsync(_options.Bucket, newest.Key, cancellationToken))
            .ConfigureAwait(false);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var record = AuditCanonicalJson.TryParse(buffer.ToArray(), out var problem)
            ?? throw new AuditLogCorruptedException($"the newest audit event {newest.Key} cannot be read ({problem}); verify the chain");
        if (record.Sequence != sequence)
        {
            throw new AuditLogCorruptedException($"the newest audit event {newest.Key} holds sequence {record.Sequence}; verify the chain");
        }

        return (sequence, record.Hash);
    }

    /// <summary>Once per log: refuses a bucket that would not keep the events (see <see cref="AuditLogOptions.AllowUnprotectedBucket"/>).</summary>
    private async Task EnsureBucketProtectedAsync(CancellationToken cancellationToken)
    {
        if (!_bucketChecked)
        {
            var (allowed, needsDefaultRetention) = (_options.AllowUnprotectedBucket, _options.Retention is null);
            await BucketProtection.RequireAsync(_s3, _options.Bucket, "the audit log", allowed, needsDefaultRetention, cancellationToken)
                .ConfigureAwait(false);
            _bucketChecked = true;
        }
    }

    private static void Validate(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        Token(auditEvent.Action, "action");
        Text(auditEvent.Resource, "resource", 1024);
        Text(auditEvent.Actor, "actor", 1024);
        Token(auditEvent.Result, "result");
        if (auditEvent.EventId is not null)
        {
            Text(auditEvent.EventId, "eventId", 128);
        }

        var ids = auditEvent.RelatedIds ?? [];
        for (var i = 0; i < ids.Count; i++)
        {
            Text(ids[i], $"relatedIds[{i}]", 2048);
        }

        foreach (var (key, value) in auditEvent.Details ?? new Dictionary<string, string>())
        {
            Text(key, "details", 128);
            if (value is null || value.Length > 8192)
            {
                throw new InvalidInputException($"details.{key}", "must be a string of at most 8192 characters");
            }
        }
    }

    private static void Token(string? value, string field)
    {
        Require.NotBlank(value, field);
        if (value!.Length > 64 || !value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
        {
            throw new InvalidInputException(field, $"must be 1-64 of a-z 0-9 . - , was '{value}'");
        }
    }

    private static void Text(string? value, string field, int maxLength)
    {
        Require.NotBlank(value, field);
        if (value!.Length > maxLength || value.Any(char.IsControl))
        {
            throw new InvalidInputException(field, $"must be at most {maxLength} characters without control characters");
        }
    }

    private async Task<bool> TryClaimAsync(string key, byte[] body, CancellationToken cancellationToken)
    {
        var put = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = new MemoryStream(body, writable: false),
            ContentType = "application/json",
            IfNoneMatch = "*",
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        };
        if (_options.Retention is { } retention)
        {
            put.ObjectLockMode = _options.LockMode;
            put.ObjectLockRetainUntilDate = (_time.GetUtcNow() + retention).UtcDateTime;
        }

        try
        {
            await S3Failures.CallAsync(_options.Bucket, () => _s3.PutObjectAsync(put, cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (S3Failures.IsConditionFailed(e))
        {
            return false;
        }
    }
}

/// <summary>JSON for the details field of the log line.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class AuditDetailsJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
