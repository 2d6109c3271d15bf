using System.Globalization;
using DisasterRecovery.LocalRds.Postgres;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// The adopted local/servers cluster's archive is shared by every state folder that adopted it (the local cloud's,
/// each test's). Pruning by one must never remove what another's backups still need, and a claim whose state folder
/// is gone must stop holding the archive. A private local/servers instance, so the shared servers are untouched.
/// </summary>
public sealed class SharedWalArchivePruningTests : IAsyncLifetime
{
    private readonly string _serversState = Path.Combine(Path.GetTempPath(), "rds-shared-" + Guid.NewGuid().ToString("N")[..8]);
    private Dictionary<string, string> _environment = null!;
    private string _archive = null!;

    public Task InitializeAsync()
    {
        _environment = new Dictionary<string, string>
        {
            ["DR_STATE_DIR"] = _serversState,
            ["DR_PG_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["DR_REDIS_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
        };
        var (code, output) = TestSupport.LocalServers.RunScript(_environment, "start");
        Assert.True(code == 0, output);
        _archive = AdoptedInstance.FromServersJson(ServersJson).WalArchive;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        TestSupport.LocalServers.RunScript(_environment, "stop");
        Directory.Delete(_serversState, recursive: true);
        return Task.CompletedTask;
    }

    private string ServersJson => Path.Combine(_serversState, "servers.json");

    [Fact]
    public async Task TakeAutomatedBackupAsync_WhenAnotherStateFolderAdoptedTheSameCluster_ShouldKeepItsWalUntilThatFolderIsGone()
    {
        var first = await RdsTestEnvironment.StartAsync();
        var clock = new ShiftedClock();
        await using var second = await RdsTestEnvironment.StartAsync(clock);
        bool firstStartKept;
        string firstStart;
        try
        {
            await first.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(ServersJson));
            firstStart = WalArchivePruningTests.BackupStarts(_archive).Single();
            await first.Emulator.FlushWalArchiveAsync("technician-marketplace");
            await first.Emulator.FlushWalArchiveAsync("technician-marketplace");

            await second.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(ServersJson));
            firstStartKept = File.Exists(Path.Combine(_archive, firstStart));
        }
        finally
        {
            // The first state folder goes away, as a finished test's does: its claim becomes stale.
            await first.DisposeAsync();
        }

        clock.Offset = TimeSpan.FromDays(8);
        await second.Emulator.TakeAutomatedBackupAsync("technician-marketplace");
        var remainingStarts = WalArchivePruningTests.BackupStarts(_archive);
        var oldestSegment = WalArchivePruningTests.Segments(_archive).Min(StringComparer.Ordinal);
        var claims = Directory.GetFiles(Path.Combine(_archive, ArchiveHolds.FolderName)).Select(Path.GetFileName).ToList();
        var secondResourceId = (await second.CallAsync("describeDBInstances", new() { ["DbInstanceIdentifier"] = "technician-marketplace" }))["DbInstances"]![0]!["DbiResourceId"]!.GetValue<string>();

        Assert.True(firstStartKept, $"the second adoption pruned {firstStart}, which the first one's backup needs");
        Assert.False(File.Exists(Path.Combine(_archive, firstStart)), $"{firstStart} is still archived after the first state folder was deleted");
        Assert.Single(remainingStarts);
        Assert.Equal(remainingStarts[0], oldestSegment);
        Assert.Equal([secondResourceId + ".json"], claims);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
