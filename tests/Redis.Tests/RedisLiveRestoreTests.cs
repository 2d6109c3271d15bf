using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Rdb;
using DisasterRecovery.Redis.Replication;
using DisasterRecovery.Redis.Restore;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

/// <summary>The live restore into real redis-server processes: what goes in is what was saved, and each mode and filter does what it says.</summary>
public sealed class RedisLiveRestoreTests(FullDataset dataset) : IClassFixture<FullDataset>
{
    [Theory]
    [InlineData(RedisRestoreMode.FlushFirst)]
    [InlineData(RedisRestoreMode.Replace)]
    public async Task RestoreAsync_WhenGivenTheFullDataset_ShouldMakeEveryKeyAndLibraryEqualTheSource(RedisRestoreMode mode)
    {
        // Arrange
        using var target = RedisServerProcess.Start();
        target.Database(0).StringSet("string:int", "stale");
        await using var rdb = File.OpenRead(dataset.RdbPath);

        // Act: a small in-flight limit, so the pipeline drains many times (and the 1 MiB value passes it on its own).
        var summary = await new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions
        {
            Mode = mode, MaxInFlightBytes = 64 * 1024,
        }, CancellationToken.None);

        // Assert
        Assert.Equal(dataset.Server.Keyspace(), target.Keyspace());
        RestoredEqual(dataset.Server, target, dataset.Keys());
        Assert.Equal(dataset.Keys().Count(), summary.KeysRestored);
        Assert.Equal(1, summary.FunctionsRestored);
        Assert.Equal([0, 3, 15], summary.Databases.Select(d => d.Database));
        Assert.Equal(mode == RedisRestoreMode.FlushFirst ? 1 : 0, summary.Databases[0].Flushed);
        Assert.Equal(
            dataset.Server.Server.Execute("FUNCTION", "DUMP").ToString(), target.Server.Execute("FUNCTION", "DUMP").ToString());
    }

    [Fact]
    public async Task RestoreAsync_WhenKeepExisting_ShouldKeepTheTargetsKeysAndCountThem()
    {
        // Arrange
        using var target = RedisServerProcess.Start();
        target.Database(0).StringSet("string:embstr", "the target's own");
        target.Database(0).StringSet("not-in-backup", "stays");
        await using var rdb = File.OpenRead(dataset.RdbPath);

        // Act
        var summary = await new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions { Mode = RedisRestoreMode.KeepExisting },
            CancellationToken.None);

        // Assert
        Assert.Equal("the target's own", target.Database(0).StringGet("string:embstr"));
        Assert.Equal("stays", target.Database(0).StringGet("not-in-backup"));
        Assert.Equal(1, summary.KeysKept);
        Assert.Equal(dataset.Keys().Count() - 1, summary.KeysRestored);
        Assert.Equal(dataset.Server.Database(0).StringGet("string:lzf"), target.Database(0).StringGet("string:lzf"));
    }

    [Fact]
    public async Task RestoreAsync_WhenDryRun_ShouldCountWhatWouldChangeAndChangeNothing()
    {
        // Arrange
        using var target = RedisServerProcess.Start();
        target.Database(0).StringSet("string:embstr", "the target's own");
        target.Database(3).StringSet("db3:key", "also the target's");
        await using var rdb = File.OpenRead(dataset.RdbPath);

        // Act
        var summary = await new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions
        {
            Mode = RedisRestoreMode.Replace, DryRun = true, Pattern = new RedisKeyPattern("*key*"),
        }, CancellationToken.None);

        // Assert: db3:key would be replaced, db15:key created; nothing else matches; nothing changed.
        Assert.Equal(0, summary.KeysRestored);
        Assert.Equal(1, summary.Databases.Single(d => d.Database == 3).Replaced);
        Assert.Equal(1, summary.Databases.Single(d => d.Database == 15).Created);
        Assert.Equal(dataset.Keys().Count() - 2, summary.KeysFiltered);
        Assert.Equal(new Dictionary<int, long> { [0] = 1, [3] = 1 }, target.Keyspace());
        Assert.Equal("also the target's", target.Database(3).StringGet("db3:key"));
        Assert.Equal(0, summary.FunctionsRestored);
    }

    [Fact]
    public async Task RestoreAsync_WhenDatabasesAndPatternAreGiven_ShouldRestoreOnlyThoseKeys()
    {
        // Arrange
        using var target = RedisServerProcess.Start();
        await using var rdb = File.OpenRead(dataset.RdbPath);

        // Act
        var summary = await new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions
        {
            Mode = RedisRestoreMode.FlushFirst, Databases = new HashSet<int> { 0 }, Pattern = new RedisKeyPattern("[sz]*:[^s]*"),
        }, CancellationToken.None);

        // Assert: exactly the keys of database 0 that Redis' own KEYS matches.
        var keys = target.Server.Keys(0).Select(k => (string)k!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(dataset.Server.Server.Keys(0, "[sz]*:[^s]*").Select(k => (string)k!).Order(StringComparer.Ordinal), keys);
        Assert.Contains("zset:listpack", keys);
        Assert.DoesNotContain("hash:listpack", keys);
        Assert.Equal(keys.Count, summary.KeysRestored);
        Assert.Empty(target.Server.Keys(15));
        Assert.Equal(1, summary.FunctionsSkipped);
        Assert.Equal(4, summary.DatabasesSkippedKeys); // two keys each in databases 3 and 15
    }

    [Fact]
    public async Task RestoreAsync_WhenAKeysExpiryHasPassed_ShouldSkipItAndKeepTheExpiriesOfTheOthers()
    {
        // Arrange: "now" between the 2 h expiry of list:small and the 24 h one of string:ttl.
        using var target = RedisServerProcess.Start();
        await using var rdb = File.OpenRead(dataset.RdbPath);
        var now = DateTimeOffset.UtcNow.AddHours(3);

        // Act
        var summary = await new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions { Now = now }, CancellationToken.None);

        // Assert
        Assert.Equal(2, summary.KeysSkippedExpired); // list:small (2 h) and db3:key (1 h)
        Assert.False(target.Database(0).KeyExists("list:small"));
        Assert.Equal(
            (long)dataset.Server.Database(0).Execute("PEXPIRETIME", "string:ttl"), (long)target.Database(0).Execute("PEXPIRETIME", "string:ttl"));
    }

    [Fact]
    public async Task RestoreAsync_WhenTheTargetRunsOutOfMemory_ShouldStopNamingHowManyKeysWentIn()
    {
        // Arrange: room for a few keys only, and no eviction.
        using var target = RedisServerProcess.Start(null, "--maxmemory", "3mb", "--maxmemory-policy", "noeviction");
        var rdbPath = Path.Combine(target.Folder, "many.rdb");
        using (var source = RedisServerProcess.Start())
        {
            var batch = source.Database(0).CreateBatch();
            var writes = Enumerable.Range(0, 2000).Select(i => batch.StringSetAsync($"key:{i}", new string('v', 4000))).ToList();
            batch.Execute();
            await Task.WhenAll(writes);
            source.Server.Execute("SAVE");
            File.Copy(source.RdbPath, rdbPath);
        }

        await using var rdb = File.OpenRead(rdbPath);

        // Act
        var error = await Assert.ThrowsAsync<TargetOutOfMemoryException>(() =>
            new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions(), CancellationToken.None));

        // Assert
        var inTarget = target.Keyspace().GetValueOrDefault(0);
        Assert.InRange(inTarget, 1, 1999);
        Assert.Contains($"{inTarget} keys were restored", error.Message, StringComparison.Ordinal);
        Assert.Contains("out of memory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreAsync_WhenADatabaseIsBeyondTheTargets_ShouldRefuseBeforeSendingAnything()
    {
        // Arrange: the target has 4 databases; the backup uses 15.
        using var target = RedisServerProcess.Start(null, "--databases", "4");
        target.Database(0).StringSet("string:int", "untouched");

        // Act
        await using (var rdb = File.OpenRead(dataset.RdbPath))
        {
            var requested = await Assert.ThrowsAsync<InvalidInputException>(() => new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target),
                new RedisRestoreOptions { Mode = RedisRestoreMode.FlushFirst, Databases = new HashSet<int> { 0, 5 } }, CancellationToken.None));
            Assert.Equal("databases", requested.Field);
            Assert.Contains("has 4 databases", requested.Message, StringComparison.Ordinal);
        }

        await using (var rdb = File.OpenRead(dataset.RdbPath))
        {
            var inBackup = await Assert.ThrowsAsync<DatabaseNotFoundException>(() => new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target),
                new RedisRestoreOptions { Mode = RedisRestoreMode.FlushFirst, SourceDatabases = new HashSet<int> { 0, 3, 15 } }, CancellationToken.None));
            Assert.Contains("database 15", inBackup.Message, StringComparison.Ordinal);
        }

        // Assert
        Assert.Equal("untouched", target.Database(0).StringGet("string:int"));
        Assert.Equal(new Dictionary<int, long> { [0] = 1 }, target.Keyspace());
    }

    [Fact]
    public async Task RestoreAsync_WhenThePasswordIsWrongOrTheServerIsDown_ShouldSayWhich()
    {
        // Arrange
        using var target = RedisServerProcess.Start();
        target.Server.Execute("CONFIG", "SET", "requirepass", "right-password"); // the fixture's connection stays authenticated
        await using var rdb = File.OpenRead(dataset.RdbPath);

        // Act
        var wrong = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => new RedisLiveRestore().RestoreAsync(rdb,
            Endpoint(target) with { Password = "wrong-password" }, new RedisRestoreOptions(), CancellationToken.None));
        rdb.Position = 0;
        var none = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => new RedisLiveRestore().RestoreAsync(rdb,
            Endpoint(target), new RedisRestoreOptions(), CancellationToken.None));
        rdb.Position = 0;
        var down = await Assert.ThrowsAsync<DatabaseUnreachableException>(() => new RedisLiveRestore().RestoreAsync(rdb,
            new RedisEndpoint { Host = "127.0.0.1", Port = 1 }, new RedisRestoreOptions(), CancellationToken.None));

        // Assert
        Assert.DoesNotContain("wrong-password", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:" + target.Port, wrong.Message, StringComparison.Ordinal);
        Assert.Contains("NOAUTH", none.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", down.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreAsync_WhenTheFileHasAnUnknownRdbVersion_ShouldRefuseBeforeTouchingTheTarget()
    {
        // Arrange: version 0099 in the header.
        using var target = RedisServerProcess.Start();
        target.Database(0).StringSet("string:int", "untouched");
        var bytes = await File.ReadAllBytesAsync(dataset.RdbPath);
        Encoding.ASCII.GetBytes("0099").CopyTo(bytes, 5);

        // Act
        var error = await Assert.ThrowsAsync<RdbFormatException>(() => new RedisLiveRestore().RestoreAsync(new MemoryStream(bytes), Endpoint(target),
            new RedisRestoreOptions { Mode = RedisRestoreMode.FlushFirst }, CancellationToken.None));

        // Assert
        Assert.Contains("version", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("untouched", target.Database(0).StringGet("string:int"));
    }

    [Theory]
    [InlineData("allkeys-lru", "IDLETIME")]
    [InlineData("allkeys-lfu", "FREQ")]
    public async Task RestoreAsync_WhenTheFileRecordsIdleTimesOrFrequencies_ShouldKeepThem(string policy, string field)
    {
        // Arrange: a key given an idle time of 1000 s (or a frequency of 200) on a server that saves it in the RDB.
        using var source = RedisServerProcess.Start(null, "--maxmemory-policy", policy);
        source.Database(0).StringSet("plain", "value");
        var dump = (byte[])source.Database(0).KeyDump("plain")!;
        source.Database(0).Execute("RESTORE", "aged", 0, dump, field, field == "IDLETIME" ? 1000 : 200);
        source.Server.Execute("SAVE");
        using var target = RedisServerProcess.Start(null, "--maxmemory-policy", policy);
        await using var rdb = File.OpenRead(source.RdbPath);

        // Act
        await new RedisLiveRestore().RestoreAsync(rdb, Endpoint(target), new RedisRestoreOptions(), CancellationToken.None);

        // Assert
        var restored = (long)target.Database(0).Execute("OBJECT", field, "aged");
        if (field == "IDLETIME")
        {
            Assert.InRange(restored, 1000, 1100);
        }
        else
        {
            Assert.Equal((long)source.Database(0).Execute("OBJECT", "FREQ", "aged"), restored);
            Assert.InRange(restored, 150, 255);
        }
    }

    [Theory]
    [InlineData("*")]
    [InlineData("string:*")]
    [InlineData("*:[a-l]*")]
    [InlineData("*[^a-z:]*")]
    [InlineData("?????:*")]
    [InlineData("s\\tring:*")]
    [InlineData("*a*e*")]
    [InlineData("[")]
    [InlineData("db*[0-9")]
    [InlineData("*\\*")]
    public void Matches_ForEveryKeyOfTheDataset_ShouldAgreeWithRedisKeys(string pattern)
    {
        // Arrange
        var keys = dataset.Keys().Where(k => k.Database == 0).Select(k => (byte[])k.Key!).ToList();
        var glob = new RedisKeyPattern(pattern);

        // Act
        var ours = keys.Where(k => glob.Matches(k)).Select(Convert.ToHexString).Order(StringComparer.Ordinal);
        var redis = dataset.Server.Server.Keys(0, pattern, pageSize: 1000).Select(k => Convert.ToHexString((byte[])k!)).Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(redis, ours);
    }

    internal static RedisEndpoint Endpoint(RedisServerProcess server) => new() { Host = "127.0.0.1", Port = server.Port };

    /// <summary>Every key's DUMP equal (by content where the encoding is a hashtable), its absolute expiry equal, streams' groups equal.</summary>
    internal static void RestoredEqual(RedisServerProcess source, RedisServerProcess target, IEnumerable<(int Database, RedisKey Key)> keys)
    {
        foreach (var (database, key) in keys)
        {
            var from = source.Database(database);
            var to = target.Database(database);
            var encoding = from.Execute("OBJECT", "ENCODING", key).ToString();
            if (encoding == "hashtable")
            {
                Assert.Equal(KeySnapshot.Of(from, key), KeySnapshot.Of(to, key));
            }
            else
            {
                Assert.Equal((byte[])from.KeyDump(key)!, (byte[])to.KeyDump(key)!);
            }

            Assert.Equal((long)from.Execute("PEXPIRETIME", key), (long)to.Execute("PEXPIRETIME", key));
            if (from.KeyType(key) == RedisType.Stream)
            {
                Assert.Equal(from.Execute("XINFO", "GROUPS", key).ToString(), to.Execute("XINFO", "GROUPS", key).ToString());
                foreach (var group in from.StreamGroupInfo(key))
                {
                    Assert.Equal(Pending(from, key, group.Name), Pending(to, key, group.Name));
                }
            }
        }
    }

    /// <summary>A group's pending entries: id, consumer and delivery count (the idle time moves with the clock).</summary>
    private static string Pending(IDatabase database, RedisKey key, string group) => string.Join(";",
        ((RedisResult[])database.Execute("XPENDING", key, group, "-", "+", "1000")!)
            .Select(entry => (RedisResult[])entry!).Select(entry => $"{entry[0]}/{entry[1]}/{entry[3]}"));
}
