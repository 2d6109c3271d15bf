using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// Local clouds for the RDS tests: a template the test writes, the shared local/servers cluster adopted as
/// <c>technician-marketplace</c> (each new state folder takes one base backup of it), a virtual clock.
/// </summary>
public static class RdsTestHosts
{
    /// <summary>The servers.json of the running local/servers (started if needed).</summary>
    public static string ServersInfoFile => LocalServers.InfoFile;

    /// <summary>The shared PostgreSQL's port, as servers.json says.</summary>
    public static int MarketplacePort => LocalServers.Postgres.Port;

    /// <summary>A local cloud over <paramref name="templatePath"/> that adopts the shared cluster on its first rds call.</summary>
    public static LocalCloudHost Create(string templatePath, string stateDirectory) => LocalCloudHost.Create(new LocalCloudOptions
    {
        TemplatePath = templatePath,
        StateDirectory = stateDirectory,
        Settings = new StackSettings(),
        Clock = new VirtualTimeProvider(),
        Random = new Random(7),
        LocalServersInfoFile = ServersInfoFile,
    });

    /// <summary>What the RDS emulator logged so far (for failure messages; it never logs passwords).</summary>
    public static string Log(LocalCloudHost cloud)
    {
        if (!File.Exists(cloud.Rds.LogFile))
        {
            return "(no rds.log)";
        }

        using var stream = new FileStream(cloud.Rds.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(30));
    }
}
