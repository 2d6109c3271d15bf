using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Postgres;
using Npgsql;

namespace DisasterRecovery.TestSupport;

/// <summary>The local PostgreSQL 15 (local/servers) as the engine sees it, with helpers to build and compare databases.</summary>
public static class PostgresTestServer
{
    public static PostgresServer Server => LocalServers.Postgres;

    public static PostgresEndpoint Endpoint(string database) => new()
    {
        Host = Server.Host,
        Port = Server.Port,
        Username = Server.User,
        Password = Server.Password,
        Database = database,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    public static PostgresTools Tools { get; } = new();

    public static async Task<string> CreateDatabaseAsync(string prefix) => await Server.CreateScratchDatabaseAsync(prefix);

    public static async Task DropDatabaseAsync(string name)
    {
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<bool> DatabaseExistsAsync(string name) =>
        await ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname = '{name.Replace("'", "''")}'") > 0;

    /// <summary>A logger for one test, and what it wrote: the engine logs the temporary databases it creates.</summary>
    public static (JsonLogger Logger, StringWriter Log) NewLog()
    {
        var log = new StringWriter();
        return (new JsonLogger("engine-test", TextWriter.Synchronized(log), TimeProvider.System), log);
    }

    /// <summary>
    /// The temporary databases (dr_restoring_…, dr_verify_…) that <paramref name="log"/> says the engine created and that
    /// still exist. Other test assemblies restore at the same time on the same server, so a global count would race.
    /// </summary>
    public static async Task<List<string>> LeftoverTemporaryDatabasesAsync(string log)
    {
        var left = new List<string>();
        const string createdDatabase = "\"(?:temporaryDatabase|scratchDatabase|database)\":\"(dr_(?:restoring|verify|replaced)_[0-9a-f]+)\"";
        foreach (var name in Regex.Matches(log, createdDatabase).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal))
        {
            if (await DatabaseExistsAsync(name))
            {
                left.Add(name);
            }
        }

        return left;
    }

    /// <summary>Runs a bash command line with the server's libpq environment; throws on a non-zero exit.</summary>
    public static async Task<string> ShellAsync(string commandLine, string database)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-o");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(commandLine);
        info.Environment["PSQLRC"] = "/dev/null";
        foreach (var (key, value) in Endpoint(database).ToolEnvironment())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{commandLine}` failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    /// <summary>pg_dump --schema-only, without the lines that differ between any two runs (\restrict keys).</summary>
    public static async Task<string> SchemaAsync(string database) =>
        Normalize(await ShellAsync("pg_dump --schema-only", database));

    /// <summary>
    /// pg_dump --data-only as a comparable text: every line outside COPY blocks as is (sequence values,
    /// large objects), and each table's rows sorted, so physical row order does not matter.
    /// </summary>
    public static async Task<string> DataAsync(string database)
    {
        var text = Normalize(await ShellAsync("pg_dump --data-only", database));
        var output = new StringBuilder();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            output.Append(lines[i]).Append('\n');
            if (lines[i].StartsWith("COPY ", StringComparison.Ordinal))
            {
                var rows = new List<string>();
                while (lines[++i] != "\\.")
                {
                    rows.Add(lines[i]);
                }

                rows.Sort(StringComparer.Ordinal);
                rows.ForEach(r => output.Append(r).Append('\n'));
                output.Append("\\.\n");
            }
        }

        return output.ToString();
    }

    private static string Normalize(string dump) => string.Join('\n', dump.Split('\n')
        .Where(l => !l.StartsWith("\\restrict ", StringComparison.Ordinal) && !l.StartsWith("\\unrestrict ", StringComparison.Ordinal)));
}
