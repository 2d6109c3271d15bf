namespace DisasterRecovery.Redis.Rdb;

/// <summary>What an <see cref="RdbEntry"/> carries.</summary>
public enum RdbEntryKind
{
    /// <summary>A key and its value: restore with <c>RESTORE key ttl payload ABSTTL REPLACE</c> in its database.</summary>
    Key,

    /// <summary>A function library: restore with <c>FUNCTION RESTORE payload</c> (no key, no database).</summary>
    FunctionLibrary,
}
