using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace DisasterRecovery.TableRecovery;

/// <summary>A view or materialized view of the recovered instance that uses a table production lost, directly or through other views.</summary>
/// <param name="Oid">Its OID on the recovered instance.</param>
/// <param name="Kind"><c>v</c> or <c>m</c>.</param>
/// <param name="Name">Its name.</param>
/// <param name="Depth">How many views lie between it and the table, plus one: views are created in this order.</param>
/// <param name="Table">The recovered table it depends on.</param>
internal sealed record DependentView(uint Oid, char Kind, TableName Name, int Depth, TablePlan Table)
{
    public string KindName => Kind == 'm' ? "materialized view" : "view";

    /// <summary>The keyword for ALTER and COMMENT: <c>VIEW</c> or <c>MATERIALIZED VIEW</c>.</summary>
    public string Keyword => Kind == 'm' ? "MATERIALIZED VIEW" : "VIEW";
}

/// <summary>
/// Views lost with a dropped table. <c>DROP TABLE … CASCADE</c> drops the views that use the table, and views over those; recreating
/// the table does not bring them back. They are found on the recovered instance through pg_depend/pg_rewrite (recursively), and
/// each one production lacks is recreated in production's transaction from the recovered definition (<c>pg_get_viewdef</c>, written
/// with an empty search_path so every name is schema-qualified), with its options, owner, comments and grants, a materialized
/// view's indexes too, then the materialized view refreshed. Each view runs under its own savepoint: one that cannot be
/// recreated (it also used something production no longer has) is rolled back alone and reported with the reason. Views
/// production has are left alone.
/// </summary>
internal static class DependentViews
{
    private const int MaxDepth = 32;

    /// <summary>The views on <paramref name="source"/> that depend on <paramref name="tables"/>' recovered relations, in creation order.</summary>
    public static async Task<IReadOnlyList<DependentView>> FindAsync(NpgsqlConnection source, IReadOnlyList<TablePlan> tables,
        CancellationToken cancellationToken)
    {
        if (tables.Count == 0)
        {
            return [];
        }

        var byOid = tables.ToDictionary(t => t.Source!.Oid);
        var sql = $"""
            WITH RECURSIVE dep(oid, root, depth) AS (
                SELECT r.ev_class, t.root, 1
                FROM pg_catalog.unnest($1::pg_catalog.oid[]) AS t(root)
                JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = t.root
                  AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
                WHERE r.ev_class <> t.root
              UNION
                SELECT r.ev_class, dep.root, dep.depth + 1
                FROM dep
                JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refobjid = dep.oid
                  AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
                JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
                WHERE r.ev_class <> dep.oid AND dep.depth < {MaxDepth}
            )
            SELECT dep.oid, c.relkind::text, n.nspname, c.relname, max(dep.depth), min(dep.root)
            FROM dep
            JOIN pg_catalog.pg_class c ON c.oid = dep.oid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm')
            GROUP BY dep.oid, c.relkind, n.nspname, c.relname
            ORDER BY 5, 3, 4
            """;
        var views = new List<DependentView>();
        await using var command = new NpgsqlCommand(sql, source);
        command.Parameters.Add(new NpgsqlParameter { Value = byOid.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            views.Add(new DependentView(reader.GetFieldValue<uint>(0), reader.GetString(1)[0], new TableName(reader.GetString(2), reader.GetString(3)),
                reader.GetInt32(4), byOid[reader.GetFieldValue<uint>(5)]));
        }

        return views;
    }

    /// <summary>What preview reports: each view, and whether production has one of that name already.</summary>
    public static async Task<IReadOnlyList<TableRecoveryViewResult>> DescribeAsync(NpgsqlConnection target, IReadOnlyList<DependentView> views,
        CancellationToken cancellationToken)
    {
        var results = new List<TableRecoveryViewResult>();
        foreach (var view in views)
        {
            var existing = await SystemCatalog.FindRelationAsync(target, view.Name, cancellationToken).ConfigureAwait(false);
            results.Add(Result(view, false, existing is not null
                ? Exists(existing)
                : "preview: insert-missing or replace would recreate it from the recovered instance's definition"));
        }

        return results;
    }

    /// <summary>Recreates each view production lacks, in order, inside <paramref name="transaction"/>; a failure is rolled back to the view's savepoint,
    /// reported in the result and as a warning of its table.</summary>
    public static async Task<IReadOnlyList<TableRecoveryViewResult>> RecreateAsync(NpgsqlConnection source, NpgsqlConnection target,
        NpgsqlTransaction transaction, IReadOnlyList<DependentView> views, CancellationToken cancellationToken)
    {
        var results = new List<TableRecoveryViewResult>();
        foreach (var view in views)
        {
            if (await SystemCatalog.FindRelationAsync(target, view.Name, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                results.Add(Result(view, false, Exists(existing)));
                continue;
            }

            var script = await DefinitionAsync(source, view, cancellationToken).ConfigureAwait(false);
            await transaction.SaveAsync("dr_view", cancellationToken).ConfigureAwait(false);
            try
            {
                await SystemCatalog.ExecuteAsync(target, script, cancellationToken).ConfigureAwait(false);
                await transaction.ReleaseAsync("dr_view", cancellationToken).ConfigureAwait(false);
                results.Add(Result(view, true, null));
            }
            catch (PostgresException e)
            {
                // The server's DETAIL is left out: it can quote row contents.
                await transaction.RollbackAsync("dr_view", cancellationToken).ConfigureAwait(false);
                var reason = $"the recovered definition failed in production: {e.MessageText} ({e.SqlState})";
                results.Add(Result(view, false, reason));
                view.Table.Warnings.Add($"{view.KindName} {view.Name} was lost with this table and could not be recreated: {reason}");
            }
        }

        return results;
    }

    private static TableRecoveryViewResult Result(DependentView view, bool recreated, string? reason) =>
        new(view.Name.ToString(), view.KindName, view.Table.Display, recreated, reason);

    private static string Exists(RelationInfo existing) => $"production has a {existing.KindName} named {existing.QuotedName}; left alone";

    /// <summary>The statements that recreate one view as the recovered instance has it.</summary>
    private static async Task<string> DefinitionAsync(NpgsqlConnection source, DependentView view, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT pg_catalog.pg_get_viewdef(c.oid), pg_catalog.array_to_string(c.reloptions, ', '), pg_catalog.pg_get_userbyid(c.relowner),
                   pg_catalog.obj_description(c.oid, 'pg_class'),
                   (SELECT pg_catalog.array_agg(pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', c.oid::pg_catalog.regclass, a.attname,
                                                                  pg_catalog.col_description(c.oid, a.attnum)) ORDER BY a.attnum)
                    FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND pg_catalog.col_description(c.oid, a.attnum) IS NOT NULL),
                   (SELECT pg_catalog.array_agg(pg_catalog.format('GRANT %s ON %s TO %s%s', g.privilege_type, c.oid::pg_catalog.regclass,
                                                                  CASE WHEN g.grantee = 0 THEN 'PUBLIC'
                                                                       ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END,
                                                                  CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
                                           ORDER BY g.grantee, g.privilege_type)
                    FROM pg_catalog.aclexplode(c.relacl) g WHERE g.grantee <> c.relowner),
                   (SELECT pg_catalog.array_agg(pg_catalog.pg_get_indexdef(i.indexrelid) ORDER BY i.indexrelid)
                    FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid)
            FROM pg_catalog.pg_class c WHERE c.oid = $1
            """;
        await using var command = new NpgsqlCommand(sql, source);
        command.Parameters.Add(new NpgsqlParameter { Value = view.Oid, NpgsqlDbType = NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var definition = reader.GetString(0).TrimEnd().TrimEnd(';');
        var options = reader.IsDBNull(1) || reader.GetString(1).Length == 0 ? string.Empty : $" WITH ({reader.GetString(1)})";
        var name = view.Name.Sql;
        var script = new StringBuilder();
        script.Append(view.Kind == 'm'
            ? $"CREATE MATERIALIZED VIEW {name}{options} AS {definition} WITH NO DATA;\n"
            : $"CREATE VIEW {name}{options} AS {definition};\n");
        script.Append($"ALTER {view.Keyword} {name} OWNER TO {SqlText.Ident(reader.GetString(2))};\n");
        if (!reader.IsDBNull(3))
        {
            script.Append($"COMMENT ON {view.Keyword} {name} IS {SqlText.Literal(reader.GetString(3))};\n");
        }

        for (var column = 4; column <= 6; column++)
        {
            // Column comments, grants, then (materialized views) indexes.
            if (!reader.IsDBNull(column))
            {
                foreach (var statement in reader.GetFieldValue<string[]>(column))
                {
                    script.Append(statement).Append(";\n");
                }
            }
        }

        if (view.Kind == 'm')
        {
            script.Append($"REFRESH MATERIALIZED VIEW {name};\n");
        }

        return script.ToString();
    }
}
