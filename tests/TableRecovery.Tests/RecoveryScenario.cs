using System.Diagnostics;
using System.Text;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Functions.TableRecovery;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>
/// Two real databases on the local PostgreSQL 15: "production" built from scenario.sql, and the "recovered instance" — an
/// exact copy made with CREATE DATABASE … TEMPLATE (what a point-in-time restore to just before the accident gives) —
/// after which the accident happens in production only (<see cref="Accident"/>). Both are dropped at the end.
/// </summary>
internal sealed class RecoveryScenario : IAsyncDisposable
{
    public const string ProductionSecret = "dr/production";
    public const string RecoveredSecret = "dr/recovered";

    /// <summary>
    /// Rows deleted, changed and added, and a table dropped. Per table, against the recovered copy:
    /// technicians 3 missing (45, 47, 50), 2 differing (1, 2), 1 only in production (id 51);
    /// jobs 5 missing (91-95, cascading to 10 notes); job_notes 11 missing; settings 2 missing (key-3, key-7), 1 differing;
    /// "Sales"."Order Items" 3 missing (18-20); audit_events one row removed and one added; invoices dropped (with payments' FK to it);
    /// bookings (partitioned) 2 missing, one from each partition.
    /// </summary>
    public const string Accident = """
        DELETE FROM public.technicians WHERE id IN (45, 47, 50);
        UPDATE public.technicians SET name = 'Renamed' WHERE id IN (1, 2);
        INSERT INTO public.technicians (email, name) VALUES ('new@example.com', 'New Technician');
        DELETE FROM public.jobs WHERE id IN (SELECT md5('job' || g)::uuid FROM generate_series(91, 95) g);
        DELETE FROM public.job_notes WHERE line = 2 AND job_id = md5('job1')::uuid;
        DELETE FROM public.settings WHERE key IN ('key-3', 'key-7');
        UPDATE public.settings SET value = 'changed' WHERE key = 'key-1';
        DELETE FROM "Sales"."Order Items" WHERE id > 17;
        DELETE FROM public.audit_events WHERE what = 'event 2';
        INSERT INTO public.audit_events VALUES ('2024-06-01 00:00:00+00', 'after the accident');
        DROP TABLE public.invoices CASCADE;
        DELETE FROM public.bookings WHERE id IN (10, 40);
        """;

    private RecoveryScenario(string production, string recovered)
    {
        Production = production;
        Recovered = recovered;
        Secrets = new InMemorySecretSourceForTests()
            .WithDatabase(ProductionSecret, Server, production)
            .WithDatabase(RecoveredSecret, Server, recovered);
    }

    public static PostgresServer Server => LocalServers.Postgres;

    public string Production { get; }

    public string Recovered { get; }

    public InMemorySecretSourceForTests Secrets { get; }

    public StringWriter Log { get; } = new();

    public JsonLogger Logger => new("TableRecovery", Log, TimeProvider.System);

    /// <summary>Builds production, copies it as the recovered instance, then runs the accident (or not) in production.</summary>
    public static async Task<RecoveryScenario> CreateAsync(bool accident = true) => await CreateAsync("scenario.sql", accident ? Accident : null);

    /// <summary>Builds production from <paramref name="fixture"/>, copies it as the recovered instance, then runs <paramref name="accidentSql"/> in
    /// production.</summary>
    public static async Task<RecoveryScenario> CreateAsync(string fixture, string? accidentSql)
    {
        var production = await Server.CreateScratchDatabaseAsync("tr_prod");
        var recovered = $"tr_rec_{Guid.NewGuid():N}";
        var scenario = new RecoveryScenario(production, recovered);
        try
        {
            await ExecuteAsync(production, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, fixture)));
            await ExecuteAsync("postgres", $"CREATE DATABASE {SqlText.Ident(recovered)} TEMPLATE {SqlText.Ident(production)}");
            if (accidentSql is not null)
            {
                await ExecuteAsync(production, accidentSql);
            }

            return scenario;
        }
        catch
        {
            await scenario.DisposeAsync();
            throw;
        }
    }

    public TableRecoveryService Service(TableRecoveryHooks? hooks = null, BackupCatalog? catalog = null) =>
        new(Secrets, catalog, new PostgresTools(), TimeProvider.System, hooks ?? new TableRecoveryHooks());

    public TableRecoveryRequest Request(string mode, params string[] tables) => new()
    {
        Mode = mode,
        Source = new DatabaseConnection { SecretId = RecoveredSecret },
        Target = new DatabaseConnection { SecretId = ProductionSecret },
        Tables = tables,
    };

    public Task<TableRecoveryResult> RunAsync(TableRecoveryRequest request, TableRecoveryHooks? hooks = null, CancellationToken cancellationToken = default) =>
        Service(hooks).RunAsync(request, Logger, cancellationToken);

    /// <summary>Every row of a table as PostgreSQL's text form of the row, sorted: equal lists mean equal contents.</summary>
    public static async Task<List<string>> RowsAsync(string database, string table, string where = "true")
    {
        var rows = new List<string>();
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand($"SELECT t::text FROM {table} t WHERE {where}", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>Every ordinary table of a database with its rows: the whole database's contents, for "nothing else changed".</summary>
    public static async Task<Dictionary<string, List<string>>> ContentsAsync(string database)
    {
        var tables = new List<string>();
        await using (var connection = await OpenAsync(database))
        await using (var command = new NpgsqlCommand(
            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var contents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            contents[table] = await RowsAsync(database, table);
        }

        return contents;
    }

    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = await OpenAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(Server.ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>pg_dump --schema-only of one table, without the lines that differ between runs (\restrict keys, version comments).</summary>
    public static async Task<string> TableSchemaAsync(string database, string pattern)
    {
        var info = new ProcessStartInfo("pg_dump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--schema-only", "--table", pattern, "--dbname", database })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PGHOST"] = Server.Host;
        info.Environment["PGPORT"] = Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PGUSER"] = Server.User;
        info.Environment["PGPASSWORD"] = Server.Password;
        info.Environment["PSQLRC"] = "/dev/null";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return string.Join('\n', (await output).Split('\n').Where(l => !l.StartsWith('\\') && !l.StartsWith("-- Dumped", StringComparison.Ordinal)));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in new[] { Production, Recovered })
        {
            await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {SqlText.Ident(database)} WITH (FORCE)");
        }
    }
}

/// <summary>
/// A test double for the AWS Parameters and Secrets extension: secrets held in memory, in the RDS secret format. The real
/// extension endpoint is played by the local cloud and tested with it; here only the values matter.
/// </summary>
internal sealed class InMemorySecretSourceForTests : ISecretSource
{
    private readonly Dictionary<string, string> _secrets = new(StringComparer.Ordinal);

    public List<string> Requested { get; } = [];

    public InMemorySecretSourceForTests WithSecret(string secretId, string secretString)
    {
        _secrets[secretId] = secretString;
        return this;
    }

    public InMemorySecretSourceForTests WithDatabase(string secretId, PostgresServer server, string database, string? password = null) =>
        WithSecret(secretId, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["engine"] = "postgres",
            ["host"] = server.Host,
            ["port"] = server.Port,
            ["username"] = server.User,
            ["password"] = password ?? server.Password,
            ["dbname"] = database,
        }));

    public Task<string> GetSecretStringAsync(string secretId, CancellationToken cancellationToken)
    {
        lock (Requested)
        {
            Requested.Add(secretId);
        }

        return _secrets.TryGetValue(secretId, out var value)
            ? Task.FromResult(value)
            : throw new Core.SecretNotFoundException($"secret '{secretId}' does not exist (test double)");
    }
}

/// <summary>Builds JSON payloads for the function, as a state machine would send them.</summary>
internal static class Payload
{
    public static byte[] Of(string json) => Encoding.UTF8.GetBytes(json);
}
