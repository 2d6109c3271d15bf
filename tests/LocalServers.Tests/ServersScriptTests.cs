using System.Net;
using System.Net.Sockets;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalServers.Tests;

/// <summary>
/// The start/stop script itself, on a private state folder and private ports so the servers the
/// other tests use are never touched.
/// </summary>
public sealed class ServersScriptTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "dr-servers-test-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _environment;

    public ServersScriptTests()
    {
        _environment = new Dictionary<string, string>
        {
            ["DR_STATE_DIR"] = _state,
            ["DR_PG_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DR_REDIS_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    [Fact]
    public void StartStop_WhenRepeated_ShouldBeIdempotentAndLeaveNothingRunning()
    {
        var first = Run("start");
        var info = TestSupport.LocalServers.ReadInfo(Path.Combine(_state, "servers.json"));
        var postmaster = ReadPid(Path.Combine(info.Postgres.DataDirectory, "postmaster.pid"));
        var redisPid = ReadPid(Path.Combine(_state, "redis", "redis.pid"));

        var second = Run("start");
        var samePostmaster = ReadPid(Path.Combine(info.Postgres.DataDirectory, "postmaster.pid"));
        var stopped = Run("stop");
        var stoppedAgain = Run("stop");
        var status = TestSupport.LocalServers.RunScript(_environment, "status");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("already running", second.Output, StringComparison.Ordinal);
        Assert.Equal(postmaster, samePostmaster);
        Assert.Equal(0, stopped.ExitCode);
        Assert.Equal(0, stoppedAgain.ExitCode);
        Assert.Equal(3, status.ExitCode);
        Assert.False(IsAlive(postmaster), "postgres is still running after stop");
        Assert.False(IsAlive(redisPid), "redis-server is still running after stop");
        Assert.False(PortOpen(info.Postgres.Port));
        Assert.False(PortOpen(info.Redis.Port));
        Assert.False(File.Exists(Path.Combine(_state, "servers.json")));
    }

    [Fact]
    public void Start_WhenStoppedAndStartedAgain_ShouldKeepTheDataAndPasswords()
    {
        Run("start");
        var before = File.ReadAllText(Path.Combine(_state, "postgres-superuser-password"));
        Run("stop");

        var again = Run("start");

        Assert.Equal(0, again.ExitCode);
        Assert.DoesNotContain("initializing", again.Output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(_state, "postgres-superuser-password")));
        Assert.DoesNotContain(before.Trim(), again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WhenThePortsChangeBetweenRuns_ShouldListenWhereServersJsonSaysOrRefuseWhileRunningElsewhere()
    {
        // Arrange: the servers of this state folder run on the first ports.
        Run("start");
        var first = TestSupport.LocalServers.ReadInfo(Path.Combine(_state, "servers.json"));
        _environment["DR_PG_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _environment["DR_REDIS_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Act: other ports while they run (refused), then after a stop.
        var whileRunning = TestSupport.LocalServers.RunScript(_environment, "start");
        Run("stop");
        Run("start");
        var moved = TestSupport.LocalServers.ReadInfo(Path.Combine(_state, "servers.json"));

        // Assert
        Assert.Equal(2, whileRunning.ExitCode);
        Assert.Contains($"already runs on 127.0.0.1:{first.Postgres.Port}, not {_environment["DR_PG_PORT"]}", whileRunning.Output, StringComparison.Ordinal);
        Assert.Equal(int.Parse(_environment["DR_PG_PORT"], System.Globalization.CultureInfo.InvariantCulture), moved.Postgres.Port);
        Assert.Equal(int.Parse(_environment["DR_REDIS_PORT"], System.Globalization.CultureInfo.InvariantCulture), moved.Redis.Port);
        Assert.True(PortOpen(moved.Postgres.Port), "PostgreSQL does not listen where servers.json says");
        Assert.True(PortOpen(moved.Redis.Port), "Redis does not listen where servers.json says");
        Assert.False(PortOpen(first.Postgres.Port));
    }

    [Fact]
    public void Start_WhenRedisServerIsMissing_ShouldSayWhatToInstallAndStartNothing()
    {
        var bin = Path.Combine(_state, "bin-without-redis");
        Directory.CreateDirectory(bin);
        foreach (var dir in new[] { "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin" })
        {
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var tool in Directory.EnumerateFiles(dir))
            {
                var name = Path.GetFileName(tool);
                var link = Path.Combine(bin, name);
                if (!name.StartsWith("redis", StringComparison.Ordinal) && !File.Exists(link))
                {
                    File.CreateSymbolicLink(link, tool);
                }
            }
        }

        var result = TestSupport.LocalServers.RunScript(new Dictionary<string, string>(_environment) { ["PATH"] = bin }, "start");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("redis-server not found", result.Output, StringComparison.Ordinal);
        Assert.Contains("apt-get install redis-server", result.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_state, "postgres", "data")));
    }

    [Fact]
    public void Run_WhenCommandIsUnknown_ShouldPrintUsage()
    {
        var result = TestSupport.LocalServers.RunScript(_environment, "restart-everything");

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("usage: local/servers start|stop|status|info", result.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        TestSupport.LocalServers.RunScript(_environment, "stop");
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private (int ExitCode, string Output) Run(string command)
    {
        var result = TestSupport.LocalServers.RunScript(_environment, command);
        Assert.True(result.ExitCode == 0, $"local/servers {command} failed: {result.Output}");
        return result;
    }

    private static int ReadPid(string file) =>
        int.Parse(File.ReadLines(file).First().Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") &&
        !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);

    private static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
