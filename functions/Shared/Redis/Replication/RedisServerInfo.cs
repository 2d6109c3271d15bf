using System.Globalization;

namespace DisasterRecovery.Redis.Replication;

/// <summary>What <c>INFO server</c> and <c>INFO keyspace</c> said before the transfer started.</summary>
/// <param name="Version">redis_version (e.g. <c>7.0.15</c>).</param>
/// <param name="Keyspace">Each database's line as the server wrote it, by number: <c>keys=12,expires=3,avg_ttl=0</c>.</param>
public sealed record RedisServerInfo(string Version, IReadOnlyDictionary<int, string> Keyspace)
{
    /// <summary>The keys INFO keyspace counted in database <paramref name="database"/> (0 for a database it does not list).</summary>
    public long KeysIn(int database) =>
        Keyspace.TryGetValue(database, out var line)
        && line.Split(',').Select(part => part.Split('=', 2)).FirstOrDefault(pair => pair[0] == "keys") is [_, var keys]
        && long.TryParse(keys, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;

    /// <summary>Parses the bodies of <c>INFO server</c> and <c>INFO keyspace</c>.</summary>
    internal static RedisServerInfo Parse(string server, string keyspace)
    {
        var version = Fields(server).FirstOrDefault(field => field.Key == "redis_version").Value ?? "unknown";
        var databases = new SortedDictionary<int, string>();
        foreach (var (key, value) in Fields(keyspace))
        {
            if (key.StartsWith("db", StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var database))
            {
                databases[database] = value;
            }
        }

        return new RedisServerInfo(version, databases);
    }

    private static IEnumerable<KeyValuePair<string, string>> Fields(string info) =>
        info.Split('\n')
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.Length > 0 && line[0] != '#' && line.Contains(':', StringComparison.Ordinal))
            .Select(line => line.Split(':', 2))
            .Select(pair => KeyValuePair.Create(pair[0], pair[1]));
}
