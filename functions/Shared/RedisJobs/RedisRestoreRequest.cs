using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Redis.Restore;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Which Redis backup to restore into which running server, and how. The backup is <c>backupId</c>, or else the newest
/// <b>verified</b> one completed at or before <c>time</c> (default: now). <c>target</c> is required: a restore never
/// defaults to the production server.
/// </summary>
public sealed record RedisRestoreRequest : IJobRequest
{
    /// <summary>The catalog source name; default BACKUP_SOURCE.</summary>
    public string? Source { get; init; }

    /// <summary>The backup to restore.</summary>
    public string? BackupId { get; init; }

    /// <summary>Restore the newest verified backup completed at or before this time (ISO 8601); default now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The server to restore into (required).</summary>
    public RedisConnection? Target { get; init; }

    /// <summary><c>flush-first</c>, <c>keep-existing</c> or <c>replace</c> (default).</summary>
    public string? Mode { get; init; }

    /// <summary>Only keys matching this Redis glob (<c>KEYS</c> semantics); default every key.</summary>
    public string? Pattern { get; init; }

    /// <summary>Only these databases; default every database of the backup.</summary>
    public int[]? Databases { get; init; }

    /// <summary>Report what would change and change nothing. Default false.</summary>
    public bool? DryRun { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        JobRequestFields.Validate(Source, BackupId, null, RequestedBy);
        if (BackupId is not null && Time is not null)
        {
            throw new InvalidInputException("time", "give either backupId or time, not both");
        }

        if (Target is null)
        {
            throw new InvalidInputException("target", "is required: {\"secretId\", optionally \"host\", \"port\"}; a restore never defaults to production");
        }

        Target.Validate("target");
        Options(DateTimeOffset.UnixEpoch, null).Validate();
        if (Databases is { } databases && databases.Distinct().Count() != databases.Length)
        {
            throw new InvalidInputException("databases", "names a database twice");
        }
    }

    /// <summary>The engine's options for this request.</summary>
    internal RedisRestoreOptions Options(DateTimeOffset now, IReadOnlySet<int>? sourceDatabases) => new()
    {
        Mode = Mode is null ? RedisRestoreMode.Replace : RedisRestoreModes.Parse(Mode, "mode"),
        Pattern = Pattern is null ? null : new RedisKeyPattern(Pattern),
        Databases = Databases is null ? null : new HashSet<int>(Databases),
        SourceDatabases = sourceDatabases,
        DryRun = DryRun == true,
        Now = now,
    };
}
