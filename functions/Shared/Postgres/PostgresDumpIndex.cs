using System.Text.Json;
using System.Text.Json.Serialization;
using DisasterRecovery.Core;

namespace DisasterRecovery.Postgres;

/// <summary>
/// The table of contents of one dump object: where every segment starts, how long it is, what its bytes
/// hash to, and per table the row count and content hash taken in the dump's snapshot. Stored beside the
/// dump (the catalog keeps it as its own object); the dump itself needs no index to be restored by
/// <c>zstd -dc dump.sql.zst | psql</c>.
/// </summary>
public sealed record PostgresDumpIndex
{
    /// <summary>The only format this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    public required int FormatVersion { get; init; }

    /// <summary>The database that was dumped.</summary>
    public required string Database { get; init; }

    /// <summary><c>server_version</c>, e.g. "15.18 (Debian 15.18-0+deb12u1)".</summary>
    public required string ServerVersion { get; init; }

    /// <summary><c>server_version_num</c>, e.g. 150018.</summary>
    public required int ServerVersionNumber { get; init; }

    /// <summary><c>pg_dump --version</c> of the program that wrote the DDL.</summary>
    public required string PgDumpVersion { get; init; }

    /// <summary>The database's encoding; COPY data is in this encoding, as pg_dump writes it.</summary>
    public required string Encoding { get; init; }

    /// <summary>The database's collation and ctype, for creating the restore target like the source.</summary>
    public required string Collate { get; init; }

    public required string Ctype { get; init; }

    /// <summary>The exported snapshot every part of the dump was read in.</summary>
    public required string SnapshotId { get; init; }

    /// <summary><c>pg_current_wal_lsn()</c> when the snapshot was taken (null on a standby).</summary>
    public string? WalLsn { get; init; }

    /// <summary>The server's timeline (from pg_control_checkpoint), when readable.</summary>
    public int? Timeline { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }

    /// <summary>The zstd level the data was compressed with.</summary>
    public required int CompressionLevel { get; init; }

    /// <summary>Bytes of SQL before compression.</summary>
    public required long RawLength { get; init; }

    /// <summary>Bytes of the stored object.</summary>
    public required long StoredLength { get; init; }

    /// <summary>Lower-case hex SHA-256 of the whole stored object.</summary>
    public required string StoredSha256 { get; init; }

    /// <summary>Every segment in object order: pre-data first, then table data, then sequences and large objects, then post-data.</summary>
    public required IReadOnlyList<DumpSegment> Segments { get; init; }

    /// <summary>Every table whose rows are in the dump, biggest first.</summary>
    public required IReadOnlyList<DumpedTable> Tables { get; init; }

    /// <summary>
    /// The roles the database's objects name (owners, grantees), created where missing before a restore; null in an index
    /// written before roles were recorded (a restore then needs them to exist).
    /// </summary>
    public IReadOnlyList<DumpedRole>? Roles { get; init; }

    /// <summary>The JSON of this index (camelCase, indented).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, PostgresJsonContext.Default.PostgresDumpIndex);

    /// <summary>Reads an index; <see cref="ManifestSchemaException"/> when it is not one this code can read.</summary>
    public static PostgresDumpIndex Parse(ReadOnlySpan<byte> json, string where)
    {
        PostgresDumpIndex? index;
        try
        {
            index = JsonSerializer.Deserialize(json, PostgresJsonContext.Default.PostgresDumpIndex);
        }
        catch (JsonException e)
        {
            throw new ManifestSchemaException($"{where} is not a PostgreSQL dump index: {e.Message}", e);
        }

        if (index is null)
        {
            throw new ManifestSchemaException($"{where} is JSON null, not a PostgreSQL dump index");
        }

        if (index.FormatVersion != CurrentFormatVersion)
        {
            throw new ManifestSchemaException($"{where} has formatVersion {index.FormatVersion}; this code reads only {CurrentFormatVersion}");
        }

        long expected = 0;
        foreach (var segment in index.Segments)
        {
            if (segment.Offset != expected || segment.StoredLength <= 0)
            {
                throw new ManifestSchemaException($"{where}: segment {segment.Describe()} starts at {segment.Offset}, expected {expected}; segments must " +
                    $"tile the object");
            }

            expected += segment.StoredLength;
        }

        if (expected != index.StoredLength)
        {
            throw new ManifestSchemaException($"{where}: segments cover {expected} bytes, the object has {index.StoredLength}");
        }

        return index;
    }
}

/// <summary>What a segment holds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DumpSegmentKind>))]
public enum DumpSegmentKind
{
    /// <summary>pg_dump --section=pre-data: types, tables, functions, views, ...</summary>
    [JsonStringEnumMemberName("pre-data")]
    PreData,

    /// <summary>A run of one table's rows as <c>COPY ... FROM stdin;</c> ... <c>\.</c>.</summary>
    [JsonStringEnumMemberName("table-data")]
    TableData,

    /// <summary>pg_dump --section=data without table data: sequence values (setval) and large objects.</summary>
    [JsonStringEnumMemberName("sequence-data")]
    SequenceData,

    /// <summary>pg_dump --section=post-data: indexes, constraints, triggers, policies, matview refreshes, ...</summary>
    [JsonStringEnumMemberName("post-data")]
    PostData,
}

/// <summary>
/// One run of whole zstd frames in the object. Any segment decompresses on its own, so a restore may
/// fetch segments by byte range in parallel.
/// </summary>
public sealed record DumpSegment
{
    public required DumpSegmentKind Kind { get; init; }

    /// <summary>For table data: the table's qualified name as pg_dump quotes it (e.g. <c>public."Order Items"</c>).</summary>
    public string? Table { get; init; }

    /// <summary>Where the segment starts in the stored object.</summary>
    public required long Offset { get; init; }

    public required long StoredLength { get; init; }

    /// <summary>Bytes of SQL it decompresses to.</summary>
    public required long RawLength { get; init; }

    /// <summary>Lower-case hex SHA-256 of the stored bytes.</summary>
    public required string Sha256 { get; init; }

    /// <summary>For table data: rows in this segment.</summary>
    public long? Rows { get; init; }

    /// <summary>A readable name for messages.</summary>
    public string Describe() => Kind == DumpSegmentKind.TableData ? $"table data of {Table}" : Kind switch
    {
        DumpSegmentKind.PreData => "pre-data",
        DumpSegmentKind.SequenceData => "sequence data",
        _ => "post-data",
    };
}

/// <summary>A table whose rows are in the dump.</summary>
public sealed record DumpedTable
{
    /// <summary>Qualified, quoted as pg_dump writes it: <c>public.users</c>, <c>"Sales"."Order Items"</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The columns copied (generated and dropped columns are not), quoted, in COPY order.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    public required long Rows { get; init; }

    /// <summary>
    /// Order-independent hash of the rows as COPY text: <c>xxh3-sum:</c> then 16 hex digits, the sum mod 2^64
    /// of XXH3-64 of each row line. Equal tables give equal hashes whatever the row order. Null when the
    /// table was larger than the dump's <see cref="PostgresDumpOptions.ContentHashMaxTableBytes"/>: then only
    /// its row count is checked.
    /// </summary>
    public string? ContentHash { get; init; }

    /// <summary>Bytes of COPY text.</summary>
    public required long RawLength { get; init; }

    /// <summary>The table's on-disk size when the dump started (what "biggest first" ordered by).</summary>
    public required long RelationSize { get; init; }
}

/// <summary>Source-generated JSON for the engine's records: camelCase, indented, nulls left out, unknown fields refused.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(PostgresDumpIndex))]
public sealed partial class PostgresJsonContext : JsonSerializerContext;
