namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// What a live restore did to one database (or, in a dry run, would do). <c>Restored</c> counts keys the target accepted;
/// <c>Created</c> and <c>Replaced</c> are a dry run's split of the keys it would restore (0 in a real run, which does not
/// ask); <c>Kept</c> keys the target already had and kept (keep-existing); <c>SkippedExpired</c> keys whose expiry had
/// passed; <c>Filtered</c> keys the pattern left out; <c>Flushed</c> keys <c>FLUSHDB</c> removed (or would remove) first.
/// </summary>
public sealed record RedisDatabaseRestoreCounts(int Database, long Restored, long Created, long Replaced, long Kept, long SkippedExpired,
    long Filtered, long Flushed);

/// <summary>The outcome of a live restore, per database, with the function libraries and what was sent.</summary>
public sealed record RedisRestoreSummary(
    string Target,
    RedisRestoreMode Mode,
    bool DryRun,
    IReadOnlyList<RedisDatabaseRestoreCounts> Databases,
    int FunctionsRestored,
    int FunctionsKept,
    int FunctionsSkipped,
    long DatabasesSkippedKeys,
    long BytesSent,
    TimeSpan Elapsed)
{
    /// <summary>Keys the target accepted (all databases).</summary>
    public long KeysRestored => Databases.Sum(d => d.Restored);

    /// <summary>Keys kept as the target had them (all databases).</summary>
    public long KeysKept => Databases.Sum(d => d.Kept);

    /// <summary>Keys skipped because their expiry had passed (all databases).</summary>
    public long KeysSkippedExpired => Databases.Sum(d => d.SkippedExpired);

    /// <summary>Keys left out by the pattern (all databases), plus those of databases left out.</summary>
    public long KeysFiltered => Databases.Sum(d => d.Filtered) + DatabasesSkippedKeys;
}
