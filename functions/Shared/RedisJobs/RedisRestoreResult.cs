using DisasterRecovery.Redis.Restore;

namespace DisasterRecovery.RedisJobs;

/// <summary>A finished live restore (or dry run), as the function reports it; <c>databases</c> has the per-database counts.</summary>
public sealed record RedisRestoreResult(
    string BackupId,
    string Source,
    DateTimeOffset BackupStartedAt,
    DateTimeOffset BackupCompletedAt,
    string Target,
    string Mode,
    bool DryRun,
    long KeysRestored,
    long KeysKept,
    long KeysSkippedExpired,
    long KeysFiltered,
    int FunctionsRestored,
    IReadOnlyList<RedisDatabaseRestoreCounts> Databases,
    long RdbBytes,
    double Seconds);
