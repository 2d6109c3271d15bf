using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>
/// The PostgreSQL 15 installation and the unprivileged user the clusters run as, with every operation the
/// emulator performs on clusters and their files. Administration goes over each cluster's Unix socket, where
/// local/servers' and the emulator's clusters trust local connections, so the emulator never needs a password.
/// </summary>
internal sealed partial class PostgresHost
{
    private readonly string _managedRoot;

    private PostgresHost(string binDirectory, string version, CommandRunner runner, string managedRoot)
    {
        BinDirectory = binDirectory;
        Version = version;
        Runner = runner;
        _managedRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(managedRoot)) + Path.DirectorySeparatorChar;
    }

    public string BinDirectory { get; }

    /// <summary>The server version, e.g. 15.18.</summary>
    public string Version { get; }

    public CommandRunner Runner { get; }

    /// <summary>Finds PostgreSQL 15 and the service user; everything under <paramref name="managedRoot"/> may be created and removed.</summary>
    public static async Task<PostgresHost> CreateAsync(string? binDirectory, string? serviceUser, string managedRoot, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory(binDirectory);
        var probe = new CommandRunner(null);
        var versionText = (await probe.RunCheckedAsync(Path.Combine(bin, "postgres"), ["--version"], false, cancellationToken).ConfigureAwait(false)).Output;
        var match = VersionPattern().Match(versionText);
        if (!match.Success || match.Groups["major"].Value != "15")
        {
            throw new InvalidOperationException(
                $"{bin}/postgres is '{versionText.Trim()}'; the RDS emulator needs PostgreSQL 15 (the plan's RDS engine). Install it: apt-get install " +
                $"postgresql-15");
        }

        var user = await ResolveServiceUserAsync(probe, serviceUser, cancellationToken).ConfigureAwait(false);
        return new PostgresHost(bin, match.Groups["version"].Value, new CommandRunner(user), managedRoot);
    }

    public string Bin(string program) => Path.Combine(BinDirectory, program);

    /// <summary>Creates a folder (and its parents) owned by the service user, readable only by it.</summary>
    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken) =>
        Runner.RunCheckedAsync("mkdir", ["-p", "-m", "0700", path], true, cancellationToken);

    /// <summary>Removes a folder the emulator made; anything outside its own state folder is refused.</summary>
    public async Task RemoveDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!full.StartsWith(_managedRoot, StringComparison.Ordinal) || full.Length <= _managedRoot.Length)
        {
            throw new InvalidOperationException($"refusing to remove {full}: not inside the emulator's folder {_managedRoot}");
        }

        await Runner.RunCheckedAsync("rm", ["-rf", "--", full], true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies a backup folder (modes kept) to a path that must not exist yet.</summary>
    public Task CopyDirectoryAsync(string source, string target, CancellationToken cancellationToken) =>
        Runner.RunCheckedAsync("cp", ["-a", "--", source, target], true, cancellationToken);

    /// <summary>Writes (or appends to) a file as the service user, so the server may read and later rewrite it.</summary>
    public Task WriteFileAsync(string path, string content, bool append, CancellationToken cancellationToken) =>
        Runner.RunCheckedAsync("/bin/sh", ["-c", append ? "cat >> \"$1\"" : "cat > \"$1\"", "sh", path], true, cancellationToken, standardInput: content);

    /// <summary>initdb: trust on the Unix socket (0700, service user only), scram-sha-256 on TCP, 1 MB WAL segments to keep archives small.</summary>
    public Task InitAsync(string dataDirectory, string masterUser, CancellationToken cancellationToken) =>
        Runner.RunCheckedAsync(
            Bin("initdb"),
            ["-D", dataDirectory, "-U", masterUser, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
             "--locale=C.UTF-8", "--data-checksums", "--wal-segsize=1", "--no-sync", "--no-instructions"],
            true,
            cancellationToken,
            TimeSpan.FromMinutes(2));

    public async Task StartAsync(string dataDirectory, string logFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var seconds = ((int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var result = await Runner.RunAsync(Bin("pg_ctl"), ["-D", dataDirectory, "-l", logFile, "-w", "-t", seconds, "start"], true, cancellationToken,
            timeout + TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ClusterOperationException($"PostgreSQL in {dataDirectory} did not start: {result.Tail(3)}\n{LogTail(logFile)}");
        }
    }

    public async Task StopAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (!await IsRunningAsync(dataDirectory, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        await Runner.RunCheckedAsync(Bin("pg_ctl"), ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], true, cancellationToken,
            TimeSpan.FromSeconds(90)).ConfigureAwait(false);
    }

    public async Task<bool> IsRunningAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return false;
        }

        var result = await Runner.RunAsync(Bin("pg_ctl"), ["-D", dataDirectory, "status"], true, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    /// <summary>
    /// Waits until the cluster accepts connections as a primary (recovery over, promoted). Fails early when the
    /// server has exited, e.g. because recovery could not reach its target.
    /// </summary>
    public async Task WaitUntilPrimaryAsync(ClusterAddress address, string dataDirectory, string logFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                var inRecovery = await QueryScalarAsync<bool>(address, "SELECT pg_is_in_recovery()", cancellationToken).ConfigureAwait(false);
                if (!inRecovery)
                {
                    return;
                }
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or IOException or TimeoutException)
            {
                if (!await IsRunningAsync(dataDirectory, cancellationToken).ConfigureAwait(false))
                {
                    throw new ClusterOperationException($"PostgreSQL in {dataDirectory} stopped before accepting connections:\n{LogTail(logFile)}", e);
                }
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ClusterOperationException($"PostgreSQL in {dataDirectory} did not finish recovery within {timeout}:\n{LogTail(logFile)}");
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 1000));
        }
    }

    /// <summary>
    /// pg_basebackup over the cluster's socket. <paramref name="includeWal"/> streams the WAL into the copy
    /// (a snapshot, self-contained); without it the copy relies on the WAL archive and pg_basebackup waits until
    /// the segments it needs are archived (an automated backup for point-in-time recovery). Returns the first WAL
    /// file the backup needs, from its backup_label.
    /// </summary>
    public async Task<string> BaseBackupAsync(ClusterAddress address, string target, bool includeWal, CancellationToken cancellationToken)
    {
        await Runner.RunCheckedAsync(
            Bin("pg_basebackup"),
            ["-h", address.SocketDirectory, "-p", address.Port.ToString(CultureInfo.InvariantCulture), "-U", address.User, "--no-password",
             "-D", target, "-X", includeWal ? "stream" : "none", "-c", "fast", "--label", "local-rds"],
            true,
            cancellationToken,
            TimeSpan.FromMinutes(30)).ConfigureAwait(false);
        var label = await File.ReadAllTextAsync(Path.Combine(target, "backup_label"), cancellationToken).ConfigureAwait(false);
        var match = StartWalPattern().Match(label);
        return match.Success ? match.Groups["file"].Value : throw new ClusterOperationException($"no START WAL LOCATION in {target}/backup_label");
    }

    /// <summary>
    /// The commit (or abort) time of the last transaction in one archived WAL segment, read with pg_waldump;
    /// null when the segment holds no transaction end. pg_waldump prints times in its own time zone, so TZ=UTC.
    /// </summary>
    public async Task<DateTimeOffset?> LastTransactionTimeAsync(string segmentPath, CancellationToken cancellationToken)
    {
        var result = await Runner.RunAsync(
            Bin("pg_waldump"),
            ["--rmgr=Transaction", segmentPath, segmentPath],
            false,
            cancellationToken,
            TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["TZ"] = "UTC" }).ConfigureAwait(false);
        DateTimeOffset? last = null;
        foreach (Match match in TransactionEndPattern().Matches(result.Output))
        {
            var time = Api.RdsTime.ParseWalDump(match.Groups["time"].Value);
            if (last is null || time > last)
            {
                last = time;
            }
        }

        return last;
    }

    public async Task<T> QueryScalarAsync<T>(ClusterAddress address, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(address.ConnectionString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return (T)value!;
    }

    public async Task ExecuteAsync(ClusterAddress address, CancellationToken cancellationToken, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(address.ConnectionString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in statements)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A loopback port nobody listens on now and that no instance has claimed.</summary>
    public static int FreePort(IReadOnlySet<int> claimed)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (!claimed.Contains(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free loopback port found");
    }

    /// <summary>The last lines of a server log, for a failure message (the server never logs passwords we send: we send none).</summary>
    public static string LogTail(string logFile, int lines = 15)
    {
        try
        {
            var text = File.ReadAllLines(logFile, Encoding.UTF8);
            return string.Join('\n', text.TakeLast(lines));
        }
        catch (IOException)
        {
            return $"(no log at {logFile})";
        }
        catch (UnauthorizedAccessException)
        {
            return $"(log {logFile} not readable)";
        }
    }

    private static string FindBinDirectory(string? configured)
    {
        var candidates = new List<string>();
        if (configured is not null)
        {
            candidates.Add(configured);
        }
        else
        {
            candidates.Add("/usr/lib/postgresql/15/bin");
            candidates.Add("/usr/pgsql-15/bin");
            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException(
            $"PostgreSQL 15 server binaries not found (looked in {string.Join(", ", candidates.Take(3))} and PATH). Install them: apt-get install " +
                $"postgresql-15");
    }

    private static async Task<string?> ResolveServiceUserAsync(CommandRunner probe, string? configured, CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            // Not root: the clusters run as this user, as local/servers does.
            return null;
        }

        foreach (var user in configured is null ? ["postgres", "nobody"] : new[] { configured })
        {
            var id = await probe.RunAsync("id", ["-u", user], false, cancellationToken).ConfigureAwait(false);
            if (id.Succeeded && id.Output.Trim() != "0")
            {
                return user;
            }
        }

        throw new InvalidOperationException($"running as root, but no unprivileged user ({configured ?? "postgres or nobody"}) exists to run PostgreSQL as");
    }

    [GeneratedRegex(@"\(PostgreSQL\) (?<version>(?<major>\d+)\.\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"START WAL LOCATION: \S+ \(file (?<file>[0-9A-F]{24})\)", RegexOptions.CultureInvariant)]
    private static partial Regex StartWalPattern();

    [GeneratedRegex(@"desc: (?:COMMIT|ABORT)(?:_PREPARED)?(?: \d+:)? (?<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}) UTC", RegexOptions.CultureInvariant)]
    private static partial Regex TransactionEndPattern();
}

/// <summary>Where to reach a cluster for administration: its Unix socket folder, port and superuser.</summary>
internal sealed record ClusterAddress(string SocketDirectory, int Port, string User)
{
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = User,
        Database = database,
        Pooling = false,
        Timeout = 5,
        CommandTimeout = 600,
    }.ConnectionString;
}
