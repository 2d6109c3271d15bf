using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Postgres;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// WAL archive pruning: an instance's archive keeps only what a restore to its earliest restorable time needs, i.e.
// everything from the start segment of its oldest retained automated backup on. Without it an archive grows forever.
public sealed partial class RdsEmulator
{
    /// <summary>
    /// Before an automated backup of an adopted cluster: claims the shared archive from the current segment on, so
    /// that another emulator pruning the same archive meanwhile cannot remove what this backup will need.
    /// </summary>
    private async Task ClaimSharedArchiveAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        if (!instance.Adopted || !Directory.Exists(instance.WalArchive))
        {
            return;
        }

        var current = await CurrentWalFileAsync(instance, cancellationToken).ConfigureAwait(false);
        try
        {
            var claimed = ArchiveHolds.Read(instance.WalArchive, instance.ResourceId);
            var oldestNeeded = instance.AutomatedBackups.Select(b => b.StartWalFile).Aggregate(current, WalArchivePruner.Earlier);
            ArchiveHolds.Write(instance.WalArchive, instance.ResourceId, _store.FilePath, claimed is null ? oldestNeeded : WalArchivePruner.Earlier(claimed, oldestNeeded));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The backup matters more than the claim; without it another emulator may prune sooner, never this one.
            Log(LogLevel.Warn, "could not claim the shared WAL archive", ("identifier", instance.Identifier), ("archive", instance.WalArchive), ("error", e.Message));
        }
    }

    /// <summary>
    /// Removes the archived WAL (and backup/timeline history files) older than <paramref name="oldestNeeded"/>, the
    /// start segment of the instance's oldest retained automated backup. For an adopted cluster, whose archive other
    /// state folders may use too, first records this claim and never goes past an older live claim of another.
    /// Failures are logged, never thrown: pruning is housekeeping, the backup it follows has succeeded.
    /// </summary>
    private void PruneWalArchive(InstanceRecord instance, string oldestNeeded)
    {
        if (!Directory.Exists(instance.WalArchive))
        {
            return;
        }

        try
        {
            var keepFrom = oldestNeeded;
            if (instance.Adopted)
            {
                ArchiveHolds.Write(instance.WalArchive, instance.ResourceId, _store.FilePath, oldestNeeded);
                var others = ArchiveHolds.OldestClaimedByOthers(instance.WalArchive, instance.ResourceId,
                    stale => Log(LogLevel.Info, "dropped a stale claim on a shared WAL archive", ("archive", instance.WalArchive), ("claim", stale)));
                keepFrom = others is null ? oldestNeeded : WalArchivePruner.Earlier(oldestNeeded, others);
            }

            var result = WalArchivePruner.Prune(instance.WalArchive, keepFrom);
            if (result.FilesRemoved > 0 || result.Failures.Count > 0)
            {
                Log(result.Failures.Count == 0 ? LogLevel.Info : LogLevel.Warn, "WAL archive pruned",
                    ("identifier", instance.Identifier), ("archive", instance.WalArchive), ("keptFrom", keepFrom),
                    ("filesRemoved", result.FilesRemoved), ("bytesRemoved", result.BytesRemoved), ("failures", string.Join("; ", result.Failures)));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Log(LogLevel.Warn, "could not prune the WAL archive", ("identifier", instance.Identifier), ("archive", instance.WalArchive), ("error", e.Message));
        }
    }

    /// <summary>
    /// After automated backups were turned off (retention 0): nothing needs the archive before the segment being
    /// written now, except backups a running restore still reads (<paramref name="stillRead"/>).
    /// </summary>
    private async Task PruneWalArchiveWithoutBackupsAsync(InstanceRecord instance, IReadOnlyList<AutomatedBackupRecord> stillRead, CancellationToken cancellationToken)
    {
        string current;
        try
        {
            current = await CurrentWalFileAsync(instance, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            Log(LogLevel.Warn, "could not read the current WAL segment; the archive was not pruned", ("identifier", instance.Identifier), ("error", e.Message));
            return;
        }

        PruneWalArchive(instance, stillRead.Select(b => b.StartWalFile).Aggregate(current, WalArchivePruner.Earlier));
    }

    /// <summary>The oldest start segment among the given backups (they are kept oldest first, but two may finish out of order).</summary>
    private static string? OldestStartWalFile(IEnumerable<AutomatedBackupRecord> backups) =>
        backups.Select(b => b.StartWalFile).Where(WalArchivePruner.IsSegmentName).Aggregate((string?)null, (oldest, next) => oldest is null ? next : WalArchivePruner.Earlier(oldest, next));

    private Task<string> CurrentWalFileAsync(InstanceRecord instance, CancellationToken cancellationToken) =>
        _host.QueryScalarAsync<string>(Address(instance), "SELECT pg_walfile_name(pg_current_wal_lsn())", cancellationToken);
}
