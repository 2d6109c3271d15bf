using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Postgres;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// WAL archive pruning: an instance's archive keeps only what a restore to its earliest restorable time needs, i.e.
// everything from the start segment of its oldest retained automated backup on. Without it an archive grows forever.
public sealed partial class RdsEmulator
{
    /// <summary>How often RDS takes an instance's automated backup: once a day, in its backup window.</summary>
    private static readonly TimeSpan BackupWindowInterval = TimeSpan.FromDays(1);

    /// <summary>
    /// When an adopted cluster is adopted again (every start of the local cloud on the same state folder), stands in for
    /// RDS's daily backup window, which nothing else runs here: when the newest automated backup is a day old or more
    /// (on the retention clock), takes one now, which expires the backups older than the retention period and prunes the
    /// archive behind the oldest one left; otherwise only prunes, which drops the claims of state folders deleted since.
    /// Before, an adoption's first backup was never replaced nor expired, so the local cloud's state folder held the
    /// shared archive from its first drill on, whatever the retention (2.4 GB after a drill and a test run).
    /// Failures are logged, never thrown: the adoption itself has succeeded.
    /// </summary>
    private async Task KeepAdoptedArchiveBoundedAsync(string region, string identifier, CancellationToken cancellationToken)
    {
        InstanceRecord instance;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var live = _state.Instances.FirstOrDefault(i => i.Region == region && i.Identifier == identifier);
            if (live is not { Adopted: true, BackupRetentionPeriod: > 0 } || live.Status != InstanceStatus.Available)
            {
                return;
            }

            instance = live.Clone();
        }
        finally
        {
            _gate.Release();
        }

        var newest = instance.AutomatedBackups.Count == 0 ? (DateTimeOffset?)null : instance.AutomatedBackups.Max(b => b.CompletedAt);
        try
        {
            if (newest is null || _options.RetentionClock.GetUtcNow() - newest.Value >= BackupWindowInterval)
            {
                Log(LogLevel.Info, "taking the daily automated backup of an adopted cluster", ("identifier", identifier), ("newestBackup", newest));
                await TakeAutomatedBackupAsync(identifier, region, cancellationToken).ConfigureAwait(false);
            }
            else if (OldestStartWalFile(instance.AutomatedBackups) is { } oldestNeeded)
            {
                PruneWalArchive(instance, oldestNeeded);
            }
        }
        catch (Exception e) when (e is RdsEmulatorException or ClusterOperationException or Npgsql.NpgsqlException or IOException or TimeoutException)
        {
            Log(LogLevel.Warn, "could not take the daily automated backup of an adopted cluster", ("identifier", identifier), ("error", e.Message));
        }
    }

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
            ArchiveHolds.Write(instance.WalArchive, instance.ResourceId, _store.FilePath,
                claimed is null ? oldestNeeded : WalArchivePruner.Earlier(claimed, oldestNeeded),
                _options.RetentionClock.GetUtcNow(), instance.BackupRetentionPeriod);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The backup matters more than the claim; without it another emulator may prune sooner, never this one.
            Log(LogLevel.Warn, "could not claim the shared WAL archive", ("identifier", instance.Identifier), ("archive", instance.WalArchive),
                ("error", e.Message));
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
                var now = _options.RetentionClock.GetUtcNow();
                ArchiveHolds.Write(instance.WalArchive, instance.ResourceId, _store.FilePath, oldestNeeded, now, instance.BackupRetentionPeriod);
                var others = ArchiveHolds.OldestClaimedByOthers(instance.WalArchive, instance.ResourceId, now,
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
    private async Task PruneWalArchiveWithoutBackupsAsync(InstanceRecord instance, IReadOnlyList<AutomatedBackupRecord> stillRead,
        CancellationToken cancellationToken)
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
        backups.Select(b => b.StartWalFile).Where(WalArchivePruner.IsSegmentName).Aggregate((string?)null, (oldest, next) =>
            oldest is null ? next : WalArchivePruner.Earlier(oldest, next));

    private Task<string> CurrentWalFileAsync(InstanceRecord instance, CancellationToken cancellationToken) =>
        _host.QueryScalarAsync<string>(Address(instance), "SELECT pg_walfile_name(pg_current_wal_lsn())", cancellationToken);
}
