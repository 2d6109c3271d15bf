using DisasterRecovery.Core;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.Redis.Restore;

/// <summary>What a live restore restores, and how.</summary>
public sealed record RedisRestoreOptions
{
    /// <summary>The most databases a server may have (Redis' own limit is INT_MAX; no real server has more).</summary>
    public const int MaxDatabase = 1 << 20;

    /// <summary>What to do with what the target holds; default <see cref="RedisRestoreMode.Replace"/>.</summary>
    public RedisRestoreMode Mode { get; init; } = RedisRestoreMode.Replace;

    /// <summary>Only keys matching this glob (Redis' semantics); null restores every key.</summary>
    public RedisKeyPattern? Pattern { get; init; }

    /// <summary>Only these databases; null restores every database of the file.</summary>
    public IReadOnlySet<int>? Databases { get; init; }

    /// <summary>
    /// The databases the file holds keys in, when known beforehand (a catalog backup's manifest says): each is checked against
    /// the target's database count before anything is sent. Without it a database the target lacks is found when its first key comes.
    /// </summary>
    public IReadOnlySet<int>? SourceDatabases { get; init; }

    /// <summary>Report what would change (with <c>EXISTS</c> checks) and change nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>Keys whose expiry is at or before this instant are skipped; default the clock's now when the restore starts.</summary>
    public DateTimeOffset? Now { get; init; }

    /// <summary>
    /// Most bytes of commands sent and not yet answered: the pipeline waits for replies beyond it (bounded memory on both
    /// sides, and no round trip per key). Default 8 MiB.
    /// </summary>
    public long MaxInFlightBytes { get; init; } = 8L << 20;

    /// <summary>Connect and idle timeouts.</summary>
    public RedisReplicationOptions Connection { get; init; } = RedisReplicationOptions.Default;

    /// <summary>Whether function libraries are restored: only by a restore of the whole file (no pattern, no database list).</summary>
    public bool RestoresFunctions => Pattern is null && Databases is null;

    /// <summary>Checks the options; <see cref="InvalidInputException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (Databases is { } databases)
        {
            if (databases.Count == 0)
            {
                throw new InvalidInputException("databases", "is empty; leave it out to restore every database");
            }

            if (databases.FirstOrDefault(d => d is < 0 or > MaxDatabase) is var bad && (bad < 0 || bad > MaxDatabase))
            {
                throw new InvalidInputException("databases", $"holds {bad}, which is not a database number (0 or more)");
            }
        }

        if (Pattern is { Text.Length: 0 })
        {
            throw new InvalidInputException("pattern", "is empty; leave it out (or give \"*\") to restore every key");
        }

        if (MaxInFlightBytes < 1024)
        {
            throw new InvalidInputException("maxInFlightBytes", "must be at least 1024");
        }
    }
}
