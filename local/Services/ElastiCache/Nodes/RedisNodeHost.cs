using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DisasterRecovery.LocalElastiCache.State;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalElastiCache.Nodes;

/// <summary>
/// Starts, watches and stops the emulator's redis-server processes, one per cache node, on 127.0.0.1 and a free port,
/// each in its own folder (redis.conf, dump.rdb, redis.log). The password (requirepass, and masterauth on replicas) is
/// given on the server's standard input, never in a file or on a command line. A node saves its RDB when it stops, so an
/// emulator opened again on the same state folder finds its data.
/// </summary>
internal sealed class RedisNodeHost
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _redisServer;
    private readonly Dictionary<string, Process> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SemaphoreSlim> _saving = new(StringComparer.Ordinal);

    private RedisNodeHost(string redisServer, string engineVersion)
    {
        _redisServer = redisServer;
        EngineVersion = engineVersion;
    }

    /// <summary>The version of redis-server the nodes run (7.0.15 from Debian here), reported as EngineVersion.</summary>
    public string EngineVersion { get; }

    /// <summary>Finds redis-server (the given path, else PATH) and reads its version.</summary>
    /// <exception cref="EmulatorUnavailableException">redis-server is missing or does not run.</exception>
    public static RedisNodeHost Create(string? redisServerPath)
    {
        var path = redisServerPath ?? FindOnPath("redis-server")
            ?? throw new EmulatorUnavailableException("the local ElastiCache emulator needs redis-server (apt-get install redis-server), found none on PATH");
        var version = new ProcessStartInfo(path, ["--version"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(version) ?? throw new EmulatorUnavailableException($"{path} did not start");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // "Redis server v=7.0.15 sha=..."
        var start = output.IndexOf("v=", StringComparison.Ordinal);
        if (process.ExitCode != 0 || start < 0)
        {
            throw new EmulatorUnavailableException($"{path} --version did not name a version ({output.Trim()})");
        }

        return new RedisNodeHost(path, output[(start + 2)..].Split(' ')[0]);
    }

    /// <summary>A port nothing listens on now (bound once and released).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts a node in its folder (a dump.rdb already there is loaded: that is how a group is seeded) and waits until it
    /// answers PING (and, for a replica, until its link to the primary is up). A node of an earlier process still running
    /// in the same folder is taken over instead.
    /// </summary>
    /// <exception cref="IOException">redis-server exited (the message has the end of its log: a bad RDB says so there) or did not get ready.</exception>
    public async Task StartAsync(NodeRecord node, int? primaryPort, string? password, CancellationToken cancellationToken)
    {
        if (await IsOursAndRunningAsync(node, password, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        Directory.CreateDirectory(node.Folder);
        var lines = new List<string>
        {
            "bind 127.0.0.1",
            $"port {node.Port.ToString(CultureInfo.InvariantCulture)}",
            "daemonize no",
            $"dir \"{node.Folder}\"",
            "dbfilename dump.rdb",
            "logfile redis.log",
            // Saved on SHUTDOWN (and now and then), so a restarted emulator finds the data again.
            "save 900 1",
            "appendonly no",
        };
        if (primaryPort is { } primary)
        {
            lines.Add($"replicaof 127.0.0.1 {primary.ToString(CultureInfo.InvariantCulture)}");
        }

        await File.WriteAllLinesAsync(Path.Combine(node.Folder, "redis.conf"), lines, cancellationToken).ConfigureAwait(false);
        var start = new ProcessStartInfo(_redisServer, [Path.Combine(node.Folder, "redis.conf"), "-"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = node.Folder,
        };
        var process = Process.Start(start) ?? throw new IOException($"{_redisServer} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (password is not null)
        {
            await process.StandardInput.WriteLineAsync($"requirepass \"{password}\"").ConfigureAwait(false);
            if (primaryPort is not null)
            {
                await process.StandardInput.WriteLineAsync($"masterauth \"{password}\"").ConfigureAwait(false);
            }
        }

        process.StandardInput.Close();
        lock (_processes)
        {
            _processes[node.Folder] = process;
        }

        await WaitReadyAsync(node, process, primaryPort is not null, password, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops a node (SHUTDOWN, saving its RDB unless <paramref name="save"/> is false) and waits for it to exit.</summary>
    public async Task StopAsync(NodeRecord node, string? password, bool save)
    {
        Process? process;
        lock (_processes)
        {
            _processes.Remove(node.Folder, out process);
        }

        try
        {
            await using var connection = await RespConnection.OpenAsync(node.Port, password, CancellationToken.None).ConfigureAwait(false);
            if (await IsInFolderAsync(connection, node).ConfigureAwait(false))
            {
                // The connection ends when the server exits: no reply to read.
                await connection.CommandAsync(CancellationToken.None, "SHUTDOWN", save ? "SAVE" : "NOSAVE").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Not running (or gone while shutting down).
        }

        if (process is not null)
        {
            using (process)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    /// <summary>
    /// BGSAVE on a node and wait until it has written its RDB; returns the file (the node's dump.rdb), complete and
    /// renamed into place by Redis. Saves of one node are taken one at a time.
    /// </summary>
    /// <exception cref="IOException">The save failed (the node's log says why) or the node is unreachable.</exception>
    public async Task<string> BackgroundSaveAsync(NodeRecord node, string? password, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate;
        lock (_saving)
        {
            gate = _saving.TryGetValue(node.Folder, out var existing) ? existing : _saving[node.Folder] = new SemaphoreSlim(1, 1);
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await RespConnection.OpenAsync(node.Port, password, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                var reply = await connection.CommandAsync(cancellationToken, "BGSAVE").ConfigureAwait(false);
                if (reply.StartsWith("Background saving started", StringComparison.Ordinal))
                {
                    break;
                }

                if (!reply.Contains("in progress", StringComparison.Ordinal))
                {
                    throw new IOException($"BGSAVE on {node.CacheClusterId} failed: {reply}");
                }

                // A save of Redis' own (a replica's sync, a save point) is running: wait for it, then take ours.
                await WaitNoSaveAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            var status = await WaitNoSaveAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!status.Contains("rdb_last_bgsave_status:ok", StringComparison.Ordinal))
            {
                throw new IOException($"BGSAVE on {node.CacheClusterId} failed; see {Path.Combine(node.Folder, "redis.log")}");
            }

            return Path.Combine(node.Folder, "dump.rdb");
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<string> WaitNoSaveAsync(RespConnection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            var info = await connection.CommandAsync(cancellationToken, "INFO", "persistence").ConfigureAwait(false);
            if (info.Contains("rdb_bgsave_in_progress:0", StringComparison.Ordinal))
            {
                return info;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WaitReadyAsync(NodeRecord node, Process process, bool replica, string? password, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new IOException($"redis-server of {node.CacheClusterId} exited with code {process.ExitCode}: {LogTail(node)}");
            }

            try
            {
                await using var connection = await RespConnection.OpenAsync(node.Port, password, cancellationToken).ConfigureAwait(false);
                var reply = await connection.CommandAsync(cancellationToken, "PING").ConfigureAwait(false);
                if (reply == "PONG" && (!replica || (await connection.CommandAsync(cancellationToken, "INFO", "replication").ConfigureAwait(false))
                        .Contains("master_link_status:up", StringComparison.Ordinal)))
                {
                    return;
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // Not listening yet, or gone: the next turn tells.
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new IOException($"redis-server of {node.CacheClusterId} was not ready within {ReadyTimeout.TotalSeconds:0} s: {LogTail(node)}");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> IsOursAndRunningAsync(NodeRecord node, string? password, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await RespConnection.OpenAsync(node.Port, password, cancellationToken).ConfigureAwait(false);
            return await IsInFolderAsync(connection, node).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> IsInFolderAsync(RespConnection connection, NodeRecord node)
    {
        var dir = await connection.CommandAsync(CancellationToken.None, "CONFIG", "GET", "dir").ConfigureAwait(false);
        return dir.Split('\n') is [_, var folder] && Path.GetFullPath(folder) == Path.GetFullPath(node.Folder);
    }

    private static string LogTail(NodeRecord node)
    {
        var log = Path.Combine(node.Folder, "redis.log");
        if (!File.Exists(log))
        {
            return "no log";
        }

        var lines = File.ReadAllLines(log);
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - 4)));
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
