namespace DisasterRecovery.Redis.Replication;

/// <summary>How the server sends the RDB (its <c>repl-diskless-sync</c> setting decides).</summary>
public enum RdbTransferMode
{
    /// <summary><c>$&lt;length&gt;</c>: the server wrote the RDB to its disk first and sends a file of known length.</summary>
    Disk,

    /// <summary><c>$EOF:&lt;40-byte mark&gt;</c>: the server streams the RDB as it writes it and ends it with the mark.</summary>
    Diskless,
}
