using DisasterRecovery.LocalCloud.Emulators;
using DisasterRecovery.LocalCloud.Secrets;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// The emulators that stand for the platform the application runs on: Secrets Manager (<c>secrets.json</c>, with the
/// application's database secret seeded from local/servers) and the EKS cluster (<c>eks.json</c>, with the
/// application's deployment). The <see cref="LocalPlatformStandIn"/> follows both.
/// </summary>
public static class PlatformEmulators
{
    /// <summary>The application's namespace (plan: <c>kubectl scale deployment/backend -n production</c>).</summary>
    public const string Namespace = "production";

    /// <summary>The application's deployment.</summary>
    public const string Deployment = "backend";

    /// <summary>How many replicas the deployment has before any flow scales it.</summary>
    public const int SeedReplicas = 3;

    /// <summary>
    /// Registers the <c>secretsmanager</c> and <c>eks</c> emulators over the state folder, seeds production/backend (3
    /// replicas) and, when a local/servers servers.json is known, the <see cref="LocalDatabaseSecret.SecretId"/> secret;
    /// both only if absent, so what flows changed survives restarts.
    /// </summary>
    /// <param name="emulators">The registry to add them to.</param>
    /// <param name="stateDirectory">The local cloud's state folder.</param>
    /// <param name="stack">The stack (region and account of the secrets' ARNs).</param>
    /// <param name="clock">The engine's clock.</param>
    /// <param name="serversJson">local/servers' servers.json; null looks for one beside the state folder (<see cref="ServersJsonBeside"/>).</param>
    /// <exception cref="LocalCloudException">servers.json (given or found) cannot be read.</exception>
    public static void Register(ServiceEmulatorRegistry emulators, string stateDirectory, LoadedStack stack, TimeProvider clock, string? serversJson)
    {
        var secrets = new SecretStore(Path.Combine(stateDirectory, "secrets.json"), stack.Region, stack.AccountId, clock);
        emulators.Register(new SecretsManagerEmulator(secrets));
        var eks = new EksEmulator(Path.Combine(stateDirectory, "eks.json"), clock);
        eks.EnsureDeployment(Namespace, Deployment, SeedReplicas);
        emulators.Register(eks);
        if ((serversJson ?? ServersJsonBeside(stateDirectory)) is { } info)
        {
            LocalDatabaseSecret.SeedIfAbsent(secrets, info);
        }
    }

    /// <summary>
    /// servers.json in the folder that holds the state folder, if it exists: local/servers and local/dr share
    /// <c>$DR_STATE_DIR</c> (default <c>.local-state</c>), the cloud keeping its state in its <c>cloud</c> subfolder.
    /// </summary>
    public static string? ServersJsonBeside(string stateDirectory)
    {
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(stateDirectory)));
        var candidate = parent is null ? null : Path.Combine(parent, "servers.json");
        return candidate is not null && File.Exists(candidate) ? candidate : null;
    }
}
