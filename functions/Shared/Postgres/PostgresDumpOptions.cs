using DisasterRecovery.Core;

namespace DisasterRecovery.Postgres;

/// <summary>How a dump is made. The defaults are the measured ones (tests/Benchmarks/PostgresBackup/RESULTS.md).</summary>
public sealed record PostgresDumpOptions
{
    public const int DefaultWorkers = 2;

    /// <summary>zstd level 1: on COPY text it compresses smaller than pg_dump -Fc's gzip and is the only level fast enough in managed code.</summary>
    public const int DefaultCompressionLevel = 1;

    /// <summary>Connections copying table data at once (each also compresses what it reads).</summary>
    public int Workers { get; init; } = DefaultWorkers;

    public int CompressionLevel { get; init; } = DefaultCompressionLevel;

    /// <summary>A chunk (one segment: one COPY block) ends at the first row boundary after this much COPY text…</summary>
    public long ChunkRawBytes { get; init; } = 64L << 20;

    /// <summary>…or after this much compressed output. A chunk is held in memory until appended, so this bounds memory.</summary>
    public long ChunkStoredBytes { get; init; } = 8L << 20;

    /// <summary>
    /// Null in production: every table is one whole-table <c>COPY</c>, read through the server's small
    /// bulk-read ring as pg_dump reads it. Set only by the benchmark project (tests/Benchmarks), which
    /// measures splitting big tables into page ranges against it (measured slower; RESULTS.md there).
    /// </summary>
    internal Func<DumpableTable, IEnumerable<PostgresDumper.WorkUnit>>? SplitTable { get; init; }

    /// <summary>
    /// Tables larger on disk than this get a row count but no content hash (null: every table is hashed,
    /// the default). The hash itself costs the dump almost nothing (XXH3 of the bytes it reads anyway);
    /// what it costs is the verifier's full read of the restored table, which for an unhashed table is a
    /// <c>count(*)</c> instead.
    /// </summary>
    public long? ContentHashMaxTableBytes { get; init; }

    /// <summary>How long to wait for the ACCESS SHARE table locks a dump takes (as pg_dump --lock-wait-timeout); null waits.</summary>
    public TimeSpan? LockWaitTimeout { get; init; }

    public void Validate()
    {
        Require.InRange(Workers, 1, 32, "workers");
        Require.InRange(CompressionLevel, 1, 19, "compressionLevel");
        if (ChunkRawBytes < 1 << 20 || ChunkStoredBytes < 1 << 20)
        {
            throw new InvalidInputException("chunkRawBytes", "chunks must be at least 1 MiB (raw and stored)");
        }

        if (ContentHashMaxTableBytes is < 0)
        {
            throw new InvalidInputException("contentHashMaxTableBytes", "must be 0 or more bytes");
        }
    }
}
