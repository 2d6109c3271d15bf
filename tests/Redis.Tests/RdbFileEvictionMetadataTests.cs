using DisasterRecovery.Redis.Rdb;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

public sealed class RdbFileEvictionMetadataTests
{
    [Fact]
    public async Task ReadEntriesAsync_WhenTheServerEvictsByLfu_ShouldGiveEachKeysFrequencyBesideAnUnchangedPayload()
    {
        // Arrange: with an LFU policy Redis writes a FREQ opcode before every key.
        using var server = RedisServerProcess.Start(null, "--maxmemory-policy", "allkeys-lfu");
        await server.Database(0).StringSetAsync("counted", "value");
        for (var i = 0; i < 20; i++)
        {
            await server.Database(0).StringGetAsync("counted");
        }

        await server.Server.ExecuteAsync("SAVE");
        var frequency = (long)await server.Database(0).ExecuteAsync("OBJECT", "FREQ", "counted");
        await using var rdb = File.OpenRead(server.RdbPath);

        // Act
        var entry = Assert.Single(await RdbFile.ReadEntriesAsync(rdb, CancellationToken.None).ToListAsync());

        // Assert
        Assert.Equal((int?)frequency, entry.Frequency);
        Assert.Null(entry.IdleSeconds);
        Assert.Equal((byte[])(await server.Database(0).KeyDumpAsync("counted"))!, entry.DumpPayload.ToArray());
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenTheServerEvictsByLru_ShouldGiveEachKeysIdleTime()
    {
        // Arrange: with an LRU policy Redis writes an IDLE opcode before every key.
        using var server = RedisServerProcess.Start(null, "--maxmemory-policy", "allkeys-lru");
        await server.Database(0).StringSetAsync("idle", "value");
        await server.Server.ExecuteAsync("SAVE");
        await using var rdb = File.OpenRead(server.RdbPath);

        // Act
        var entry = Assert.Single(await RdbFile.ReadEntriesAsync(rdb, CancellationToken.None).ToListAsync());

        // Assert
        Assert.NotNull(entry.IdleSeconds);
        Assert.Null(entry.Frequency);
    }
}
