namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// What a whole RDB file holds, once every structure and the checksum were checked: its version, its AUX fields
/// (redis-ver, ctime, repl-id...), the keys per database that are still live at the time asked, the keys already
/// expired then, the function libraries, and whether a CRC-64 was present and matched (false only when the writer had
/// `rdbchecksum no`, or for versions before 5, which have none).
/// </summary>
public sealed record RdbSummary(int RdbVersion, IReadOnlyDictionary<string, string> Aux,
    IReadOnlyDictionary<int, long> KeysPerDatabase, long ExpiredKeys, int Functions, bool ChecksumVerified);
