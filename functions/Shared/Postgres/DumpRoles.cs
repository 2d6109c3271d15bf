using DisasterRecovery.Core.Logging;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// A role the dumped database's objects name (an owner, a grantee, a policy's role or the database's owner): pg_dump's DDL
/// says <c>ALTER … OWNER TO</c> and <c>GRANT … TO</c> it, so a server without it cannot take the restore.
/// </summary>
/// <param name="Name">The role's name.</param>
/// <param name="Inherit">Whether it inherits the privileges of roles it is a member of.</param>
/// <param name="MemberOf">The other dumped roles it is a member of.</param>
public sealed record DumpedRole(string Name, bool Inherit, IReadOnlyList<string> MemberOf);

/// <summary>
/// The roles a dump needs, read at backup time and created where missing before a restore: a new instance (the scratch
/// server of a verification, a restore into a new RDS instance) has only its master user, and pg_dump's owners and grants
/// would stop the restore at the first <c>ALTER … OWNER TO</c>. A missing role is created <c>NOLOGIN</c> (passwords are
/// never in a backup: RDS does not let anyone read them); roles that exist are never changed.
/// </summary>
internal static class DumpRoles
{
    // pg_shdepend records every owner, ACL and policy reference of this database's objects (and the database's own);
    // objects of the bootstrap superuser are pinned, not recorded, so it is added (pg_dump names it as an owner too).
    // Predefined roles (pg_*) exist on every server.
    private const string ListSql = """
        WITH this AS (SELECT oid, datdba FROM pg_database WHERE datname = current_database()),
        referenced AS (
            SELECT d.refobjid AS role FROM pg_shdepend d, this
             WHERE d.refclassid = 'pg_authid'::regclass
               AND (d.dbid = this.oid OR (d.dbid = 0 AND d.classid = 'pg_database'::regclass AND d.objid = this.oid))
            UNION SELECT datdba FROM this
            UNION SELECT 10::oid)
        SELECT r.rolname, r.rolinherit,
               ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                      WHERE m.member = r.oid AND g.oid IN (SELECT role FROM referenced) AND g.rolname !~ '^pg_' ORDER BY 1)
          FROM pg_roles r
         WHERE r.oid IN (SELECT role FROM referenced) AND r.rolname !~ '^pg_'
         ORDER BY 1
        """;

    /// <summary>The roles the connected database's objects name, read on the dump's coordinator session.</summary>
    public static async Task<IReadOnlyList<DumpedRole>> ListAsync(NpgsqlConnection database, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(ListSql, database);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var roles = new List<DumpedRole>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            roles.Add(new DumpedRole(reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<string[]>(2)));
        }

        return roles;
    }

    /// <summary>
    /// Creates on <paramref name="maintenance"/>'s server each of <paramref name="roles"/> it lacks (<c>NOLOGIN</c>, with its
    /// memberships among the dumped roles) and, when the connected user is not a superuser (RDS' master user), makes it a
    /// member of each created role, which PostgreSQL 15 requires to give that role an object. Returns the created names.
    /// </summary>
    public static async Task<IReadOnlyList<string>> EnsureAsync(
        NpgsqlConnection maintenance, IReadOnlyList<DumpedRole>? roles, JsonLogger? logger, CancellationToken cancellationToken)
    {
        if (roles is not { Count: > 0 })
        {
            return [];
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        var superuser = false;
        await using (var command = new NpgsqlCommand(
            "SELECT rolname::text FROM pg_roles WHERE rolname = ANY(@names) " +
            "UNION ALL SELECT NULL WHERE (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)", maintenance))
        {
            command.Parameters.AddWithValue("names", roles.Select(r => r.Name).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.IsDBNull(0))
                {
                    superuser = true;
                }
                else
                {
                    existing.Add(reader.GetString(0));
                }
            }
        }

        var missing = roles.Where(r => !existing.Contains(r.Name)).ToList();
        if (missing.Count == 0)
        {
            return [];
        }

        var statements = new List<string>();
        foreach (var role in missing)
        {
            statements.Add($"CREATE ROLE {PostgresRestorer.Ident(role.Name)} NOLOGIN {(role.Inherit ? "INHERIT" : "NOINHERIT")}");
            if (!superuser)
            {
                statements.Add($"GRANT {PostgresRestorer.Ident(role.Name)} TO CURRENT_USER");
            }
        }

        statements.AddRange(missing.SelectMany(role => role.MemberOf.Select(group =>
            $"GRANT {PostgresRestorer.Ident(group)} TO {PostgresRestorer.Ident(role.Name)}")));
        await using (var transaction = await maintenance.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var statement in statements)
            {
                await using var create = new NpgsqlCommand(statement, maintenance, transaction);
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        var created = missing.Select(r => r.Name).ToList();
        logger?.Info("created the roles the dump names that this server lacked (NOLOGIN: a backup holds no passwords)", ("roles", created));
        return created;
    }
}
