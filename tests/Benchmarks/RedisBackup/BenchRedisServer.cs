using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// A redis-server this benchmark starts and stops: a free loopback port, a password, no persistence of its own
/// (<c>save ""</c>, no AOF), diskless replication without the 5 s wait for more replicas (Redis 7's default delay would
/// add 5 s to both contenders' backups alike), and optionally an RDB file to load at start.
/// </summary>
internal sealed class BenchRedisServer : IDisposable
{
    public const string Password = "bench-pass-4Rt";

    private readonly Process _process;

    private BenchRedisServer(Process process, int port, string logFile)
    {
        _process = process;
        Port = port;
        LogFile = logFile;
    }

    public int Port { get; }

    public string LogFile { get; }

    /// <summary>The server's process id (for its RSS).</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// Starts a server, loading <paramref name="rdbFile"/> when given (from any file, or a named pipe), and returns once it
    /// answers <c>PING</c> with <c>PONG</c> (not <c>-LOADING</c>): the time a new server takes to be usable.
    /// </summary>
    public static BenchRedisServer Start(string folder, string? rdbFile = null)
    {
        Directory.CreateDirectory(folder);
        var port = FreePort();
        var logFile = Path.Combine(folder, $"redis-{port}.log");
        var rdbFolder = rdbFile is null ? folder : Path.GetDirectoryName(Path.GetFullPath(rdbFile))!;
        var rdbName = rdbFile is null ? $"unused-{port}.rdb" : Path.GetFileName(rdbFile);
        var lines = new[]
        {
            "bind 127.0.0.1", $"port {port.ToString(CultureInfo.InvariantCulture)}", $"dir {rdbFolder}", $"dbfilename {rdbName}",
            $"requirepass {Password}", "save \"\"", "appendonly no", "daemonize no", $"logfile {logFile}",
            "repl-diskless-sync yes", "repl-diskless-sync-delay 0",
        };
        var config = Path.Combine(folder, $"redis-{port}.conf");
        File.WriteAllLines(config, lines);
        var process = Process.Start(new ProcessStartInfo("redis-server", config) { UseShellExecute = false })!;
        var server = new BenchRedisServer(process, port, logFile);
        try
        {
            server.WaitUntilLoaded();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>An authenticated connection.</summary>
    public RawRedisClient Connect()
    {
        var client = RawRedisClient.Connect(Port);
        client.Require("AUTH", Password);
        return client;
    }

    private void WaitUntilLoaded()
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited: {File.ReadAllText(LogFile)}");
            }

            try
            {
                using var client = RawRedisClient.Connect(Port);
                while (true)
                {
                    var auth = client.Call("AUTH", Password);
                    var reply = auth.StartsWith("-LOADING", StringComparison.Ordinal) ? auth : client.Call("PING");
                    if (reply == "+PONG")
                    {
                        return;
                    }

                    if (!reply.StartsWith("-LOADING", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException("redis-server answered " + reply);
                    }

                    Thread.Sleep(2);
                }
            }
            catch (SocketException)
            {
                Thread.Sleep(2);
            }
            catch (IOException)
            {
                Thread.Sleep(2);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
