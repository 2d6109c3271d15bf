using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// The lease a temporary database carries, as JSON in its <c>COMMENT ON DATABASE</c>:
/// <c>{"dr":"temporary","kind":"restore","owner":"arn:…:execution:…","createdAt":"2026-12-07T15:00:00.000Z"}</c>, plus, for a
/// target a restore renamed away (<c>replaced</c>), the name it had (<c>replaces</c>) and its own comment (<c>originalComment</c>).
/// </summary>
/// <param name="Kind"><see cref="TemporaryDatabases.Restore"/>, <see cref="TemporaryDatabases.Verify"/> or <see cref="TemporaryDatabases.Replaced"/>.</param>
/// <param name="Owner">The execution ARN or <c>function#requestId</c> that created it.</param>
/// <param name="CreatedAt">When it was created (the creating job's clock).</param>
/// <param name="Replaces">For <c>replaced</c>: the target's name, to put it back under if the restore died before its swap finished.</param>
/// <param name="OriginalComment">For <c>replaced</c>: the target's own comment, put back with it.</param>
public sealed record TemporaryDatabaseLease(string Kind, string Owner, DateTimeOffset CreatedAt, string? Replaces = null, string? OriginalComment = null)
{
    private const string Marker = "temporary";

    /// <summary>The comment's JSON.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("dr", Marker);
            json.WriteString("kind", Kind);
            json.WriteString("owner", Owner);
            json.WriteString("createdAt", CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            if (Replaces is not null)
            {
                json.WriteString("replaces", Replaces);
            }

            if (OriginalComment is not null)
            {
                json.WriteString("originalComment", OriginalComment);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The lease in a database's comment; null when the comment is none, not JSON, or not a lease.</summary>
    public static TemporaryDatabaseLease? Parse(string? comment)
    {
        if (string.IsNullOrWhiteSpace(comment) || comment[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(comment);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("dr", out var marker) || marker.GetString() != Marker
                || !root.TryGetProperty("kind", out var kind) || !root.TryGetProperty("owner", out var owner)
                || !root.TryGetProperty("createdAt", out var createdAt) || !createdAt.TryGetDateTimeOffset(out var created))
            {
                return null;
            }

            return new TemporaryDatabaseLease(kind.GetString() ?? string.Empty, owner.GetString() ?? string.Empty, created,
                root.TryGetProperty("replaces", out var replaces) ? replaces.GetString() : null,
                root.TryGetProperty("originalComment", out var original) ? original.GetString() : null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>A temporary database as a sweep sees it.</summary>
/// <param name="Name">
/// Its name (<c>dr_restoring_…</c>, <c>dr_verify_…</c>, <c>dr_replaced_…</c>, or a restore target's own name while its swap is leased).
/// </param>
/// <param name="Kind">The kind its name's prefix says.</param>
/// <param name="Lease">Its lease; null when its comment holds none (created before leases, or its job died between CREATE and COMMENT).</param>
/// <param name="Held">True while a session holds its advisory lock: its job is alive.</param>
/// <param name="SizeBytes">Its size, when this user may connect to it.</param>
public sealed record TemporaryDatabase(string Name, string Kind, TemporaryDatabaseLease? Lease, bool Held, long? SizeBytes);

/// <summary>What a sweep of a server's temporary databases removes.</summary>
public sealed record TemporaryDatabaseSweepOptions
{
    /// <summary>The kinds to sweep (a job sweeps its own: restore sweeps <c>restore</c> and <c>replaced</c>); null for every kind.</summary>
    public IReadOnlyList<string>? Kinds { get; init; }

    /// <summary>A leased database younger than this is never removed, even unheld.</summary>
    public TimeSpan Grace { get; init; } = TemporaryDatabases.DefaultGrace;

    /// <summary>The sweep's clock, against the leases' <c>createdAt</c>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The database to connect to for DROP/ALTER DATABASE.</summary>
    public string MaintenanceDatabase { get; init; } = "postgres";
}

/// <summary>
/// Temporary databases that are always findable and owned. A job creates one as: a session-level advisory lock keyed by
/// the new name (<see cref="LockKey"/>) on its maintenance connection, then <c>CREATE DATABASE</c>, then the lease as the
/// database's comment (<see cref="TemporaryDatabaseLease"/>). The lock is the lease's renewal: it lives exactly as long as
/// the job's session, so a killed job (Lambda timeout, SIGKILL, lost network) releases it at once. A database is expired
/// iff no session holds its lock (<c>pg_locks</c>, every database) and its lease is older than the grace period (or it has
/// no lease); <see cref="SweepAsync"/> removes only expired ones, so two jobs on one server never remove each other's.
/// </summary>
public static class TemporaryDatabases
{
    /// <summary>A restore's temporary database (<c>dr_restoring_…</c>).</summary>
    public const string Restore = "restore";

    /// <summary>A verification's scratch database (<c>dr_verify_…</c>).</summary>
    public const string Verify = "verify";

    /// <summary>A restore's target renamed away while the restored database takes its name (<c>dr_replaced_…</c>).</summary>
    public const string Replaced = "replaced";

    /// <summary>The advisory lock's first key: "DRtp", the same for every temporary database.</summary>
    public const int LockClass = 0x44527470;

    /// <summary>How old an unheld leased database must be before a sweep removes it.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(10);

    private static readonly (string Kind, string Prefix)[] Prefixes = [(Restore, "dr_restoring_"), (Verify, "dr_verify_"), (Replaced, "dr_replaced_")];

    /// <summary>The name prefix of <paramref name="kind"/>.</summary>
    public static string PrefixOf(string kind) => Prefixes.FirstOrDefault(p => p.Kind == kind).Prefix
        ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a temporary database kind");

    /// <summary>A fresh name of <paramref name="kind"/>.</summary>
    public static string NewName(string kind) => PrefixOf(kind) + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>The advisory lock's second key for <paramref name="name"/>: 31 bits of its SHA-256.</summary>
    public static int LockKey(string name) => BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name))) & 0x7FFFFFFF;

    /// <summary>
    /// Creates a leased temporary database of <paramref name="kind"/>: locks its name on <paramref name="maintenance"/>, creates it
    /// (<paramref name="createOptions"/> follow <c>CREATE DATABASE name</c>), writes the lease. The lease lives while
    /// <paramref name="maintenance"/> stays open.
    /// </summary>
    public static async Task<string> CreateAsync(NpgsqlConnection maintenance, string kind, string owner, DateTimeOffset createdAt, string createOptions,
        CancellationToken cancellationToken)
    {
        var name = NewName(kind);
        await HoldAsync(maintenance, name, cancellationToken).ConfigureAwait(false);
        await PostgresDumper.ExecuteAsync(maintenance, $"CREATE DATABASE {PostgresRestorer.Ident(name)} {createOptions}", cancellationToken)
            .ConfigureAwait(false);
        await MarkAsync(maintenance, name, new TemporaryDatabaseLease(kind, owner, createdAt), cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>Takes <paramref name="name"/>'s advisory lock on <paramref name="connection"/>'s session (waits while another holds it).</summary>
    public static async Task HoldAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_advisory_lock($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey(name) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases <paramref name="name"/>'s advisory lock held by <paramref name="connection"/>'s session; never throws.</summary>
    public static async Task ReleaseAsync(NpgsqlConnection connection, string name)
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_advisory_unlock($1, $2)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
            command.Parameters.Add(new NpgsqlParameter { Value = LockKey(name) });
            await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // Closing the session releases it anyway.
        }
    }

    /// <summary>Writes <paramref name="lease"/> as <paramref name="name"/>'s comment.</summary>
    public static Task MarkAsync(NpgsqlConnection connection, string name, TemporaryDatabaseLease lease, CancellationToken cancellationToken) =>
        CommentAsync(connection, name, lease.ToJson(), cancellationToken);

    /// <summary>Sets (or, with null, clears) a database's comment.</summary>
    internal static Task CommentAsync(NpgsqlConnection connection, string name, string? comment, CancellationToken cancellationToken) =>
        PostgresDumper.ExecuteAsync(connection,
            $"COMMENT ON DATABASE {PostgresRestorer.Ident(name)} IS {(comment is null ? "NULL" : PostgresRestorer.Literal(comment))}", cancellationToken);

    /// <summary>A database's comment (null for none or no such database).</summary>
    internal static async Task<string?> CommentOfAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pg_catalog.shobj_description(oid, 'pg_database') FROM pg_catalog.pg_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>Every temporary database on <paramref name="maintenance"/>'s server, with its lease and whether a session holds it.</summary>
    public static async Task<IReadOnlyList<TemporaryDatabase>> ListAsync(NpgsqlConnection maintenance, CancellationToken cancellationToken)
    {
        var found = new List<TemporaryDatabase>();
        await using var command = new NpgsqlCommand("""
            SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database'),
                   CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT') THEN pg_catalog.pg_database_size(d.oid) END
            FROM pg_catalog.pg_database d
            WHERE d.datname LIKE 'dr\_restoring\_%' OR d.datname LIKE 'dr\_verify\_%' OR d.datname LIKE 'dr\_replaced\_%'
               OR pg_catalog.shobj_description(d.oid, 'pg_database') LIKE '{"dr":"temporary","kind":"replaced"%'
            ORDER BY d.datname
            """, maintenance);
        var rows = new List<(string Name, string? Comment, long? Size)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
            }
        }

        foreach (var (name, comment, size) in rows)
        {
            // A restore target under its own name with a replaced lease: its restore died before (or during) the swap.
            var kind = Prefixes.FirstOrDefault(p => name.StartsWith(p.Prefix, StringComparison.Ordinal)).Kind ?? Replaced;
            found.Add(new TemporaryDatabase(name, kind, TemporaryDatabaseLease.Parse(comment),
                await IsHeldElsewhereAsync(maintenance, name, cancellationToken).ConfigureAwait(false), size));
        }

        return found;
    }

    /// <summary>
    /// Removes every expired temporary database of <paramref name="options"/>' kinds on <paramref name="server"/>: drops restore
    /// and verify databases; a <c>replaced</c> one is dropped when its target exists again (the swap finished), renamed back to
    /// its target's name when the target is missing (the restore died mid-swap: the target is put back untouched), and left
    /// for a person when it carries no lease. Each is locked by the sweep while it is handled, so two sweeps never race.
    /// </summary>
    public static async Task<IReadOnlyList<SweptTemporary>> SweepAsync(PostgresEndpoint server, TemporaryDatabaseSweepOptions? options, JsonLogger? logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        options ??= new TemporaryDatabaseSweepOptions();
        var location = $"{server.Host}:{server.Port}";
        var swept = new List<SweptTemporary>();
        await using var maintenance = await DatabaseErrors.OpenAsync(server, options.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        var now = options.Time.GetUtcNow();
        foreach (var database in await ListAsync(maintenance, cancellationToken).ConfigureAwait(false))
        {
            // The grace does not hold back a restore target its dead restore left closed to connections (or renamed away):
            // that is production's database out of service, and with no session holding its lease no restore can finish it.
            if ((options.Kinds is { } kinds && !kinds.Contains(database.Kind)) || database.Held
                || (database.Lease is { } lease && now - lease.CreatedAt < options.Grace && !IsTargetOutOfService(database, lease)))
            {
                continue;
            }

            var outcome = await SweepOneAsync(maintenance, database, location, cancellationToken).ConfigureAwait(false);
            if (outcome is not null)
            {
                logger?.Warn("swept an expired temporary database", ("outcome", outcome.Outcome), ("database", database.Name), ("kind", database.Kind),
                    ("owner", outcome.Owner), ("sizeBytes", database.SizeBytes), ("reason", outcome.Reason));
                swept.Add(outcome);
            }
        }

        return swept;
    }

    /// <summary>A restore target under its own name, closed for a swap, or renamed away from its name by a restore that has not swapped.</summary>
    private static bool IsTargetOutOfService(TemporaryDatabase database, TemporaryDatabaseLease lease) =>
        database.Kind == Replaced && lease.Replaces is not null;

    private static async Task<SweptTemporary?> SweepOneAsync(NpgsqlConnection maintenance, TemporaryDatabase database, string location,
        CancellationToken cancellationToken)
    {
        var kind = database.Kind + "-database";
        var lease = database.Lease;
        SweptTemporary Outcome(string outcome, string reason) => new(kind, location, database.Name, lease?.Owner, lease?.CreatedAt, outcome, reason);

        if (!await TryHoldAsync(maintenance, database.Name, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            if (await IsHeldElsewhereAsync(maintenance, database.Name, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var size = database.SizeBytes is { } bytes ? $" ({bytes} bytes)" : string.Empty;
            var why = lease is null ? "no lease (created before leases, or its job died between CREATE and COMMENT) and no live session"
                : "its owner's session is gone and it is past the grace period";
            if (database.Kind != Replaced)
            {
                await DropAsync(maintenance, database.Name, cancellationToken).ConfigureAwait(false);
                return Outcome(SweptTemporary.Removed, $"dropped{size}: {why}");
            }

            if (lease?.Replaces is { } own && own == database.Name)
            {
                await PostgresDumper.ExecuteAsync(maintenance, $"ALTER DATABASE {PostgresRestorer.Ident(own)} WITH ALLOW_CONNECTIONS true", cancellationToken)
                    .ConfigureAwait(false);
                await CommentAsync(maintenance, own, lease.OriginalComment, cancellationToken).ConfigureAwait(false);
                return Outcome(SweptTemporary.Restored, "reopened with its own comment: its restore died before the restored database took its name; "
                    + "the database itself was never changed");
            }

            if (lease?.Replaces is not { } target)
            {
                return Outcome(SweptTemporary.Left,
                    $"a renamed-away restore target{size} whose original name is unknown (no lease): rename it back or drop it by hand");
            }

            if (await ExistsAsync(maintenance, target, cancellationToken).ConfigureAwait(false))
            {
                await DropAsync(maintenance, database.Name, cancellationToken).ConfigureAwait(false);
                return Outcome(SweptTemporary.Removed, $"dropped{size}: the restore that replaced '{target}' had swapped the new database in");
            }

            await PostgresDumper.ExecuteAsync(maintenance,
                $"ALTER DATABASE {PostgresRestorer.Ident(database.Name)} RENAME TO {PostgresRestorer.Ident(target)}", cancellationToken).ConfigureAwait(false);
            await PostgresDumper.ExecuteAsync(maintenance, $"ALTER DATABASE {PostgresRestorer.Ident(target)} WITH ALLOW_CONNECTIONS true", cancellationToken)
                .ConfigureAwait(false);
            await CommentAsync(maintenance, target, lease.OriginalComment, cancellationToken).ConfigureAwait(false);
            return Outcome(SweptTemporary.Restored, $"renamed back to '{target}': its restore died before the restored database took the name");
        }
        catch (PostgresException e)
        {
            return Outcome(SweptTemporary.Left, $"could not be removed: {e.MessageText} ({e.SqlState})");
        }
        finally
        {
            await ReleaseAsync(maintenance, database.Name).ConfigureAwait(false);
        }
    }

    private static Task DropAsync(NpgsqlConnection maintenance, string name, CancellationToken cancellationToken) =>
        PostgresDumper.ExecuteAsync(maintenance, $"DROP DATABASE IF EXISTS {PostgresRestorer.Ident(name)} WITH (FORCE)", cancellationToken);

    private static async Task<bool> ExistsAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }

    private static async Task<bool> TryHoldAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_catalog.pg_try_advisory_lock($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey(name) });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>True when a session other than <paramref name="connection"/>'s holds (or waits for) <paramref name="name"/>'s lock, in any database.</summary>
    private static async Task<bool> IsHeldElsewhereAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_catalog.pg_locks
            WHERE locktype = 'advisory' AND classid = $1::integer::oid AND objid = $2::integer::oid AND objsubid = 2
              AND pid <> pg_catalog.pg_backend_pid()
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = LockClass });
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey(name) });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }
}
