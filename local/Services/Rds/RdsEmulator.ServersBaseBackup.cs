using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// The restore window of the adopted cluster opens when local/servers started it, as RDS's opens when an instance is
// created: local/servers start takes a base backup (postgres/base-backups/<time>/, with backup.json), and the first
// adoption of the cluster by a state folder takes it as its first automated backup.
public sealed partial class RdsEmulator
{
    /// <summary>
    /// At a first adoption (caller holds no lock): takes the newest complete base backup local/servers took of this cluster
    /// (<see cref="AdoptedInstance.BaseBackupDirectory"/>) as the instance's first automated backup, when its start WAL
    /// segment is still archived and it is within the retention period, so restores reach back to when the servers
    /// started. Copies it (the emulator's backups are its own), claims the shared archive from its start segment, then
    /// commits a marker and switches WAL so its own time is restorable to. False when there is none to take: the caller
    /// takes a backup now instead.
    /// </summary>
    private async Task<bool> TakeServersBaseBackupAsync(InstanceRecord instance, string? baseBackups, CancellationToken cancellationToken)
    {
        if (baseBackups is null || NewestServersBaseBackup(baseBackups) is not { } found)
        {
            return false;
        }

        var horizon = _options.RetentionClock.GetUtcNow() - TimeSpan.FromDays(Math.Max(1, instance.BackupRetentionPeriod));
        if (found.CompletedAt < horizon || !IsArchived(instance.WalArchive, found.StartWal))
        {
            Log(LogLevel.Info, "local/servers' base backup is too old to open the restore window", ("identifier", instance.Identifier),
                ("backup", found.Directory), ("completedAt", found.CompletedAt));
            return false;
        }

        var directory = Path.Combine(instance.BackupDirectory, found.Id);
        var backup = new AutomatedBackupRecord(found.Id, directory, found.StartedAt, found.CompletedAt, found.StartWal);
        var claiming = instance.Clone();
        claiming.AutomatedBackups.Add(backup);
        await _clusterWork.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ClaimSharedArchiveAsync(claiming, cancellationToken).ConfigureAwait(false);
            if (!IsArchived(instance.WalArchive, found.StartWal))
            {
                return false; // pruned between the look and the claim
            }

            await _host.CreateDirectoryAsync(instance.BackupDirectory, cancellationToken).ConfigureAwait(false);
            await _host.CopyDirectoryAsync(found.Directory, directory, cancellationToken).ConfigureAwait(false);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var live = _state.Instances.First(i => i.ResourceId == instance.ResourceId);
                live.AutomatedBackups.Add(backup);
                Save();
            }
            finally
            {
                _gate.Release();
            }

            await FlushArchiveAsync(instance, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _clusterWork.Release();
        }

        Log(LogLevel.Info, "local/servers' base backup taken as the first automated backup", ("identifier", instance.Identifier),
            ("backup", found.Id), ("completedAt", found.CompletedAt));
        return true;
    }

    private static bool IsArchived(string archive, string segment) =>
        File.Exists(Path.Combine(archive, segment + ".zst")) || File.Exists(Path.Combine(archive, segment));

    /// <summary>The newest folder of <paramref name="baseBackups"/> with a backup.json and a backup_label; null when none.</summary>
    private static ServersBaseBackup? NewestServersBaseBackup(string baseBackups)
    {
        if (!Directory.Exists(baseBackups))
        {
            return null;
        }

        foreach (var directory in Directory.GetDirectories(baseBackups).Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0]))
                     .OrderDescending(StringComparer.Ordinal))
        {
            var json = Path.Combine(directory, "backup.json");
            var label = Path.Combine(directory, "backup_label");
            if (!File.Exists(json) || !File.Exists(label) || ServersStartWal().Match(File.ReadAllText(label)) is not { Success: true } start)
            {
                continue;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var times = document.RootElement;
            return new ServersBaseBackup(
                Path.GetFileName(directory),
                directory,
                DateTimeOffset.Parse(times.GetProperty("startedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                DateTimeOffset.Parse(times.GetProperty("completedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                start.Groups["file"].Value);
        }

        return null;
    }

    [GeneratedRegex(@"^START WAL LOCATION: [0-9A-F]+/[0-9A-F]+ \(file (?<file>[0-9A-F]{24})\)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ServersStartWal();

    private sealed record ServersBaseBackup(string Id, string Directory, DateTimeOffset StartedAt, DateTimeOffset CompletedAt, string StartWal);
}
