using System.Globalization;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// A <c>local/servers</c> instance of a test's own: a temporary state folder and free ports, so the shared
/// servers are untouched. Disposing stops it and deletes the folder.
/// </summary>
public sealed class PrivateLocalServers : IDisposable
{
    private readonly Dictionary<string, string> _environment;

    private PrivateLocalServers(string folderPrefix)
    {
        StateFolder = Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N")[..8]);
        _environment = new Dictionary<string, string>
        {
            ["DR_STATE_DIR"] = StateFolder,
            ["DR_PG_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["DR_REDIS_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
        };
    }

    public string StateFolder { get; }

    /// <summary>The servers.json the script wrote.</summary>
    public string ServersJson => Path.Combine(StateFolder, "servers.json");

    /// <summary>Starts the servers; a failed start throws with the script's output.</summary>
    public static PrivateLocalServers Start(string folderPrefix)
    {
        var servers = new PrivateLocalServers(folderPrefix);
        var (code, output) = LocalServers.RunScript(servers._environment, "start");
        if (code != 0)
        {
            servers.Dispose();
            throw new InvalidOperationException($"local/servers start failed ({code}): {output}");
        }

        return servers;
    }

    /// <summary>Runs <c>local/servers &lt;command&gt;</c> again on these servers (e.g. start, to see what a second start does).</summary>
    public (int ExitCode, string Output) Run(string command) => LocalServers.RunScript(_environment, command);

    public void Dispose()
    {
        LocalServers.RunScript(_environment, "stop");
        if (Directory.Exists(StateFolder))
        {
            Directory.Delete(StateFolder, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
