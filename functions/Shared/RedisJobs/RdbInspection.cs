namespace DisasterRecovery.RedisJobs;

/// <summary>What an <see cref="IRdbInspector"/> found in an RDB (the RDB reader's summary, as the manifest needs it).</summary>
/// <param name="RdbVersion">The file's RDB version (<c>REDIS0010</c> → 10).</param>
/// <param name="KeysPerDatabase">Live keys per database number; null when the inspector does not count them.</param>
/// <param name="ExpiredKeys">Keys already expired at the time given.</param>
/// <param name="Functions">Function libraries the file holds.</param>
/// <param name="ChecksumVerified">True when the trailing CRC-64 was checked and matched (false when the file has none).</param>
/// <param name="Aux">The file's AUX fields (<c>redis-ver</c>, <c>ctime</c>, <c>repl-id</c>, ...); null when the inspector does not read them.</param>
public sealed record RdbInspection(int RdbVersion, IReadOnlyDictionary<int, long>? KeysPerDatabase, long ExpiredKeys, int Functions, bool ChecksumVerified,
    IReadOnlyDictionary<string, string>? Aux = null);
