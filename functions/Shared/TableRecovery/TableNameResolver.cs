using DisasterRecovery.Core;
using Npgsql;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// The connecting role's search_path on production, read before the session empties it: the setting as written
/// (<c>"$user", shop, public</c>) and the schemas PostgreSQL looks in, in order (<c>current_schemas(true)</c>: pg_catalog first
/// unless placed elsewhere, <c>$user</c> expanded, schemas that do not exist left out).
/// </summary>
internal sealed record SearchPath(string Setting, string Role, IReadOnlyList<string> Schemas, string? CreationSchema)
{
    /// <summary>Reads it on a session whose search_path is still the role's and database's own (before <see cref="SystemCatalog.SessionSetup"/>).</summary>
    public static async Task<SearchPath> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT pg_catalog.current_setting('search_path'), current_user::text,
                   pg_catalog.current_schemas(true)::text[], (pg_catalog.current_schemas(false))[1]::text
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new SearchPath(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>For results: <c>search_path "$user", shop, public (role app): shop</c>.</summary>
    public string Describe(string chosen, string how) => $"search_path {Setting} (role {Role}): {chosen} ({how})";
}

/// <summary>
/// Gives each name written without a schema the schema PostgreSQL would: the first schema on production's search_path with a
/// relation of that name. A table production lacks (dropped since T) is looked for in the same order on the recovered instance
/// (or, for check, in the latest backup's list); a name found nowhere takes the schema CREATE TABLE would use, so the
/// usual "no table" error follows. Then no two names may be the same table.
/// </summary>
internal static class TableNameResolver
{
    private static readonly string[] SystemSchemas = ["pg_catalog", "information_schema"];

    /// <param name="target">Production, after <see cref="SystemCatalog.SessionSetup"/>.</param>
    /// <param name="path">Production's search_path for the connecting role.</param>
    /// <param name="plans">The request's tables; those without a schema get <see cref="TablePlan.Name"/> and <see cref="TablePlan.ResolvedBy"/>.</param>
    /// <param name="lookElsewhere">Where to look for a table production lacks, schema by schema (the recovered instance, or the backup's list); null
    /// when there is nowhere else.</param>
    /// <param name="cancellationToken">The invocation's deadline.</param>
    public static async Task ResolveAsync(NpgsqlConnection target, SearchPath path, IReadOnlyList<TablePlan> plans,
        Func<TableName, CancellationToken, Task<bool>>? lookElsewhere, CancellationToken cancellationToken)
    {
        foreach (var plan in plans.Where(p => p.Requested.Schema is null))
        {
            plan.Name = await ResolveOneAsync(target, path, plan, lookElsewhere, cancellationToken).ConfigureAwait(false);
            if (SystemSchemas.Contains(plan.Name.Schema, StringComparer.Ordinal))
            {
                throw new InvalidInputException(plan.Field,
                    $"'{plan.Requested.Text}' resolves to the system catalog's {plan.Name} through {path.Setting}; name the schema of the table meant");
            }
        }

        var seen = new Dictionary<TableName, TablePlan>();
        foreach (var plan in plans)
        {
            if (!seen.TryAdd(plan.Name, plan))
            {
                var first = seen[plan.Name];
                var how = plan.ResolvedBy ?? first.ResolvedBy;
                throw new InvalidInputException(plan.Field,
                    $"'{plan.Requested.Text}' is {plan.Name}, already named by {first.Field} ('{first.Requested.Text}')" +
                        (how is null ? string.Empty : $"; {how}"));
            }
        }
    }

    private static async Task<TableName> ResolveOneAsync(NpgsqlConnection target, SearchPath path, TablePlan plan,
        Func<TableName, CancellationToken, Task<bool>>? lookElsewhere, CancellationToken cancellationToken)
    {
        foreach (var schema in path.Schemas)
        {
            var candidate = new TableName(schema, plan.Requested.Name);
            if (await SystemCatalog.FindRelationAsync(target, candidate, cancellationToken).ConfigureAwait(false) is not null)
            {
                plan.ResolvedBy = path.Describe(candidate.ToString(), "the first match in production");
                return candidate;
            }
        }

        if (lookElsewhere is not null)
        {
            foreach (var schema in path.Schemas)
            {
                var candidate = new TableName(schema, plan.Requested.Name);
                if (await lookElsewhere(candidate, cancellationToken).ConfigureAwait(false))
                {
                    plan.ResolvedBy = path.Describe(candidate.ToString(), "not in production; the first match in the recovered tables");
                    return candidate;
                }
            }
        }

        var fallback = new TableName(path.CreationSchema ?? TableName.DefaultSchema, plan.Requested.Name);
        plan.ResolvedBy = path.Describe(fallback.ToString(), "found nowhere; the schema CREATE TABLE would use");
        return fallback;
    }
}
