namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Reads an RDB as it streams past (a tee of the transfer) and says what it holds. The real one is the RDB format reader's
/// verification (<c>RdbFile.VerifyAsync</c>); it must read the stream to its end, and it throws when the file is damaged,
/// which fails the backup before its commit.
/// </summary>
public interface IRdbInspector
{
    /// <summary>Reads <paramref name="rdb"/> to its end; keys whose expiry is before <paramref name="now"/> count as expired.</summary>
    Task<RdbInspection> InspectAsync(Stream rdb, DateTimeOffset now, CancellationToken cancellationToken);
}
