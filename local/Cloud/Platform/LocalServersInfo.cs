using System.Diagnostics;
using System.Text.Json;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>Where the local PostgreSQL and Redis are, as <c>local/servers start</c> writes it to servers.json.</summary>
/// <param name="PostgresHost">PostgreSQL host (127.0.0.1).</param>
/// <param name="PostgresPort">PostgreSQL port.</param>
/// <param name="PostgresUser">PostgreSQL superuser.</param>
/// <param name="PostgresPassword">Its password (read from the password file, never printed).</param>
/// <param name="RedisHost">Redis host.</param>
/// <param name="RedisPort">Redis port.</param>
/// <param name="RedisPassword">Redis AUTH password.</param>
public sealed record LocalServersInfo(
    string PostgresHost, int PostgresPort, string PostgresUser, string PostgresPassword, string RedisHost, int RedisPort, string RedisPassword)
{
    /// <summary>Reads servers.json and the password files it points at.</summary>
    /// <exception cref="LocalCloudException">The file is missing or not in the expected shape.</exception>
    public static LocalServersInfo Read(string serversJson)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(serversJson));
            var pg = json.RootElement.GetProperty("postgres");
            var redis = json.RootElement.GetProperty("redis");
            return new LocalServersInfo(
                pg.GetProperty("host").GetString()!,
                pg.GetProperty("port").GetInt32(),
                pg.GetProperty("user").GetString()!,
                File.ReadAllText(pg.GetProperty("passwordFile").GetString()!).Trim(),
                redis.GetProperty("host").GetString()!,
                redis.GetProperty("port").GetInt32(),
                File.ReadAllText(redis.GetProperty("passwordFile").GetString()!).Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new LocalCloudException($"{serversJson} cannot be read as local/servers' servers.json: {e.Message}", e);
        }
    }

    /// <summary>
    /// A connection string for <paramref name="database"/> on the local PostgreSQL (or on another cluster of the same
    /// superuser at <paramref name="port"/>, e.g. an RDS emulator copy). No pooling: an idle pooled session would keep a
    /// database from being renamed or dropped.
    /// </summary>
    public string PostgresConnectionString(string database, int? port = null) => new Npgsql.NpgsqlConnectionStringBuilder
    {
        Host = PostgresHost,
        Port = port ?? PostgresPort,
        Username = PostgresUser,
        Password = PostgresPassword,
        Database = database,
        Pooling = false,
        Timeout = 15,
        CommandTimeout = 0,
    }.ConnectionString;

    /// <summary>Not the passwords: what a log line may say.</summary>
    public override string ToString() => $"postgres {PostgresHost}:{PostgresPort}, redis {RedisHost}:{RedisPort}";
}

/// <summary>Runs the repository's <c>local/servers</c> script (which starts PostgreSQL and Redis idempotently).</summary>
public static class LocalServersScript
{
    /// <summary>Runs <c>local/servers start</c> then <c>info</c> and reads the servers.json it names.</summary>
    /// <exception cref="LocalCloudException">The script failed; its output is in the message.</exception>
    public static async Task<(LocalServersInfo Info, string InfoFile)> StartAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var (startCode, startOutput) = await RunAsync(repositoryRoot, "start", cancellationToken).ConfigureAwait(false);
        if (startCode != 0)
        {
            throw new LocalCloudException($"local/servers start failed (exit {startCode}):{Environment.NewLine}{startOutput.TrimEnd()}");
        }

        var (infoCode, infoOutput) = await RunAsync(repositoryRoot, "info", cancellationToken).ConfigureAwait(false);
        var infoFile = infoOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (infoCode != 0 || infoFile is null)
        {
            throw new LocalCloudException($"local/servers info failed (exit {infoCode}):{Environment.NewLine}{infoOutput.TrimEnd()}");
        }

        return (LocalServersInfo.Read(infoFile), infoFile);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string repositoryRoot, string command, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(repositoryRoot, "local", "servers"));
        info.ArgumentList.Add(command);
        using var process = Process.Start(info) ?? throw new LocalCloudException("bash could not be started to run local/servers");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode,
            command == "info" ? await stdout.ConfigureAwait(false) : await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
