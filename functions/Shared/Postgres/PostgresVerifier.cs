using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>How a verification runs.</summary>
public sealed record PostgresVerifyOptions
{
    /// <summary>Connections restoring and hashing at once.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>The database to connect to for CREATE/DROP DATABASE.</summary>
    public string MaintenanceDatabase { get; init; } = "postgres";

    /// <summary>Run the integrity SQL (orphaned foreign keys, invalid indexes, amcheck).</summary>
    public bool IntegrityChecks { get; init; } = true;

    /// <summary>Who verifies (an execution ARN, <c>function#requestId</c>): the owner in the scratch database's lease.</summary>
    public string Owner { get; init; } = "unknown";

    public void Validate()
    {
        Require.InRange(Workers, 1, 32, "workers");
        Require.NotBlank(MaintenanceDatabase, "maintenanceDatabase");
    }
}

/// <summary>One check of a verification: a restore step, a table's rows, an integrity query.</summary>
public sealed record PostgresCheck(string Name, bool Passed, string? Detail = null);

/// <summary>A table's rows (and content hash, unless the dump recorded none for it) against the dump's index.</summary>
public sealed record PostgresTableCount(string Name, long ExpectedRows, long Rows, string? ExpectedHash, string? Hash)
{
    public bool Matches => Rows == ExpectedRows && string.Equals(Hash, ExpectedHash, StringComparison.Ordinal);
}

/// <summary>The outcome of a verification.</summary>
public sealed record PostgresVerificationResult(bool Passed, IReadOnlyList<PostgresCheck> Checks, IReadOnlyList<PostgresTableCount> Tables, TimeSpan Elapsed);

/// <summary>
/// Verifies a dump the only way that proves it restores: restores it into a scratch database with
/// <see cref="PostgresRestorer"/>, compares every table's row count and content hash with the dump's
/// index (computed in the dump's snapshot), runs the integrity SQL kept in <c>Integrity/*.sql</c>, and
/// always drops the scratch database.
/// </summary>
public sealed class PostgresVerifier
{
    private readonly PostgresRestorer _restorer;
    private readonly JsonLogger? _logger;

    public PostgresVerifier(PostgresTools tools, JsonLogger? logger = null)
    {
        _restorer = new PostgresRestorer(tools, logger);
        _logger = logger;
    }

    /// <summary>The integrity queries shipped with this library: name → SQL.</summary>
    public static IReadOnlyList<(string Name, string Sql)> IntegrityQueries()
    {
        var assembly = typeof(PostgresVerifier).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("Integrity/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (Path.GetFileNameWithoutExtension(n), Read(assembly, n)))];
    }

    /// <summary>
    /// Restores into a scratch database on <paramref name="server"/> (its Database is ignored) and checks it.
    /// A failed restore is a failed check, not an exception; unreachable servers and bad credentials throw.
    /// </summary>
    public async Task<PostgresVerificationResult> VerifyAsync(
        IDumpSource source, PostgresDumpIndex index, PostgresEndpoint server, PostgresVerifyOptions? options = null,
            CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(index);
        options ??= new PostgresVerifyOptions();
        options.Validate();
        var clock = Stopwatch.StartNew();
        var checks = new List<PostgresCheck>();
        var counts = new List<PostgresTableCount>();
        // The maintenance session holds the scratch database's lease until it is dropped: a killed verification releases it.
        JobPhase.Enter(_logger, JobPhase.Connect, ("server", $"{server.Host}:{server.Port}"));
        await using var maintenance = await DatabaseErrors.OpenAsync(server, options.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        var rolesCreated = await DumpRoles.EnsureAsync(maintenance, index.Roles, _logger, cancellationToken).ConfigureAwait(false);
        var scratch = await PostgresRestorer.CreateDatabaseAsync(maintenance, index, TemporaryDatabases.Verify, options.Owner, cancellationToken)
            .ConfigureAwait(false);
        var database = server.WithDatabase(scratch);
        _logger?.Info("verification started", ("scratchDatabase", scratch), ("tables", index.Tables.Count));
        try
        {
            try
            {
                var restoreClock = Stopwatch.StartNew();
                await _restorer.LoadAsync(source, index, database, options.Workers, cancellationToken).ConfigureAwait(false);
                var roles = rolesCreated.Count == 0 ? string.Empty : $" (created the roles it names that the server lacked: {string.Join(", ", rolesCreated)})";
                checks.Add(new PostgresCheck("restore", true, $"restored into scratch database {scratch} in {restoreClock.Elapsed.TotalSeconds:F1} s{roles}"));
            }
            catch (Exception e) when (e is ChecksumMismatchException or PostgresToolException or DatabaseOperationException)
            {
                checks.Add(new PostgresCheck("restore", false, e.Message));
                return new PostgresVerificationResult(false, checks, counts, clock.Elapsed);
            }

            JobPhase.Enter(_logger, JobPhase.VerifyCompare, ("database", scratch));
            counts.AddRange(await CountTablesAsync(database, index, options.Workers, cancellationToken).ConfigureAwait(false));
            checks.Add(TableContentsCheck(counts, "the dump's snapshot"));
            if (options.IntegrityChecks)
            {
                checks.AddRange(await RunIntegrityQueriesAsync(database, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            JobPhase.Enter(_logger, JobPhase.Drop, ("database", scratch));
            await _restorer.DropDatabaseQuietlyAsync(server, options.MaintenanceDatabase, scratch).ConfigureAwait(false);
            await TemporaryDatabases.ReleaseAsync(maintenance, scratch).ConfigureAwait(false);
        }

        var passed = checks.All(c => c.Passed);
        _logger?.Info(passed ? "verification passed" : "verification failed", ("checks", checks.Count), ("elapsed", clock.Elapsed));
        return new PostgresVerificationResult(passed, checks, counts, clock.Elapsed);
    }

    /// <summary>
    /// Checks a database that was just restored from <paramref name="index"/>'s dump, in place (no scratch copy):
    /// every table's rows and content hash against the index, and the integrity SQL. Extensions the integrity SQL
    /// needs are used only when already installed: a live database is not changed.
    /// </summary>
    public async Task<PostgresVerificationResult> CheckRestoredDatabaseAsync(
        PostgresEndpoint database, PostgresDumpIndex index, PostgresVerifyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(index);
        options ??= new PostgresVerifyOptions();
        options.Validate();
        database.Validate("database");
        var clock = Stopwatch.StartNew();
        var checks = new List<PostgresCheck>();
        JobPhase.Enter(_logger, JobPhase.VerifyCompare, ("database", database.Database));
        var counts = await CountTablesAsync(database, index, options.Workers, cancellationToken).ConfigureAwait(false);
        checks.Add(TableContentsCheck(counts, "the backup"));
        if (options.IntegrityChecks)
        {
            checks.AddRange(await RunIntegrityQueriesAsync(database, cancellationToken, createExtensions: false).ConfigureAwait(false));
        }

        var passed = checks.All(c => c.Passed);
        _logger?.Info(passed ? "restored database checked" : "restored database check FAILED", ("database", database.ToString()), ("elapsed", clock.Elapsed));
        return new PostgresVerificationResult(passed, checks, counts, clock.Elapsed);
    }

    /// <summary>The <c>table-contents</c> check: every table's rows and content hash against <paramref name="expected"/>'s.</summary>
    private static PostgresCheck TableContentsCheck(IReadOnlyList<PostgresTableCount> counts, string expected)
    {
        var mismatched = counts.Where(c => !c.Matches).ToList();
        return new PostgresCheck("table-contents", mismatched.Count == 0, mismatched.Count == 0
            ? $"{counts.Count} tables, {counts.Sum(c => c.Rows)} rows: counts and content hashes match {expected}"
              + (counts.Count(c => c.ExpectedHash is null) is > 0 and var unhashed ? $" ({unhashed} tables over the dump's hash size limit: counts only)"
                  : string.Empty)
            : string.Join("; ", mismatched.Take(10).Select(c => c.ExpectedHash is null
                ? $"{c.Name}: {c.Rows} rows (expected {c.ExpectedRows}; no content hash recorded)"
                : $"{c.Name}: {c.Rows} rows (expected {c.ExpectedRows}), hash {c.Hash} (expected {c.ExpectedHash})")));
    }

    /// <summary>Rows and content hash of each table of the index, read back with the dump's COPY settings.</summary>
    internal static async Task<IReadOnlyList<PostgresTableCount>> CountTablesAsync(PostgresEndpoint database, PostgresDumpIndex index, int workers,
        CancellationToken cancellationToken)
    {
        CopyOutSession.ReserveThreads(workers);
        var results = new ConcurrentBag<PostgresTableCount>();
        var queue = new ConcurrentQueue<DumpedTable>(index.Tables);
        var tasks = Enumerable.Range(0, Math.Max(1, Math.Min(workers, index.Tables.Count))).Select(_ => Task.Run(async () =>
        {
            await using var connection = await CopyOutSession.OpenAsync(database, PostgresDumper.SessionSettings, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[1 << 18];
            while (queue.TryDequeue(out var table))
            {
                results.Add(table.ContentHash is null
                    ? new PostgresTableCount(table.Name, table.Rows, await CountRowsAsync(connection, table, buffer, cancellationToken).ConfigureAwait(false),
                        null, null)
                    : await HashRowsAsync(connection, table, index.Encoding, buffer, cancellationToken).ConfigureAwait(false));
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return [.. results.OrderBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>A table's rows as COPY text, counted and hashed as the dump did.</summary>
    private static async Task<PostgresTableCount> HashRowsAsync(CopyOutSession connection, DumpedTable table, string encoding, byte[] buffer,
        CancellationToken cancellationToken)
    {
        var columns = table.Columns.Count == 0 ? string.Empty : "(" + string.Join(", ", table.Columns) + ")";
        var hasher = new RowHasher();
        await connection.BeginAsync($"COPY {table.Name} {columns} TO STDOUT (ENCODING '{encoding}')", cancellationToken).ConfigureAwait(false);
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hasher.Add(buffer.AsSpan(0, read));
        }

        return new PostgresTableCount(table.Name, table.Rows, hasher.Rows, table.ContentHash, RowHasher.Format(hasher.Sum));
    }

    /// <summary>The rows of a table the dump did not hash (over its size limit): a count, one number of COPY text.</summary>
    private static async Task<long> CountRowsAsync(CopyOutSession connection, DumpedTable table, byte[] buffer, CancellationToken cancellationToken)
    {
        await connection.BeginAsync($"COPY (SELECT pg_catalog.count(*) FROM ONLY {table.Name}) TO STDOUT", cancellationToken).ConfigureAwait(false);
        var text = new System.Text.StringBuilder();
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            text.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, read));
        }

        return long.Parse(text.ToString().Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlyList<PostgresCheck>> RunIntegrityQueriesAsync(PostgresEndpoint database, CancellationToken cancellationToken,
        bool createExtensions = true)
    {
        var checks = new List<PostgresCheck>();
        await using var connection = await DatabaseErrors.OpenAsync(database, null, cancellationToken).ConfigureAwait(false);
        foreach (var (name, sql) in IntegrityQueries())
        {
            var header = sql.Split('\n').TakeWhile(l => l.StartsWith("--", StringComparison.Ordinal)).ToList();
            var required = header.Select(l => l.StartsWith("-- requires: ", StringComparison.Ordinal) ? l["-- requires: ".Length..].Trim()
                : null).FirstOrDefault(r => r is not null);
            var errorsOnly = header.Any(l => l.Trim() == "-- mode: errors-only");
            if (required is not null && !await EnsureExtensionAsync(connection, required, createExtensions, cancellationToken).ConfigureAwait(false))
            {
                checks.Add(new PostgresCheck(name, true, createExtensions
                    ? $"skipped: extension {required} is not available on this server"
                    : $"skipped: extension {required} is not installed in this database (a live database is not changed)"));
                continue;
            }

            var problems = new List<string>();
            long rows = 0;
            try
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows++;
                    if (!errorsOnly && problems.Count < 20)
                    {
                        problems.Add(reader.GetString(0));
                    }
                    else if (!errorsOnly)
                    {
                        problems.Add("…");
                        break;
                    }
                }
            }
            catch (PostgresException e)
            {
                problems.Add($"{e.MessageText} ({e.SqlState}){(e.Detail is null ? string.Empty : ": " + e.Detail)}");
            }

            checks.Add(new PostgresCheck(name, problems.Count == 0,
                problems.Count == 0 ? (errorsOnly ? $"{rows} checked, no problem" : "no problem") : string.Join("; ", problems)));
        }

        return checks;
    }

    private static async Task<bool> EnsureExtensionAsync(NpgsqlConnection connection, string extension, bool create, CancellationToken cancellationToken)
    {
        if (!create)
        {
            await using var installed = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = $1", connection);
            installed.Parameters.Add(new NpgsqlParameter { Value = extension });
            return (long)(await installed.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
        }

        await using (var available = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_available_extensions WHERE name = $1", connection))
        {
            available.Parameters.Add(new NpgsqlParameter { Value = extension });
            if ((long)(await available.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 0)
            {
                return false;
            }
        }

        try
        {
            await PostgresDumper.ExecuteAsync(connection, $"CREATE EXTENSION IF NOT EXISTS {PostgresRestorer.Ident(extension)}",
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (PostgresException)
        {
            // Not allowed to create it here (no superuser): the check is skipped, not failed.
            return false;
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
