using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// What the restore fidelity tests write and compare: every type in every encoding Redis 7.0 writes (strings int, embstr, raw
/// and LZF-compressible; lists as listpack-packed and plain quicklist nodes; sets intset and hashtable; sorted sets listpack
/// and skiplist; hashes listpack and hashtable), binary keys and values, TTLs in milliseconds, databases 0, 3 and 15, a
/// stream with deleted entries, two consumer groups and pending entries, and a function library.
/// </summary>
internal static class RedisRestoreFidelityDataset
{
    /// <summary>The configuration that makes each encoding appear (Debian's defaults differ from upstream's).</summary>
    public static readonly string[] Configuration =
    [
        "list-max-listpack-size 8", "list-compress-depth 1", "hash-max-listpack-entries 64", "zset-max-listpack-entries 64",
        "set-max-intset-entries 64",
    ];

    /// <summary>The encoding each key of database 0 must have, so a test knows the dataset holds what it says.</summary>
    public static readonly IReadOnlyDictionary<string, string> Encodings = new Dictionary<string, string>
    {
        ["string:int"] = "int", ["string:embstr"] = "embstr", ["string:raw"] = "raw", ["string:lzf"] = "raw", ["list:small"] = "quicklist",
        ["list:quicklist"] = "quicklist", ["list:plain"] = "quicklist", ["set:intset"] = "intset", ["set:hashtable"] = "hashtable",
        ["zset:listpack"] = "listpack", ["zset:skiplist"] = "skiplist", ["hash:listpack"] = "listpack", ["hash:hashtable"] = "hashtable",
        ["stream"] = "stream",
    };

    /// <summary>The function library the dataset loads.</summary>
    public const string Library = "#!lua name=fidelity\nredis.register_function('echo_first', function(keys, args) return args[1] end)";

    public static async Task WriteAsync(ConnectionMultiplexer redis)
    {
        var db0 = redis.GetDatabase(0);
        await db0.StringSetAsync("string:int", 123456789);
        await db0.StringSetAsync("string:embstr", "short text");
        await db0.StringSetAsync("string:raw", "x" + string.Concat(Enumerable.Range(0, 60).Select(i => (char)('a' + (i * 7 % 26)))));
        await db0.StringSetAsync("string:lzf", string.Concat(Enumerable.Repeat("compressible ", 500)));
        await db0.StringSetAsync(new byte[] { 0, 1, 2, 0xff, 0xfe, (byte)'\n', (byte)'\r' }, new byte[] { 0xff, 0, 0x80, 0x7f, 0, 1, (byte)'\r', (byte)'\n' });
        await db0.StringSetAsync("string:ttl-ms", "expires", TimeSpan.FromMilliseconds(86_400_123));
        await db0.ListRightPushAsync("list:small", ["a", "b", "1", "-2", "300000"]);
        await db0.KeyExpireAsync("list:small", TimeSpan.FromMilliseconds(7_200_555));
        await db0.ListRightPushAsync("list:quicklist", [.. Enumerable.Range(0, 200).Select(i => (RedisValue)$"element {i % 7} element {i % 7}")]);
        await redis.GetServers()[0].ExecuteAsync("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000");
        await db0.ListRightPushAsync("list:plain", ["small", new string('p', 5000), "small again"]);
        await db0.SetAddAsync("set:intset", [1, 2, 3, -5, 70000, 5_000_000_000]);
        await db0.SetAddAsync("set:hashtable", [.. Enumerable.Range(0, 300).Select(i => (RedisValue)$"member-{i}")]);
        await db0.SortedSetAddAsync("zset:listpack", [new("a", 1.5), new("b", -2), new("c", double.PositiveInfinity)]);
        await db0.SortedSetAddAsync("zset:skiplist", [.. Enumerable.Range(0, 200).Select(i => new SortedSetEntry($"m{i}", i / 3.0))]);
        await db0.HashSetAsync("hash:listpack", [new("f1", "v1"), new("f2", 2)]);
        await db0.HashSetAsync("hash:hashtable", [.. Enumerable.Range(0, 300).Select(i => new HashEntry($"field-{i}", $"value-{i}"))]);
        for (var i = 0; i < 120; i++)
        {
            await db0.StreamAddAsync("stream", i % 2 == 0 ? [new("sensor", i), new("reading", $"r{i}")] : [new("other", i)], $"{1_000_000 + i}-{i % 3}");
        }

        await db0.StreamDeleteAsync("stream", ["1000004-1"]);
        await db0.StreamCreateConsumerGroupAsync("stream", "group-a", "0-0");
        await db0.StreamCreateConsumerGroupAsync("stream", "group-b", "1000050-0");
        await db0.StreamReadGroupAsync("stream", "group-a", "alice", ">", count: 5);
        await db0.StreamReadGroupAsync("stream", "group-a", "bob", ">", count: 3);
        await db0.StreamAcknowledgeAsync("stream", "group-a", "1000001-1");
        await db0.StreamReadGroupAsync("stream", "group-b", "carol", ">", count: 2);
        await redis.GetDatabase(3).StringSetAsync("db3:key", "three", TimeSpan.FromMilliseconds(3_600_001));
        var binaryField = new HashEntry(new byte[] { 0, 0xff }, new byte[] { 0xfe, 0 });
        await redis.GetDatabase(3).HashSetAsync(Encoding.UTF8.GetBytes("db3:binary\u00e9"), [binaryField]);
        await redis.GetDatabase(15).StringSetAsync("db15:key", 15);
        await db0.ExecuteAsync("FUNCTION", "LOAD", "REPLACE", Library);
    }

    /// <summary>Each key's absolute expiry (PEXPIRETIME, -1 for none) by "db/hex key".</summary>
    public static async Task<SortedDictionary<string, long>> ExpiriesAsync(ConnectionMultiplexer redis)
    {
        var expiries = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var database in new[] { 0, 3, 15 })
        {
            var db = redis.GetDatabase(database);
            foreach (var key in redis.GetServers()[0].Keys(database, pageSize: 1000))
            {
                expiries[$"{database}/{Convert.ToHexString((byte[])key!)}"] = (long)await db.ExecuteAsync("PEXPIRETIME", key);
            }
        }

        return expiries;
    }

    /// <summary>The streams' consumer groups and pending entries (XINFO GROUPS; XPENDING's ids, consumers and delivery counts).</summary>
    public static async Task<string> StreamGroupsAsync(ConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase(0);
        var text = new StringBuilder(Flatten(await db.ExecuteAsync("XINFO", "GROUPS", "stream")));
        foreach (var group in new[] { "group-a", "group-b" })
        {
            foreach (var entry in (RedisResult[])(await db.ExecuteAsync("XPENDING", "stream", group, "-", "+", "100"))!)
            {
                var fields = (RedisResult[])entry!;
                text.Append(';').Append(group).Append(':').Append(fields[0]).Append('/').Append(fields[1]).Append('/').Append(fields[3]);
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// An order-free digest of every key (database, name, DUMP, absolute expiry) of a server holding only strings: the XOR of
    /// each key's SHA-256, and the count. For a million keys, where keeping every DUMP to compare would not fit.
    /// </summary>
    public static async Task<(long Keys, string Digest)> StringDigestAsync(ConnectionMultiplexer redis, int database)
    {
        var db = redis.GetDatabase(database);
        var digest = new byte[32];
        long count = 0;
        foreach (var chunk in redis.GetServers()[0].Keys(database, pageSize: 5000).Chunk(5000))
        {
            var dumps = chunk.Select(k => db.KeyDumpAsync(k)).ToArray();
            var expiries = chunk.Select(k => db.ExecuteAsync("PEXPIRETIME", k)).ToArray();
            for (var i = 0; i < chunk.Length; i++)
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                hash.AppendData((byte[])chunk[i]!);
                hash.AppendData((await dumps[i])!);
                hash.AppendData(BitConverter.GetBytes((long)await expiries[i]));
                var one = hash.GetHashAndReset();
                for (var b = 0; b < 32; b++)
                {
                    digest[b] ^= one[b];
                }

                count++;
            }
        }

        return (count, Convert.ToHexString(digest));
    }

    private static string Flatten(RedisResult result) => result.Resp2Type == ResultType.Array
        ? "[" + string.Join(",", ((RedisResult[])result!).Select(Flatten)) + "]"
        : result.ToString();
}
