using DisasterRecovery.Redis.Rdb;
using DisasterRecovery.TestSupport;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

/// <summary>RDB files written by older Redis versions, from the Redis project's own tests (Assets/NOTICE.md).</summary>
public sealed class RdbFileAssetTests
{
    /// <summary>The files with keys.</summary>
    public static TheoryData<string> AssetsWithKeys() =>
        ["encodings.rdb", "hash-zipmap.rdb", "hash-ziplist.rdb", "list-quicklist.rdb", "zset-ziplist.rdb"];

    /// <summary>Every file: those with keys and one with only AUX fields (a Lua script, as Redis 6 saved it).</summary>
    public static TheoryData<string> Assets() => [.. AssetsWithKeys(), "scriptbackup.rdb"];

    [Theory]
    [MemberData(nameof(Assets))]
    public async Task VerifyAsync_WhenGivenAnOlderRedisFile_ShouldCountWhatRedisLoads(string asset)
    {
        // Arrange: Redis 7.0 itself loading the file is the reference.
        var path = RepositoryPaths.Of("tests", "Redis.Tests", "Assets", asset);
        using var loaded = RedisServerProcess.Start(path);
        await using var rdb = File.OpenRead(path);

        // Act
        var summary = await RdbFile.VerifyAsync(rdb, DateTimeOffset.UtcNow, CancellationToken.None);

        // Assert
        Assert.Equal(loaded.Keyspace(), summary.KeysPerDatabase);
        Assert.InRange(summary.RdbVersion, 1, RedisEngine.NewestRdbVersion);
        Assert.Equal(summary.RdbVersion >= 5, summary.ChecksumVerified);
    }

    [Fact]
    public async Task VerifyAsync_WhenTheFileHasALuaScriptAux_ShouldReportItAmongTheAuxFields()
    {
        // Arrange
        await using var rdb = File.OpenRead(RepositoryPaths.Of("tests", "Redis.Tests", "Assets", "scriptbackup.rdb"));

        // Act
        var summary = await RdbFile.VerifyAsync(rdb, DateTimeOffset.UtcNow, CancellationToken.None);

        // Assert
        Assert.Equal("return redis.call('set', 'foo', 'bar')", summary.Aux["lua"]);
        Assert.Empty(summary.KeysPerDatabase);
    }

    [Theory]
    [MemberData(nameof(AssetsWithKeys))]
    public async Task ReadEntriesAsync_WhenPayloadsOfAnOlderFileAreRestored_ShouldEqualWhatRedisLoadsFromTheFile(string asset)
    {
        // Arrange
        var path = RepositoryPaths.Of("tests", "Redis.Tests", "Assets", asset);
        using var loaded = RedisServerProcess.Start(path);
        using var target = RedisServerProcess.Start();
        await using var rdb = File.OpenRead(path);
        var restored = new List<(int Database, byte[] Key)>();

        // Act
        await foreach (var entry in RdbFile.ReadEntriesAsync(rdb, CancellationToken.None))
        {
            if (entry.Kind == RdbEntryKind.Key)
            {
                await target.Database(entry.Database).ExecuteAsync("RESTORE", (RedisKey)entry.Key, entry.ExpireAtUnixMs ?? 0,
                    entry.DumpPayload.ToArray(), "ABSTTL", "REPLACE");
                restored.Add((entry.Database, entry.Key));
            }
        }

        // Assert: the restored value is the one Redis built from the file (compared by content: two processes order
        // hashtable members differently).
        Assert.NotEmpty(restored);
        Assert.Equal(loaded.Keyspace(), target.Keyspace());
        foreach (var (database, key) in restored)
        {
            Assert.Equal(KeySnapshot.Of(loaded.Database(database), key), KeySnapshot.Of(target.Database(database), key));
        }
    }
}
