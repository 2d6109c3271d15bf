using System.Text;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// The benchmark's dataset: groups of keys of every type and encoding an application's Redis holds, written as RESP
/// commands. Group <c>i</c> has a small hash (listpack), a text string (half of them with a millisecond TTL) and a
/// counter (int encoding); every fifth group one of a short list, an intset, a small set of words, a small sorted set, or
/// 1 KiB of random bytes (incompressible); every 1000th a large hash, list (quicklist), sorted set (skiplist), set
/// (hashtable) and a 200 KiB compressible string (LZF in the RDB); every 100th a key in database 3 and one in 15;
/// every 10,000th a stream with two consumer groups and pending entries. Text is drawn from a fixed vocabulary, so the
/// data compresses about as well as application text does. The same seed gives the same dataset.
/// </summary>
internal sealed class MixedDataset(int seed)
{
    private static readonly string[] Words =
    [
        "technician", "booking", "plumber", "electrician", "invoice", "payment", "review", "schedule", "customer", "address",
        "London", "Paris", "Berlin", "Madrid", "Lisbon", "quote", "urgent", "weekend", "repair", "install", "boiler", "socket",
        "leak", "warranty", "visit", "completed", "cancelled", "pending", "rating", "excellent", "late", "friendly", "price",
        "hour", "tomorrow", "morning", "evening", "kitchen", "bathroom", "garden", "roof", "window", "door", "heating", "cable",
    ];

    private Random _random = new(seed);

    /// <summary>Writes groups <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1.</summary>
    public void Write(RespWriter writer, long first, long count)
    {
        _random = new Random(HashCode.Combine(seed, first));
        for (var i = first; i < first + count; i++)
        {
            Group(writer, i);
        }
    }

    private void Group(RespWriter w, long i)
    {
        w.Command("HSET", $"user:{i}", "name", Text(2), "email", $"user{i}@example.com", "city", Word(), "created", 1700000000 + i,
            "score", _random.Next(0, 500) / 100.0, "bio", Text(8));
        if (i % 2 == 0)
        {
            w.Command("SET", $"session:{i}", Text(16), "PX", 3_600_000L + _random.Next(0, 86_400_000));
        }
        else
        {
            w.Command("SET", $"session:{i}", Text(16));
        }

        w.Command("SET", $"visits:{i}", _random.Next(0, 1_000_000));
        switch (i % 5)
        {
            case 0:
                w.Command(["RPUSH", $"feed:{i}", .. Enumerable.Range(0, 12).Select(_ => (object)Text(4))]);
                break;
            case 1:
                w.Command(["SADD", $"tags:{i}", .. Enumerable.Range(0, 8).Select(_ => (object)_random.Next(0, 100_000))]);
                break;
            case 2:
                w.Command(["SADD", $"labels:{i}", .. Enumerable.Range(0, 6).Select(_ => (object)Word())]);
                break;
            case 3:
                w.Command(["ZADD", $"rank:{i}", .. Enumerable.Range(0, 10).SelectMany(n => new object[] { _random.Next(0, 1000), $"tech:{n}:{Word()}" })]);
                break;
            default:
                var bytes = new byte[1024];
                _random.NextBytes(bytes);
                w.Command("SET", $"thumb:{i}", bytes);
                break;
        }

        if (i % 100 == 0)
        {
            w.Command("SELECT", 3);
            w.Command("SET", $"cache:{i}", Text(20), "PX", 86_400_000L);
            w.Command("SELECT", 15);
            w.Command("HSET", $"config:{i}", "value", Text(3), "owner", Word());
            w.Command("SELECT", 0);
        }

        if (i % 1000 == 0)
        {
            Large(w, i);
        }

        if (i % 10_000 == 0)
        {
            Stream(w, i);
        }
    }

    private void Large(RespWriter w, long i)
    {
        w.Command(["HSET", $"catalog:{i}", .. Enumerable.Range(0, 600).SelectMany(n => new object[] { $"item:{n}", Text(5) })]);
        for (var batch = 0; batch < 6; batch++)
        {
            w.Command(["RPUSH", $"events:{i}", .. Enumerable.Range(0, 500).Select(_ => (object)Text(5))]);
        }

        w.Command(["ZADD", $"leaders:{i}", .. Enumerable.Range(0, 300).SelectMany(n => new object[] { _random.NextDouble() * 1000, $"tech:{n}:{Word()}" })]);
        w.Command(["SADD", $"members:{i}", .. Enumerable.Range(0, 700).Select(n => (object)$"member:{n}:{Word()}")]);
        w.Command("SET", $"doc:{i}", Text(30_000));
    }

    private void Stream(RespWriter w, long i)
    {
        var key = $"stream:{i}";
        for (var n = 0; n < 200; n++)
        {
            w.Command("XADD", key, "*", "job", $"{i}:{n}", "state", Word(), "note", Text(4));
        }

        w.Command("XGROUP", "CREATE", key, "billing", "0");
        w.Command("XGROUP", "CREATE", key, "notifications", "0");
        w.Command("XREADGROUP", "GROUP", "billing", "worker-1", "COUNT", 50, "STREAMS", key, ">");
        w.Command("XREADGROUP", "GROUP", "notifications", "worker-2", "COUNT", 20, "STREAMS", key, ">");
    }

    private string Word() => Words[_random.Next(Words.Length)];

    private string Text(int words)
    {
        var text = new StringBuilder(words * 8);
        for (var n = 0; n < words; n++)
        {
            if (n > 0)
            {
                text.Append(' ');
            }

            text.Append(Word());
            if (_random.Next(4) == 0)
            {
                text.Append(_random.Next(0, 10_000));
            }
        }

        return text.ToString();
    }
}
