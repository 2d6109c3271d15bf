using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>
/// What a database holds, comparable across databases: every user table's row count and an order-independent hash of
/// its rows. Two databases with equal fingerprints hold the same rows in the same tables.
/// </summary>
public sealed record DatabaseFingerprint(IReadOnlyDictionary<string, string> Tables)
{
    /// <summary>The fingerprint of <paramref name="database"/>, or null when it does not exist.</summary>
    public static async Task<DatabaseFingerprint?> TryReadAsync(string database) =>
        await PostgresTestServer.DatabaseExistsAsync(database) ? await ReadAsync(database) : null;

    public static async Task<DatabaseFingerprint> ReadAsync(string database)
    {
        await using var connection = new NpgsqlConnection(PostgresTestServer.Server.ConnectionString(database));
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_' ORDER BY 1
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            // Sum of per-row hashes: independent of physical order, and cheap enough for a few hundred thousand rows.
            await using var hash = new NpgsqlCommand(
                $"SELECT count(*)::text || ':' || coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0)::text FROM {name} t", connection);
            tables[name] = (string)(await hash.ExecuteScalarAsync())!;
        }

        return new DatabaseFingerprint(tables);
    }

    public bool SameAs(DatabaseFingerprint? other) =>
        other is not null && other.Tables.Count == Tables.Count && Tables.All(t => other.Tables.TryGetValue(t.Key, out var v) && v == t.Value);

    public override string ToString() => string.Join(", ", Tables.Select(t => $"{t.Key} {t.Value}"));
}
