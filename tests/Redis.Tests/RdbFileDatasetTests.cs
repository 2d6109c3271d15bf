using DisasterRecovery.Redis.Dump;
using DisasterRecovery.Redis.Rdb;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

public sealed class RdbFileDatasetTests(FullDataset dataset) : IClassFixture<FullDataset>
{
    [Fact]
    public async Task FullDataset_WhenBuilt_ShouldHoldEveryEncodingItNames()
    {
        // Arrange
        var database = dataset.Server.Database(0);

        // Act
        var encodings = new Dictionary<string, string>();
        foreach (var key in FullDataset.Encodings.Keys)
        {
            encodings[key] = (string)(await database.ExecuteAsync("OBJECT", "ENCODING", key))!;
        }

        // Assert
        Assert.Equal(FullDataset.Encodings, encodings);
    }

    [Fact]
    public async Task VerifyAsync_WhenGivenTheServersSave_ShouldCountTheKeysInfoKeyspaceCounts()
    {
        // Arrange
        await using var rdb = File.OpenRead(dataset.RdbPath);

        // Act
        var summary = await RdbFile.VerifyAsync(rdb, DateTimeOffset.UtcNow, CancellationToken.None);

        // Assert
        Assert.Equal(dataset.Server.Keyspace(), summary.KeysPerDatabase);
        Assert.Equal([0, 3, 15], summary.KeysPerDatabase.Keys);
        Assert.Equal(10, summary.RdbVersion); // Redis 7.0 writes version 10; 7.2 writes 11.
        Assert.True(summary.ChecksumVerified);
        Assert.Equal(1, summary.Functions);
        Assert.Equal(0, summary.ExpiredKeys);
        Assert.Equal("7.0.15", summary.Aux["redis-ver"]);
    }

    [Fact]
    public async Task VerifyAsync_WhenNowIsAfterTheExpiries_ShouldCountThoseKeysAsExpired()
    {
        // Arrange: four keys have a TTL of at most a day.
        await using var rdb = File.OpenRead(dataset.RdbPath);
        var total = dataset.Server.Keyspace().Values.Sum();

        // Act
        var summary = await RdbFile.VerifyAsync(rdb, DateTimeOffset.UtcNow.AddDays(2), CancellationToken.None);

        // Assert
        Assert.Equal(3, summary.ExpiredKeys);
        Assert.Equal(total - 3, summary.KeysPerDatabase.Values.Sum());
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenGivenTheServersSave_ShouldGiveEachKeysDumpByteForByte()
    {
        // Arrange
        await using var rdb = File.OpenRead(dataset.RdbPath);
        var expected = dataset.Keys().ToDictionary(k => (k.Database, Convert.ToHexString(k.Key!)), k => k.Key);

        // Act
        var entries = await RdbFile.ReadEntriesAsync(rdb, CancellationToken.None).ToListAsync();

        // Assert
        var keys = entries.Where(e => e.Kind == RdbEntryKind.Key).ToList();
        Assert.Equal(expected.Keys.Order(), keys.Select(e => (e.Database, Convert.ToHexString(e.Key))).Order());
        foreach (var entry in keys)
        {
            var database = dataset.Server.Database(entry.Database);
            var dump = database.KeyDump(entry.Key)!;
            Assert.True(dump.AsSpan().SequenceEqual(entry.DumpPayload.Span), $"DUMP of {Convert.ToHexString(entry.Key)} in db {entry.Database}");
            var expireTime = (long)database.Execute("PEXPIRETIME", (RedisKey)entry.Key);
            Assert.Equal(expireTime < 0 ? null : expireTime, entry.ExpireAtUnixMs);
        }
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenTheStreamGivesAFewBytesPerRead_ShouldGiveTheSameEntries()
    {
        // Arrange
        await using var whole = File.OpenRead(dataset.RdbPath);
        await using var trickle = new TrickleStream(File.OpenRead(dataset.RdbPath));
        var expected = await RdbFile.ReadEntriesAsync(whole, CancellationToken.None).ToListAsync();

        // Act
        var entries = await RdbFile.ReadEntriesAsync(trickle, CancellationToken.None).ToListAsync();

        // Assert
        Assert.Equal(expected.Count, entries.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, entries[i].Key);
            Assert.Equal(expected[i].Database, entries[i].Database);
            Assert.Equal(expected[i].ExpireAtUnixMs, entries[i].ExpireAtUnixMs);
            Assert.True(expected[i].DumpPayload.Span.SequenceEqual(entries[i].DumpPayload.Span));
        }
    }

    [Fact]
    public async Task VerifyAsync_WhenTheStreamGivesAFewBytesPerRead_ShouldGiveTheSameSummary()
    {
        // Arrange
        await using var trickle = new TrickleStream(File.OpenRead(dataset.RdbPath));

        // Act
        var summary = await RdbFile.VerifyAsync(trickle, DateTimeOffset.UtcNow, CancellationToken.None);

        // Assert
        Assert.Equal(dataset.Server.Keyspace(), summary.KeysPerDatabase);
        Assert.True(summary.ChecksumVerified);
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenTheFileHasAFunctionLibrary_ShouldGiveFunctionDumpsPayload()
    {
        // Arrange
        await using var rdb = File.OpenRead(dataset.RdbPath);
        var functionDump = (byte[])dataset.Server.Server.Execute("FUNCTION", "DUMP")!;

        // Act
        var library = await RdbFile.ReadEntriesAsync(rdb, CancellationToken.None).SingleAsync(e => e.Kind == RdbEntryKind.FunctionLibrary);

        // Assert
        Assert.Equal(functionDump, library.DumpPayload.ToArray());
        Assert.True(DumpPayload.HasValidTrailer(library.DumpPayload.Span));
    }

    [Fact]
    public async Task ReadEntriesAsync_WhenPayloadsAreRestoredIntoAnotherServer_ShouldRecreateEveryKeyAndTheLibrary()
    {
        // Arrange
        await using var rdb = File.OpenRead(dataset.RdbPath);
        using var target = RedisServerProcess.Start();

        // Act
        await foreach (var entry in RdbFile.ReadEntriesAsync(rdb, CancellationToken.None))
        {
            if (entry.Kind == RdbEntryKind.FunctionLibrary)
            {
                await target.Server.ExecuteAsync("FUNCTION", "RESTORE", entry.DumpPayload.ToArray());
                continue;
            }

            await target.Database(entry.Database).ExecuteAsync("RESTORE", (RedisKey)entry.Key, entry.ExpireAtUnixMs ?? 0,
                entry.DumpPayload.ToArray(), "ABSTTL", "REPLACE");
        }

        // Assert
        Assert.Equal(dataset.Server.Keyspace(), target.Keyspace());
        Assert.Equal("stored", (string?)await target.Database(0).ExecuteAsync("FCALL", "echo_first", 0, "stored"));
        var streamGroups = await target.Database(0).StreamGroupInfoAsync("stream");
        Assert.Equal([("group-a", 7L), ("group-b", 2L)], streamGroups.Select(g => (g.Name, (long)g.PendingMessageCount)).OrderBy(g => g.Name));
    }
}
