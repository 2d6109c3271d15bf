namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// One key of an RDB file, ready for <c>RESTORE</c>: its database, its name, its absolute expiry (Unix milliseconds,
/// null when it has none) and its DUMP payload (the value's type byte and bytes exactly as the file stores them, the
/// file's RDB version in two bytes and the CRC-64 in eight: what <c>DUMP</c> returns on a server of the same version).
/// A function library is an entry of kind <see cref="RdbEntryKind.FunctionLibrary"/> with an empty key, database 0
/// and a <c>FUNCTION RESTORE</c> payload.
/// </summary>
public sealed record RdbEntry(int Database, byte[] Key, long? ExpireAtUnixMs, ReadOnlyMemory<byte> DumpPayload)
{
    /// <summary>A key, or a function library.</summary>
    public RdbEntryKind Kind { get; init; } = RdbEntryKind.Key;

    /// <summary>The LRU idle time in seconds the file recorded for the key (for <c>RESTORE ... IDLETIME</c>), if any.</summary>
    public long? IdleSeconds { get; init; }

    /// <summary>The LFU frequency the file recorded for the key (for <c>RESTORE ... FREQ</c>), if any.</summary>
    public int? Frequency { get; init; }
}
