using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>The objects of a PostgreSQL backup in the catalog.</summary>
public static class PostgresBackupObjects
{
    /// <summary>The dump: a plain SQL script as concatenated zstd frames (<c>zstd -dc dump.sql.zst | psql</c> restores it).</summary>
    public const string Dump = "dump.sql.zst";

    /// <summary>The dump's index (<see cref="PostgresDumpIndex"/>): segment offsets and checksums, per-table rows and hashes.</summary>
    public const string Index = "dump.index.json";

    /// <summary>The dump's content type: zstd-compressed bytes, stored as they are (the catalog does not compress them again).</summary>
    public const string DumpContentType = "application/zstd";
}
