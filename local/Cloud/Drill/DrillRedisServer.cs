using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>
/// The new server the platform provides in a Redis disaster, played by a fresh <c>redis-server</c> (from PATH) on a free port
/// of 127.0.0.1, empty, in a temporary folder, with the production server's password (a new pod reads the same secret). Its
/// configuration goes in on standard input, so the password is in no file and on no command line. Disposing shuts it down
/// without saving and removes the folder.
/// </summary>
public sealed class DrillRedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly string _password;

    private DrillRedisServer(Process process, string folder, int port, string password)
    {
        _process = process;
        _folder = folder;
        Port = port;
        _password = password;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts the server and waits (at most 50 PINGs, 100 ms apart) until it answers.</summary>
    /// <exception cref="LocalCloudException">redis-server is missing or does not come up.</exception>
    public static async Task<DrillRedisServer> StartAsync(string password, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("dr-drill-redis-").FullName;
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("redis-server", "-")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = folder,
            }) ?? throw new LocalCloudException("redis-server did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalCloudException($"redis-server is not installed (run local/setup): {e.Message}");
        }

        var configuration = $"bind 127.0.0.1\nport {port}\ndir {folder}\nsave \"\"\nappendonly no\nrequirepass \"{password}\"\n";
        await process.StandardInput.WriteAsync(configuration.AsMemory(), cancellationToken).ConfigureAwait(false);
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
        var server = new DrillRedisServer(process, folder, port, password);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                await using var redis = await server.ConnectAsync().ConfigureAwait(false);
                await redis.GetDatabase().PingAsync().ConfigureAwait(false);
                return server;
            }
            catch (RedisConnectionException) when (!process.HasExited)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        await server.DisposeAsync().ConfigureAwait(false);
        throw new LocalCloudException($"the drill's new redis-server on port {port} did not answer");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await using var redis = await ConnectAsync().ConfigureAwait(false);
                await redis.GetServer("127.0.0.1", Port).ExecuteAsync("SHUTDOWN", "NOSAVE").ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // It is going down: SHUTDOWN closes the connection before it answers.
            }

            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { { "127.0.0.1", Port } },
        Password = _password,
        AllowAdmin = true,
        AbortOnConnectFail = true,
        ConnectTimeout = 1000,
    });
}
