using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>Datasets and comparisons: what a test writes into a server, and every key's DUMP to compare servers by.</summary>
internal static class RedisData
{
    /// <summary>Every type, binary keys and values, TTLs, databases 0, 3 and 15, a stream with a consumer group, a function library.</summary>
    public static async Task WriteMixedAsync(ConnectionMultiplexer redis)
    {
        var db0 = redis.GetDatabase(0);
        await db0.StringSetAsync("string", "value");
        await db0.StringSetAsync("counter", 12345);
        await db0.StringSetAsync(new RedisKey().Append(new byte[] { 0, 255, 10, 13 }), new byte[] { 1, 0, 2, 255 });
        await db0.StringSetAsync("expiring", "soon", TimeSpan.FromMilliseconds(3_600_123));
        await db0.ListRightPushAsync("list", [.. Enumerable.Range(0, 300).Select(i => (RedisValue)("item " + i))]);
        await db0.HashSetAsync("hash", [.. Enumerable.Range(0, 50).Select(i => new HashEntry("f" + i, i))]);
        await db0.SetAddAsync("intset", [1, 2, 3]);
        await db0.SortedSetAddAsync("zset", [.. Enumerable.Range(0, 200).Select(i => new SortedSetEntry("m" + i, i * 1.5))]);
        var id = await db0.StreamAddAsync("stream", "field", "value");
        await db0.StreamCreateConsumerGroupAsync("stream", "group-a", "0");
        await db0.StreamReadGroupAsync("stream", "group-a", "consumer-1", ">", 1);
        Assert.False(id.IsNull);
        var db3 = redis.GetDatabase(3);
        await db3.StringSetAsync("three", new string('x', 10_000));
        await db3.SetAddAsync("set", [.. Enumerable.Range(0, 20).Select(i => (RedisValue)("s" + i))]);
        await redis.GetDatabase(15).StringSetAsync("fifteen", "15");
        await db0.ExecuteAsync("FUNCTION", "LOAD", "REPLACE", "#!lua name=drlib\nredis.register_function('drping', function() return 'pong' end)");
    }

    /// <summary>Many keys of some size: an RDB of about <paramref name="keys"/> × <paramref name="valueBytes"/> bytes.</summary>
    public static async Task PopulateAsync(ConnectionMultiplexer redis, int keys, int valueBytes) =>
        await redis.GetDatabase(0).ExecuteAsync("DEBUG", "POPULATE", keys, "bulk", valueBytes);

    /// <summary>
    /// Every key of every database with its DUMP, by "db/hex key". A set or hash in a hash table is written in the table's
    /// order, which a reloaded server does not keep: those compare by their sorted members instead.
    /// </summary>
    public static async Task<SortedDictionary<string, string>> DumpsAsync(ConnectionMultiplexer redis)
    {
        var dumps = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var server = redis.GetServers()[0];
        for (var database = 0; database < 16; database++)
        {
            var db = redis.GetDatabase(database);
            foreach (var key in server.Keys(database, pageSize: 1000))
            {
                dumps[$"{database}/{Convert.ToHexString((byte[])key!)}"] = await ContentAsync(db, key);
            }
        }

        var functions = (byte[])(await redis.GetDatabase(0).ExecuteAsync("FUNCTION", "DUMP"))!;
        dumps["functions"] = Convert.ToHexString(functions);
        return dumps;
    }

    private static async Task<string> ContentAsync(IDatabase db, RedisKey key)
    {
        var encoding = (string?)await db.ExecuteAsync("OBJECT", "ENCODING", key);
        if (encoding == "hashtable")
        {
            var members = await db.KeyTypeAsync(key) == RedisType.Set
                ? (await db.SetMembersAsync(key)).Select(member => member.ToString())
                : (await db.HashGetAllAsync(key)).Select(entry => $"{entry.Name}={entry.Value}");
            return "members:" + string.Join(",", members.Order(StringComparer.Ordinal));
        }

        return Convert.ToHexString((await db.KeyDumpAsync(key))!);
    }

    /// <summary>Asserts two servers hold the same keys with the same DUMPs, naming the keys that differ.</summary>
    public static void AssertSame(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual)
    {
        var differing = expected.Keys.Union(actual.Keys)
            .Where(key => !expected.TryGetValue(key, out var a) || !actual.TryGetValue(key, out var b) || a != b)
            .Select(key => $"{key}: {(expected.TryGetValue(key, out var a) ? a[..Math.Min(a.Length, 60)] : "missing")} / " +
                $"{(actual.TryGetValue(key, out var b) ? b[..Math.Min(b.Length, 60)] : "missing")}")
            .ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} of {expected.Count} keys differ: {string.Join("; ", differing.Take(5))}");
    }
}
