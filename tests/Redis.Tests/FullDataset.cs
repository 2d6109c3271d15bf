using System.Text;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

/// <summary>
/// A real Redis 7.0 server holding every type in every encoding it writes (strings int/embstr/raw/LZF, lists as
/// packed, plain and LZF-compressed quicklist nodes, sets intset/hashtable, sorted sets listpack/skiplist, hashes
/// listpack/hashtable, a stream with deleted entries, two consumer groups and pending entries), binary keys and values,
/// TTLs in milliseconds, databases 0, 3 and 15, and a function library; saved with SAVE to <see cref="RdbPath"/>.
/// </summary>
public sealed class FullDataset : IDisposable
{
    public const string Library = "#!lua name=drlib\nredis.register_function('echo_first', function(keys, args) return args[1] end)";

    public FullDataset()
    {
        // Limits set here, not left to the build's defaults (Debian's differ from upstream's), so both encodings of
        // each type appear: the small values stay compact, the large ones pass the limits.
        Server = RedisServerProcess.Start(null, "--list-compress-depth", "1", "--list-max-listpack-size", "8",
            "--hash-max-listpack-entries", "64", "--zset-max-listpack-entries", "64", "--set-max-intset-entries", "64");
        var db0 = Server.Database(0);
        var db3 = Server.Database(3);
        var db15 = Server.Database(15);

        db0.StringSet("string:int", 123456789);
        db0.StringSet("string:negative", -42);
        db0.StringSet("string:embstr", "short text");
        db0.StringSet("string:raw", new string('x', 10) + string.Concat(Enumerable.Range(0, 20).Select(i => (char)('a' + i))) + "-raw-not-compressible!");
        db0.StringSet("string:lzf", string.Concat(Enumerable.Repeat("compressible ", 500)));
        db0.StringSet(new byte[] { 0, 1, 2, 0xff, 0xfe, (byte)'\n' }, new byte[] { 0xff, 0, 0x80, 0x7f, 0, 1 });
        db0.StringSet("string:large", Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7919 % 251)).ToArray());
        db0.StringSet("string:ttl", "expires", TimeSpan.FromMilliseconds(86_400_123));

        db0.ListRightPush("list:small", ["a", "b", "1", "-2", "300000", "9999999999"]);
        db0.ListRightPush("list:quicklist", Enumerable.Range(0, 200).Select(i => (RedisValue)$"element {i % 7} element {i % 7}").ToArray());
        Server.Server.Execute("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000");
        db0.ListRightPush("list:plain", ["small", new string('p', 5000), "small again"]);
        db0.KeyExpire("list:small", TimeSpan.FromMilliseconds(7_200_555));

        db0.SetAdd("set:intset", [1, 2, 3, -5, 70000, 5_000_000_000]);
        db0.SetAdd("set:hashtable", Enumerable.Range(0, 300).Select(i => (RedisValue)$"member-{i}").ToArray());
        db0.SetAdd("set:small-strings", ["x", "y", "z"]);

        db0.SortedSetAdd("zset:listpack", [new("a", 1.5), new("b", -2), new("c", double.PositiveInfinity), new("d", 3)]);
        db0.SortedSetAdd("zset:skiplist", Enumerable.Range(0, 200).Select(i => new SortedSetEntry($"m{i}", i / 3.0)).ToArray());

        db0.HashSet("hash:listpack", [new("f1", "v1"), new("f2", 2), new("f3", new string('h', 40))]);
        db0.HashSet("hash:hashtable", Enumerable.Range(0, 300).Select(i => new HashEntry($"field-{i}", $"value-{i}")).ToArray());

        for (var i = 0; i < 250; i++)
        {
            db0.StreamAdd("stream", i % 2 == 0 ? [new("sensor", i), new("reading", $"r{i}")] : [new("other", i)], $"{1_000_000 + i}-{i % 3}");
        }

        db0.StreamDelete("stream", ["1000004-1", "1000100-1"]);
        db0.StreamCreateConsumerGroup("stream", "group-a", "0-0");
        db0.StreamCreateConsumerGroup("stream", "group-b", "1000050-0");
        db0.StreamReadGroup("stream", "group-a", "alice", ">", count: 5);
        db0.StreamReadGroup("stream", "group-a", "bob", ">", count: 3);
        db0.StreamAcknowledge("stream", "group-a", "1000001-1");
        db0.StreamReadGroup("stream", "group-b", "carol", ">", count: 2);
        db0.StreamAdd("stream:empty-after-trim", "f", "v", "5-5");
        db0.StreamDelete("stream:empty-after-trim", ["5-5"]);

        db3.StringSet("db3:key", "three", TimeSpan.FromMilliseconds(3_600_001));
        db3.HashSet(Encoding.UTF8.GetBytes("db3:binary\u00e9"), [new HashEntry(new byte[] { 0, 0xff }, new byte[] { 0xfe, 0 })]);
        db15.StringSet("db15:key", 15);
        db15.ListRightPush("db15:list", ["fifteen"]);

        Server.Server.Execute("FUNCTION", "LOAD", Library);
        Server.Server.Execute("SAVE");
    }

    public RedisServerProcess Server { get; }

    /// <summary>The encoding each key of database 0 is meant to have (OBJECT ENCODING), one per type and encoding.</summary>
    public static IReadOnlyDictionary<string, string> Encodings { get; } = new Dictionary<string, string>
    {
        ["string:int"] = "int",
        ["string:embstr"] = "embstr",
        ["string:raw"] = "raw",
        ["string:lzf"] = "raw",
        ["list:small"] = "quicklist",
        ["list:quicklist"] = "quicklist",
        ["list:plain"] = "quicklist",
        ["set:intset"] = "intset",
        ["set:hashtable"] = "hashtable",
        ["zset:listpack"] = "listpack",
        ["zset:skiplist"] = "skiplist",
        ["hash:listpack"] = "listpack",
        ["hash:hashtable"] = "hashtable",
        ["stream"] = "stream",
    };

    /// <summary>The server's SAVE of the dataset.</summary>
    public string RdbPath => Server.RdbPath;

    /// <summary>Every key of the dataset, with its database.</summary>
    public IEnumerable<(int Database, RedisKey Key)> Keys() =>
        new[] { 0, 3, 15 }.SelectMany(database => Server.Server.Keys(database, pageSize: 1000).Select(key => (database, key)));

    public void Dispose() => Server.Dispose();
}
