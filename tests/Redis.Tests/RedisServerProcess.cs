using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace DisasterRecovery.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> of the test's own: a free loopback port, its files in a temporary folder (deleted on
/// dispose), no persistence unless asked, optionally started on an existing RDB file.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConnectionMultiplexer _connection;

    private RedisServerProcess(string folder, int port, Process process, ConnectionMultiplexer connection)
    {
        Folder = folder;
        Port = port;
        _process = process;
        _connection = connection;
    }

    /// <summary>The folder holding the server's files (its dump.rdb after SAVE).</summary>
    public string Folder { get; }

    public int Port { get; }

    /// <summary>Where SAVE writes, and where a server started on a file reads it.</summary>
    public string RdbPath => Path.Combine(Folder, "dump.rdb");

    public IServer Server => _connection.GetServer("127.0.0.1", Port);

    public IDatabase Database(int number) => _connection.GetDatabase(number);

    /// <summary>Starts a server; <paramref name="rdbFile"/>, when given, is copied in and loaded at start.</summary>
    public static RedisServerProcess Start(string? rdbFile = null, params string[] configuration)
    {
        var folder = Path.Combine(Path.GetTempPath(), "rdb-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        if (rdbFile is not null)
        {
            File.Copy(rdbFile, Path.Combine(folder, "dump.rdb"));
        }

        var port = FreePort();
        var info = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder,
            "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis.log",
            "--enable-debug-command", "yes",
        }.Concat(configuration))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        var connection = Connect(port, process, folder);
        return new RedisServerProcess(folder, port, process, connection);
    }

    /// <summary>The server's <c>INFO keyspace</c> key counts per database.</summary>
    public IReadOnlyDictionary<int, long> Keyspace()
    {
        var counts = new SortedDictionary<int, long>();
        foreach (var group in Server.Info("keyspace"))
        {
            foreach (var pair in group)
            {
                var keys = pair.Value.Split(',')[0].Split('=')[1];
                counts[int.Parse(pair.Key[2..], System.Globalization.CultureInfo.InvariantCulture)] =
                    long.Parse(keys, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return counts;
    }

    public void Dispose()
    {
        _connection.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private static ConnectionMultiplexer Connect(int port, Process process, string folder)
    {
        var options = new ConfigurationOptions { AllowAdmin = true, AbortOnConnectFail = true, ConnectTimeout = 2000, SyncTimeout = 60000 };
        options.EndPoints.Add(IPAddress.Loopback, port);
        for (var attempt = 0; ; attempt++)
        {
            if (process.HasExited)
            {
                var log = Path.Combine(folder, "redis.log");
                throw new InvalidOperationException("redis-server exited: " + (File.Exists(log) ? File.ReadAllText(log) : "no log"));
            }

            try
            {
                var connection = ConnectionMultiplexer.Connect(options);
                connection.GetDatabase().Ping();
                return connection;
            }
            catch (Exception exception) when (exception is RedisConnectionException or RedisServerException && attempt < 100)
            {
                Thread.Sleep(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
