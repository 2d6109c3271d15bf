using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// An extra redis-server for one test: a free loopback port, its files in a temp folder deleted at the end, a password, the
/// DEBUG command enabled (to fill it quickly), and whatever configuration lines the test adds (diskless sync, ACL users, TLS).
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    public const string Password = "test-pass-Zq9";

    private readonly string[] _configuration;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    private RedisServerProcess(string directory, int port, string[] configuration)
    {
        Directory = directory;
        Port = port;
        _configuration = configuration;
    }

    /// <summary>Its folder (config, RDB, certificates).</summary>
    public string Directory { get; }

    /// <summary>Its plain TCP port.</summary>
    public int Port { get; }

    /// <summary>A connection as the default user, with admin commands.</summary>
    public ConnectionMultiplexer Admin => _admin ??= ConnectionMultiplexer.Connect(
        $"127.0.0.1:{Port},password={Password},allowAdmin=true,abortConnect=false,syncTimeout=60000,asyncTimeout=60000");

    /// <summary>Starts a server with <paramref name="configuration"/> lines (after the defaults; <c>{dir}</c> is replaced by its folder).</summary>
    public static async Task<RedisServerProcess> StartAsync(params string[] configuration)
    {
        var directory = Path.Combine(Path.GetTempPath(), "dr-redis-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        var server = new RedisServerProcess(directory, FreePort(), configuration);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>A free loopback port (bound to port 0 first, then released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the server (no save) and starts it again on the same port and files: a restart.</summary>
    public async Task RestartAsync()
    {
        Kill();
        await StartProcessAsync();
    }

    /// <summary>Kills the server without saving.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        Kill();
        _process?.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task StartProcessAsync()
    {
        var lines = new List<string>
        {
            "bind 127.0.0.1",
            $"port {Port.ToString(CultureInfo.InvariantCulture)}",
            $"dir {Directory}",
            $"requirepass {Password}",
            "enable-debug-command yes",
            "save \"\"",
            "appendonly no",
            "daemonize no",
            $"logfile {Path.Combine(Directory, "redis.log")}",
        };
        lines.AddRange(_configuration.Select(line => line.Replace("{dir}", Directory, StringComparison.Ordinal)));
        var config = Path.Combine(Directory, "redis.conf");
        await File.WriteAllLinesAsync(config, lines);
        _process = Process.Start(new ProcessStartInfo("redis-server", config) { UseShellExecute = false })!;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"redis-server exited: {await File.ReadAllTextAsync(Path.Combine(Directory, "redis.log"))}");
                }

                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("redis-server did not start listening");
    }
}
