using Npgsql;
using NpgsqlTypes;

namespace DisasterRecovery.TableRecovery;

/// <summary>A relation found by schema and name: its OID, kind (r table, p partitioned table, v view, …) and name as pg_dump quotes it.</summary>
internal sealed record RelationInfo(uint Oid, char Kind, string QuotedName)
{
    /// <summary>An ordinary or partitioned table: the kinds rows can be copied into and out of.</summary>
    public bool IsTable => Kind is 'r' or 'p';

    /// <summary>What it is, for messages.</summary>
    public string KindName => Kind switch
    {
        'r' => "table",
        'p' => "partitioned table",
        'v' => "view",
        'm' => "materialized view",
        'f' => "foreign table",
        'S' => "sequence",
        'i' or 'I' => "index",
        'c' => "composite type",
        _ => $"relation of kind '{Kind}'",
    };
}

/// <summary>A column: name, type as <c>format_type</c> writes it with an empty search_path (so every non-built-in type is schema-qualified).</summary>
internal sealed record ColumnInfo(string Name, string Type, bool Generated, char Identity, bool NotNull, string? Collation);

/// <summary>A sequence a column draws from (serial or identity), quoted for SQL, with its increment.</summary>
internal sealed record ColumnSequence(string Column, string SequenceSql, string SequenceName, long Increment);

/// <summary>A foreign key of another table that references one of the request's tables.</summary>
internal sealed record ReferencingKey(string Constraint, string ReferencingTable, uint ReferencedOid);

/// <summary>
/// Read-only queries on pg_catalog. Every name is passed as a parameter, never spliced into SQL; sessions run with an
/// empty search_path (as pg_dump does), so types and names come back schema-qualified.
/// </summary>
internal static class SystemCatalog
{
    /// <summary>The session settings both sides use: empty search_path, no row security (an RLS policy must fail the copy, not shorten it), UTC.</summary>
    public const string SessionSetup =
        "SELECT pg_catalog.set_config('search_path', '', false); SET row_security = off; SET TimeZone = 'UTC'; SET statement_timeout = 0;";

    public static async Task<RelationInfo?> FindRelationAsync(NpgsqlConnection connection, TableName table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.oid, c.relkind::text, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
            FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2
            """;
        await using var command = Command(connection, sql, table.Schema, table.Name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new RelationInfo(reader.GetFieldValue<uint>(0), reader.GetString(1)[0], reader.GetString(2))
            : null;
    }

    public static async Task<bool> SchemaExistsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)", schema);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task<IReadOnlyList<ColumnInfo>> ColumnsAsync(NpgsqlConnection connection, uint table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attgenerated <> '', a.attidentity::text, a.attnotnull,
                   CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                        THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
            WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """;
        var columns = new List<ColumnInfo>();
        await using var command = Command(connection, sql, table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var identity = reader.GetString(3);
            columns.Add(new ColumnInfo(
                reader.GetString(0), reader.GetString(1), reader.GetBoolean(2), identity.Length == 0 ? ' ' : identity[0], reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return columns;
    }

    /// <summary>The primary key's columns in key order, or null when the table has none.</summary>
    public static async Task<IReadOnlyList<string>?> PrimaryKeyAsync(NpgsqlConnection connection, uint table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.attname
            FROM pg_catalog.pg_constraint k
            CROSS JOIN LATERAL pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
            WHERE k.conrelid = $1 AND k.contype = 'p'
            ORDER BY u.ord
            """;
        var columns = new List<string>();
        await using var command = Command(connection, sql, table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            columns.Add(reader.GetString(0));
        }

        return columns.Count == 0 ? null : columns;
    }

    /// <summary>
    /// Whether binary COPY between two databases is faithful for every column. It is not when a value's binary form embeds
    /// a type OID that differs between databases: arrays of non-built-in element types (enum[], domain[]) and composite
    /// types (record_send writes each field's type OID); nor for a type without binary send/receive functions.
    /// </summary>
    public static async Task<bool> BinaryPortableAsync(NpgsqlConnection connection, uint table, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH RECURSIVE walk(typ, depth) AS (
                SELECT a.atttypid, 0 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
              UNION ALL
                SELECT CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END, w.depth + 1
                FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typ
                WHERE (t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0)) AND w.depth < 16
            )
            SELECT NOT EXISTS (
                SELECT 1 FROM walk w JOIN pg_catalog.pg_type t ON t.oid = w.typ
                WHERE t.typsend::oid = 0 OR t.typreceive::oid = 0 OR t.typtype IN ('c', 'p')
                   OR (t.typcategory = 'A' AND t.typelem >= 16384))
            """;
        await using var command = Command(connection, sql, table);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Foreign keys of tables outside <paramref name="tables"/> that reference a table in it (or one of its partitions).</summary>
    public static async Task<IReadOnlyList<ReferencingKey>> ReferencingKeysFromOutsideAsync(NpgsqlConnection connection, uint[] tables,
        CancellationToken cancellationToken)
    {
        const string sql = """
            WITH roots AS (SELECT root FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS t(root)),
            chosen AS (
                -- pg_partition_tree has no rows for a table that is not partitioned: add each table itself.
                SELECT root, root AS relid FROM roots
                UNION
                SELECT r.root, p.relid FROM roots r CROSS JOIN LATERAL pg_catalog.pg_partition_tree(r.root) p
            )
            SELECT k.conname, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), ch.root
            FROM pg_catalog.pg_constraint k
            JOIN chosen ch ON ch.relid = k.confrelid
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype = 'f' AND k.conparentid = 0
              AND k.conrelid NOT IN (SELECT relid FROM chosen)
            ORDER BY 2, 1
            """;
        var keys = new List<ReferencingKey>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tables, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new ReferencingKey(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<uint>(2)));
        }

        return keys;
    }

    /// <summary>
    /// Foreign keys between two of <paramref name="tables"/> (referencing → referenced), self-references left out. A key counts for a
    /// table when it is declared on the table, on one of its partitions (Pagila declares payment's keys on each partition) or on a
    /// partitioned table above it, on either end; each is named once (as declared, not its per-partition clones).
    /// </summary>
    public static async Task<IReadOnlyList<(uint Referencing, uint Referenced, string Constraint, bool Deferrable)>> ForeignKeyEdgesAsync(
        NpgsqlConnection connection, uint[] tables, CancellationToken cancellationToken)
    {
        const string sql = """
            WITH chosen AS (SELECT root FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS t(root)),
            family AS (
                SELECT root, root AS relid FROM chosen
                UNION
                SELECT c.root, p.relid FROM chosen c CROSS JOIN LATERAL pg_catalog.pg_partition_tree(c.root) p
                UNION
                SELECT c.root, a.relid FROM chosen c CROSS JOIN LATERAL pg_catalog.pg_partition_ancestors(c.root) a
            )
            SELECT DISTINCT fr.root, ft.root, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(k.conname), k.condeferrable
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
            JOIN family fr ON fr.relid = k.conrelid
            JOIN family ft ON ft.relid = k.confrelid
            WHERE k.contype = 'f' AND k.conparentid = 0 AND fr.root <> ft.root
            ORDER BY 3
            """;
        var edges = new List<(uint, uint, string, bool)>();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tables, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            edges.Add((reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1), reader.GetString(2), reader.GetBoolean(3)));
        }

        return edges;
    }

    /// <summary>Foreign keys of other tables that reference <paramref name="table"/> (for a dropped table: these are not recreated).</summary>
    public static async Task<IReadOnlyList<string>> ForeignKeysReferencingAsync(NpgsqlConnection connection, uint table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT pg_catalog.quote_ident(k.conname) || ' on ' || pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE k.contype = 'f' AND k.confrelid = $1 AND k.conrelid <> $1 AND k.conparentid = 0
            ORDER BY 1
            """;
        var keys = new List<string>();
        await using var command = Command(connection, sql, table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>The sequences the table's columns own (serial) or use as identity.</summary>
    public static async Task<IReadOnlyList<ColumnSequence>> SequencesAsync(NpgsqlConnection connection, uint table, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.attname, pg_catalog.quote_ident(sn.nspname) || '.' || pg_catalog.quote_ident(sc.relname), sq.seqincrement, sn.nspname, sc.relname
            FROM pg_catalog.pg_depend d
            JOIN pg_catalog.pg_class sc ON sc.oid = d.objid AND sc.relkind = 'S'
            JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
            JOIN pg_catalog.pg_sequence sq ON sq.seqrelid = sc.oid
            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
              AND d.refobjid = $1 AND d.deptype IN ('a', 'i')
            ORDER BY a.attnum
            """;
        var sequences = new List<ColumnSequence>();
        await using var command = Command(connection, sql, table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sequenceSql = SqlText.Ident(reader.GetString(3)) + "." + SqlText.Ident(reader.GetString(4));
            sequences.Add(new ColumnSequence(reader.GetString(0), sequenceSql, reader.GetString(1), reader.GetInt64(2)));
        }

        return sequences;
    }

    /// <summary>A sequence's position: the last value and whether it was handed out.</summary>
    public static async Task<(long LastValue, bool IsCalled)> SequenceStateAsync(NpgsqlConnection connection, string sequenceSql,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT last_value, is_called FROM {sequenceSql}", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.GetBoolean(1));
    }

    /// <summary>What tells two databases apart even when one was restored from the other: server start time and the database's OID and name.</summary>
    public static async Task<string> DatabaseIdentityAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT pg_catalog.pg_postmaster_start_time()::text || '/' || d.oid::text || '/' || d.datname
            FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<long> CountAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(value is uint oid
                ? new NpgsqlParameter { Value = oid, NpgsqlDbType = NpgsqlDbType.Oid }
                : new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
