using System.Text.RegularExpressions;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// local/servers' archive (the one the local cloud adopts as technician-marketplace) stays bounded: segments are stored
/// compressed, also by a cluster made before compression, and adopting the cluster again on a later day (every start of
/// the local cloud) takes RDS's daily backup, so old backups expire and the archive is pruned behind the oldest one
/// left. A private local/servers instance, so the shared servers are untouched.
/// </summary>
public sealed partial class WalArchiveLocalServersTests : IAsyncLifetime
{
    private PrivateLocalServers _servers = null!;
    private string _archive = null!;

    public Task InitializeAsync()
    {
        _servers = PrivateLocalServers.Start("rds-walarchive-");
        _archive = AdoptedInstance.FromServersJson(_servers.ServersJson).WalArchive;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _servers.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AdoptInstanceAsync_WhenAdoptedAgainADayAfterItsNewestBackup_ShouldTakeTheDailyBackupAndPruneTheArchiveBehindIt()
    {
        var clock = new ShiftedClock();
        await using var rds = await RdsTestEnvironment.StartAsync(clock);
        await rds.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(_servers.ServersJson));
        var firstStart = WalArchivePruningTests.BackupStarts(_archive).Single();
        await rds.Emulator.FlushWalArchiveAsync("technician-marketplace");
        await rds.Emulator.FlushWalArchiveAsync("technician-marketplace");

        await rds.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(_servers.ServersJson));
        var startsTheSameDay = WalArchivePruningTests.BackupStarts(_archive);

        clock.Offset = TimeSpan.FromDays(8);
        await rds.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(_servers.ServersJson));
        var startsEightDaysOn = WalArchivePruningTests.BackupStarts(_archive);
        var oldestSegment = WalArchivePruningTests.Segments(_archive).Min(StringComparer.Ordinal);
        var window = (await rds.CallAsync("describeDBInstanceAutomatedBackups", new() { ["DbInstanceIdentifier"] = "technician-marketplace" }))
            ["DbInstanceAutomatedBackups"]![0]!["RestoreWindow"]!;

        Assert.Equal([firstStart], startsTheSameDay);
        var newStart = Assert.Single(startsEightDaysOn);
        Assert.NotEqual(firstStart, newStart);
        Assert.False(WalArchivePruningTests.IsArchived(_archive, firstStart), $"{firstStart} is still archived after its backup expired");
        Assert.Equal(newStart, oldestSegment);
        Assert.NotNull(window["EarliestTime"]);
        Assert.DoesNotContain(Directory.GetFiles(_archive).Select(Path.GetFileName), n => PlainSegmentName().IsMatch(n!));
    }

    [Fact]
    public async Task Start_WhenTheClusterStillHasTheUncompressedArchiveCommand_ShouldArchiveCompressedFromThen()
    {
        // A cluster made by the earlier local/servers: the copy command in postgresql.conf, no archiving file.
        var info = TestSupport.LocalServers.ReadInfo(_servers.ServersJson);
        var conf = Path.Combine(info.Postgres.DataDirectory, "postgresql.conf");
        var archivingFile = Path.Combine(info.Postgres.DataDirectory, "local-servers-archiving.conf");
        File.Delete(archivingFile);
        var lines = File.ReadAllLines(conf).Where(l => !l.StartsWith("include_if_exists = 'local-servers-archiving.conf'", StringComparison.Ordinal)).ToList();
        lines.Add($"archive_command = 'test ! -f {_archive}/%f && cp %p {_archive}/%f'");
        File.WriteAllLines(conf, lines);
        var stale = await ReloadAndArchiveOneSegmentAsync(info);

        var (code, output) = _servers.Run("start");
        var fresh = await SwitchAsync(info);
        await WaitForAsync(() => File.Exists(Path.Combine(_archive, fresh + ".zst")));

        Assert.True(File.Exists(Path.Combine(_archive, stale)), $"the simulated old cluster did not archive {stale} plain");
        Assert.Equal(0, code);
        Assert.Contains("archives WAL compressed", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_archive, fresh)), $"{fresh} was archived uncompressed after the start");
        Assert.Equal(16L * 1024 * 1024, await WalArchiveCompressionTests.UnpackedLengthAsync(Path.Combine(_archive, fresh + ".zst")));
    }

    private async Task<string> ReloadAndArchiveOneSegmentAsync(ServersInfo info)
    {
        await using (var connection = new NpgsqlConnection(info.Postgres.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
            await reload.ExecuteScalarAsync();
        }

        await Task.Delay(500);
        var segment = await SwitchAsync(info);
        await WaitForAsync(() => File.Exists(Path.Combine(_archive, segment)));
        return segment;
    }

    private static async Task<string> SwitchAsync(ServersInfo info)
    {
        await using var connection = new NpgsqlConnection(info.Postgres.ConnectionString());
        await connection.OpenAsync();
        await using var touch = new NpgsqlCommand("SELECT txid_current()", connection);
        await touch.ExecuteScalarAsync();
        await using var command = new NpgsqlCommand("SELECT pg_walfile_name(pg_switch_wal())", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Archiving is asynchronous: waits (bounded) for its effect; the assertion after it says what was expected.</summary>
    private static async Task WaitForAsync(Func<bool> done)
    {
        for (var i = 0; i < 300 && !done(); i++)
        {
            await Task.Delay(100);
        }
    }

    [GeneratedRegex("^[0-9A-F]{24}$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainSegmentName();
}
