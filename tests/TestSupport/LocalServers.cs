using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// The real PostgreSQL and Redis servers that `local/servers` runs. The first test that asks starts
/// them (idempotent, so `.ci/run` having started them already costs nothing).
/// </summary>
public static class LocalServers
{
    private static readonly Lazy<ServersInfo> Info = new(StartAndRead, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The PostgreSQL 15 cluster.</summary>
    public static PostgresServer Postgres => Info.Value.Postgres;

    /// <summary>The Redis server.</summary>
    public static RedisServer Redis => Info.Value.Redis;

    /// <summary>The servers.json `local/servers` wrote (the servers are started first if needed).</summary>
    public static string InfoFile
    {
        get
        {
            _ = Info.Value;
            return _infoFile!;
        }
    }

    private static string? _infoFile;

    /// <summary>Runs `local/servers` with arguments and environment; returns exit code and output.</summary>
    public static (int ExitCode, string Output) RunScript(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepositoryPaths.Of("local", "servers"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Reads the servers.json that `local/servers start` writes.</summary>
    public static ServersInfo ReadInfo(string infoFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(infoFile));
        var pg = json.RootElement.GetProperty("postgres");
        var redis = json.RootElement.GetProperty("redis");
        return new ServersInfo(
            new PostgresServer(
                pg.GetProperty("host").GetString()!,
                pg.GetProperty("port").GetInt32(),
                pg.GetProperty("user").GetString()!,
                File.ReadAllText(pg.GetProperty("passwordFile").GetString()!).Trim(),
                pg.GetProperty("dataDirectory").GetString()!,
                pg.GetProperty("walArchive").GetString()!,
                pg.GetProperty("binDirectory").GetString()!,
                pg.GetProperty("serviceUser").GetString()!),
            new RedisServer(
                redis.GetProperty("host").GetString()!,
                redis.GetProperty("port").GetInt32(),
                File.ReadAllText(redis.GetProperty("passwordFile").GetString()!).Trim()));
    }

    private static ServersInfo StartAndRead()
    {
        var (code, output) = RunScript(null, "start");
        if (code != 0)
        {
            throw new InvalidOperationException($"local/servers start failed ({code}):\n{output}");
        }

        var (infoCode, infoOutput) = RunScript(null, "info");
        if (infoCode != 0)
        {
            throw new InvalidOperationException($"local/servers info failed ({infoCode}):\n{infoOutput}");
        }

        _infoFile = infoOutput.Trim().Split('\n')[0].Trim();
        return ReadInfo(_infoFile);
    }
}

/// <summary>Where everything is, as servers.json says.</summary>
public sealed record ServersInfo(PostgresServer Postgres, RedisServer Redis);

/// <summary>A PostgreSQL server reachable over TCP with password authentication.</summary>
public sealed record PostgresServer(
    string Host, int Port, string User, string Password, string DataDirectory, string WalArchive, string BinDirectory, string ServiceUser)
{
    /// <summary>A connection string for a database on this server.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    /// <summary>Creates a fresh, empty database with a unique name and returns its name.</summary>
    public async Task<string> CreateScratchDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }
}

/// <summary>A Redis server with AUTH.</summary>
public sealed record RedisServer(string Host, int Port, string Password)
{
    /// <summary>A StackExchange.Redis configuration string.</summary>
    public string Configuration => $"{Host}:{Port},password={Password},abortConnect=false,allowAdmin=true";
}
