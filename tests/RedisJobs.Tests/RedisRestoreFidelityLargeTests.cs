namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// The fidelity test at size, in its own class so it runs beside the others: a million small keys and a 100 MB value, backed
/// up, restored live (flush-first) and into a new server from the staged RDB; compared by an order-free digest of every key's
/// name, DUMP and absolute expiry (keeping a million DUMPs to compare would not fit).
/// </summary>
public sealed class RedisRestoreFidelityLargeTests : IAsyncLifetime
{
    private const int SmallKeys = 1_000_000;
    private RedisBackupKit _kit = null!;
    private RedisServerProcess _source = null!;

    public async Task InitializeAsync()
    {
        _kit = await RedisBackupKit.CreateAsync();
        _source = await RedisServerProcess.StartAsync();
        await RedisData.PopulateAsync(_source.Admin, SmallKeys, 16);
        var big = new byte[100 << 20];
        new Random(13).NextBytes(big);
        var db0 = _source.Admin.GetDatabase(0);
        await db0.StringSetAsync("big:value", big);
        await db0.StringSetAsync("small:ttl", "x", TimeSpan.FromMilliseconds(5_400_321));
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _kit.DisposeAsync();
    }

    [Fact]
    public async Task RestoreLiveAndIntoNewServer_WhenTheBackupHoldsAMillionKeysAndA100MbValue_ShouldReproduceEveryKey()
    {
        // Arrange
        var expected = await RedisRestoreFidelityDataset.StringDigestAsync(_source.Admin, 0);
        await RedisRestoreWorld.BackUpAsync(_kit, _source);
        await using var target = await RedisServerProcess.StartAsync();
        await target.Admin.GetDatabase(0).StringSetAsync("stale", "goes");
        RedisRestoreWorld.NameTarget(_kit, target);
        var staging = await _kit.S3.CreateBucketAsync(objectLock: false);

        // Act
        var restored = await _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "mode": "flush-first"}""");
        var live = await RedisRestoreFidelityDataset.StringDigestAsync(target.Admin, 0);
        var staged = await _kit.InvokeAsync(RedisRestoreWorld.Stage(_kit, staging), "{}");
        await using var server = await RedisRestoreFidelityServer.StartOnAsync(await _kit.S3.GetBytesAsync(staging, staged.GetProperty("key").GetString()!));
        var loaded = await RedisRestoreFidelityDataset.StringDigestAsync(server.Redis.Admin, 0);

        // Assert
        Assert.Equal(SmallKeys + 2, expected.Keys);
        Assert.Equal(expected, live);
        Assert.Equal(expected, loaded);
        Assert.Equal(SmallKeys + 2, restored.GetProperty("keysRestored").GetInt64());
        Assert.True(staged.GetProperty("bytes").GetInt64() > 100 << 20);
    }
}
