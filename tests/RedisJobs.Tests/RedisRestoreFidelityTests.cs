namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// Backup → restore, end to end on real servers: RedisBackup writes the catalog backup, then RedisRestore restores it live
/// (flush-first into a server holding other data, replace into one holding a key of its own) and RedisStage stages it for a
/// new redis-server started on the file. Every key's DUMP is byte-identical (sets and hashes in hash tables by content:
/// their DUMP follows each process' hash seed), every absolute expiry equal, the stream's groups and pending entries equal.
/// </summary>
public sealed class RedisRestoreFidelityTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;
    private RedisServerProcess _source = null!;

    public async Task InitializeAsync()
    {
        _kit = await RedisBackupKit.CreateAsync();
        _source = await RedisServerProcess.StartAsync(RedisRestoreFidelityDataset.Configuration);
        await RedisRestoreFidelityDataset.WriteAsync(_source.Admin);
        await RedisData.PopulateAsync(_source.Admin, 5_000, 32);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _kit.DisposeAsync();
    }

    [Fact]
    public async Task Dataset_WhenWritten_ShouldHoldEveryEncodingItNames()
    {
        var db0 = _source.Admin.GetDatabase(0);
        foreach (var (key, encoding) in RedisRestoreFidelityDataset.Encodings)
        {
            Assert.Equal((key, encoding), (key, (string?)await db0.ExecuteAsync("OBJECT", "ENCODING", key)));
        }
    }

    [Theory]
    [InlineData("flush-first")]
    [InlineData("replace")]
    public async Task RestoreLive_WhenTheBackupHoldsEveryTypeAndEncoding_ShouldReproduceEveryKeyExactly(string mode)
    {
        // Arrange
        var (dumps, expiries, groups) = await SnapshotAsync(_source);
        await RedisRestoreWorld.BackUpAsync(_kit, _source);
        // The same encoding limits as the source: a server converts a loaded value to the encoding its own limits call for.
        await using var target = await RedisServerProcess.StartAsync(RedisRestoreFidelityDataset.Configuration);
        await target.Admin.GetDatabase(mode == "flush-first" ? 0 : 1).StringSetAsync("the-targets-own", "1");
        await target.Admin.GetDatabase(0).StringSetAsync("string:embstr", "to be replaced");
        RedisRestoreWorld.NameTarget(_kit, target);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "mode": "{{mode}}"}""");

        // Assert: flush-first removed the target's own key; replace left it (in database 1, outside the comparison).
        var (restoredDumps, restoredExpiries, restoredGroups) = await SnapshotAsync(target);
        if (mode == "replace")
        {
            Assert.Equal("1", await target.Admin.GetDatabase(1).StringGetAsync("the-targets-own"));
            restoredDumps.Remove($"1/{Convert.ToHexString("the-targets-own"u8)}");
        }

        RedisData.AssertSame(dumps, restoredDumps);
        Assert.Equal(expiries, restoredExpiries);
        Assert.Equal(groups, restoredGroups);
        Assert.Equal(dumps.Count - 1, result.GetProperty("keysRestored").GetInt64());
    }

    [Fact]
    public async Task RestoreIntoNewServer_WhenStartedOnTheStagedRdb_ShouldReproduceEveryKeyExactly()
    {
        // Arrange
        var (dumps, expiries, groups) = await SnapshotAsync(_source);
        await RedisRestoreWorld.BackUpAsync(_kit, _source);
        var staging = await _kit.S3.CreateBucketAsync(objectLock: false);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Stage(_kit, staging), "{}");
        var staged = await _kit.S3.GetBytesAsync(staging, result.GetProperty("key").GetString()!);
        await using var server = await RedisRestoreFidelityServer.StartOnAsync(staged, RedisRestoreFidelityDataset.Configuration);

        // Assert
        var (loadedDumps, loadedExpiries, loadedGroups) = await SnapshotAsync(server.Redis);
        RedisData.AssertSame(dumps, loadedDumps);
        Assert.Equal(expiries, loadedExpiries);
        Assert.Equal(groups, loadedGroups);
    }

    private static async Task<(SortedDictionary<string, string> Dumps, SortedDictionary<string, long> Expiries, string Groups)> SnapshotAsync(
        RedisServerProcess server) =>
        (await RedisData.DumpsAsync(server.Admin), await RedisRestoreFidelityDataset.ExpiriesAsync(server.Admin),
            await RedisRestoreFidelityDataset.StreamGroupsAsync(server.Admin));
}
