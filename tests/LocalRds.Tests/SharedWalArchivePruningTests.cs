using DisasterRecovery.LocalRds.Postgres;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// The adopted local/servers cluster's archive is shared by every state folder that adopted it (the local cloud's,
/// each test's). Pruning by one must never remove what another's backups still need, and a claim whose state folder
/// is gone must stop holding the archive. A private local/servers instance, so the shared servers are untouched.
/// </summary>
public sealed class SharedWalArchivePruningTests : IAsyncLifetime
{
    private TestSupport.PrivateLocalServers _servers = null!;
    private string _archive = null!;

    public Task InitializeAsync()
    {
        _servers = TestSupport.PrivateLocalServers.Start("rds-shared-");
        _archive = AdoptedInstance.FromServersJson(ServersJson).WalArchive;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _servers.Dispose();
        return Task.CompletedTask;
    }

    private string ServersJson => _servers.ServersJson;

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
            firstStartKept = WalArchivePruningTests.IsArchived(_archive, firstStart);
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
        var secondResourceId = (await second.CallAsync("describeDBInstances",
            new() { ["DbInstanceIdentifier"] = "technician-marketplace" }))["DbInstances"]![0]!["DbiResourceId"]!.GetValue<string>();

        Assert.True(firstStartKept, $"the second adoption pruned {firstStart}, which the first one's backup needs");
        Assert.False(WalArchivePruningTests.IsArchived(_archive, firstStart), $"{firstStart} is still archived after the first state folder was deleted");
        Assert.Single(remainingStarts);
        Assert.Equal(remainingStarts[0], oldestSegment);
        Assert.Equal([secondResourceId + ".json"], claims);
    }
}
