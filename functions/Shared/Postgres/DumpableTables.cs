using System.Text;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>A table whose rows the dump copies, with names quoted as pg_dump quotes them.</summary>
internal sealed record DumpableTable(
    uint Oid,
    string Schema,
    string Name,
    string Owner,
    string Qualified,
    IReadOnlyList<string> Columns,
    long RelationSize,
    long Pages)
{
    /// <summary><c>(a, "B c")</c>, or empty for a table without columns, as pg_dump writes it.</summary>
    public string ColumnList => Columns.Count == 0 ? string.Empty : "(" + string.Join(", ", Columns) + ")";

    /// <summary>A pg_dump pattern that matches exactly this table (quoted, so no character is special).</summary>
    public string ExactPattern => Quote(Schema) + "." + Quote(Name);

    /// <summary>The statement that starts this table's data in the script, as pg_dump writes it.</summary>
    public string CopyFromStdin => $"COPY {Qualified} {ColumnList} FROM stdin;\n";

    /// <summary>The comment pg_dump puts before a table's data.</summary>
    public string DataHeader =>
        $"\n--\n-- Data for Name: {Flatten(Name)}; Type: TABLE DATA; Schema: {Flatten(Schema)}; Owner: {Flatten(Owner)}\n--\n\n";

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // pg_dump replaces newlines in names with spaces in its comments; so do we.
    private static string Flatten(string name) => name.Replace('\n', ' ').Replace('\r', ' ');
}

/// <summary>Lists the tables whose data pg_dump would dump, following its rules.</summary>
internal static class DumpableTables
{
    // Ordinary tables and leaf partitions (relkind r) — not partitioned parents (p, no storage), views,
    // matviews (their data is a REFRESH in post-data), foreign tables or sequences. Unlogged tables are
    // included, temporary ones not. System schemas, extension-owned schemas and extension member tables
    // are skipped as pg_dump skips them; extension configuration tables are left to pg_dump's own data
    // section (they are not excluded from it), so their data is dumped exactly as pg_dump does.
    // Generated and dropped columns are not copied. quote_ident applies pg_dump's quoting rule.
    private const string Query = """
        SELECT c.oid, n.nspname, c.relname, pg_catalog.pg_get_userbyid(c.relowner),
               pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname),
               ARRAY(SELECT pg_catalog.quote_ident(a.attname) FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                     ORDER BY a.attnum),
               pg_catalog.pg_relation_size(c.oid)
                 + COALESCE(pg_catalog.pg_total_relation_size(NULLIF(c.reltoastrelid, 0)), 0),
               pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r'
          AND c.relpersistence IN ('p', 'u')
          AND n.nspname <> 'information_schema'
          AND n.nspname !~ '^pg_'
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e')
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.objid = n.oid AND d.deptype = 'e')
        ORDER BY 7 DESC, 5
        """;

    public static async Task<IReadOnlyList<DumpableTable>> ListAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = new List<DumpableTable>();
        await using var command = new NpgsqlCommand(Query, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            tables.Add(new DumpableTable(
                reader.GetFieldValue<uint>(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetFieldValue<string[]>(5),
                reader.GetInt64(6),
                reader.GetInt64(7)));
        }

        return tables;
    }

    /// <summary>One statement taking ACCESS SHARE on every table, as pg_dump does, so none is dropped or altered mid-dump.</summary>
    public static string LockStatement(IReadOnlyList<DumpableTable> tables)
    {
        var sql = new StringBuilder("LOCK TABLE ");
        for (var i = 0; i < tables.Count; i++)
        {
            sql.Append(i == 0 ? string.Empty : ", ").Append("ONLY ").Append(tables[i].Qualified);
        }

        return sql.Append(" IN ACCESS SHARE MODE").ToString();
    }
}
