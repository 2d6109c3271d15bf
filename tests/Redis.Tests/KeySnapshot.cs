using System.Text;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

/// <summary>
/// A key's type, content and TTL in a canonical text (members sorted), for comparing keys across two server
/// processes: hashtable-encoded values iterate (and DUMP) in an order that depends on each process's hash seed.
/// </summary>
public static class KeySnapshot
{
    public static string Of(IDatabase database, RedisKey key)
    {
        var text = new StringBuilder();
        var type = database.KeyType(key);
        text.Append(type).Append(" ttl=").Append(database.KeyTimeToLive(key).HasValue).Append(':');
        IEnumerable<string> parts = type switch
        {
            RedisType.String => [Hex(database.StringGet(key))],
            RedisType.List => database.ListRange(key).Select(Hex),
            RedisType.Set => database.SetMembers(key).Select(Hex).Order(StringComparer.Ordinal),
            RedisType.SortedSet => database.SortedSetRangeByRankWithScores(key)
                .Select(e => Hex(e.Element) + "=" + e.Score.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            RedisType.Hash => database.HashGetAll(key).Select(e => Hex(e.Name) + "=" + Hex(e.Value)).Order(StringComparer.Ordinal),
            _ => [Hex((byte[]?)database.KeyDump(key) is { } dump ? (RedisValue)dump : RedisValue.Null)],
        };
        return text.AppendJoin(',', parts).ToString();
    }

    private static string Hex(RedisValue value) => value.IsNull ? "null" : Convert.ToHexString((byte[])value!);
}
