using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalEks;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalSecretsManager;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// The emulators that stand for the platform the application runs on: Secrets Manager (<c>secrets.json</c>, with the
/// application's database secret seeded from local/servers) and the EKS cluster (<c>eks.json</c>, with the
/// application's deployment and the ConfigMap that says where its database is). The <see cref="LocalPlatformStandIn"/>
/// follows both.
/// </summary>
public static class PlatformEmulators
{
    /// <summary>The application's namespace (plan: <c>kubectl scale deployment/backend -n production</c>).</summary>
    public const string Namespace = "production";

    /// <summary>The application's deployment.</summary>
    public const string Deployment = "backend";

    /// <summary>The Redis secret RedisBackup reads, seeded from local/servers.</summary>
    public const string RedisSecretId = "technician-marketplace/redis";

    /// <summary>How many replicas the deployment has before any flow scales it.</summary>
    public const int SeedReplicas = 3;

    /// <summary>
    /// The environment of the deployment's container besides the ConfigMap: which secret holds the credentials
    /// (<c>DATABASE_SECRET_ID</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> DeploymentEnvironment { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["DATABASE_SECRET_ID"] = LocalDatabaseSecret.SecretId };

    /// <summary>
    /// Registers the <c>secretsmanager</c> and <c>eks</c> emulators over the state folder and seeds, each only if
    /// absent (so what flows changed survives restarts): when a local/servers servers.json is known, the ConfigMap
    /// <c>production/backend-database</c> (<see cref="DatabaseConfigMap"/>) and the secret
    /// <see cref="LocalDatabaseSecret.SecretId"/>; always production/backend with 3 replicas, its container taking its
    /// environment from that ConfigMap (<see cref="SeedPlatform"/>).
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
        emulators.Register(eks);
        serversJson ??= ServersJsonBeside(stateDirectory);
        SeedPlatform(eks, secrets, serversJson);
        SeedRedisSecretIfAbsent(secrets, serversJson);
    }

    /// <summary>
    /// Creates the Redis secret RedisBackup reads (<see cref="RedisSecretId"/>, the template's RedisSecretId default) for the
    /// local/servers Redis of <paramref name="serversJson"/>, unless it exists. True when it created it.
    /// </summary>
    public static bool SeedRedisSecretIfAbsent(SecretStore secrets, string? serversJson) =>
        serversJson is not null
        && secrets.CreateIfAbsent(
            RedisSecretId, RedisSecretString(LocalServersInfo.Read(serversJson)), "Local Redis (local/servers) for the technician marketplace");

    /// <summary>
    /// Seeds what is absent: the ConfigMaps <c>production/backend-database</c> and <c>production/backend-redis</c>
    /// (<see cref="RedisConfigMap"/>) and the secret <see cref="LocalDatabaseSecret.SecretId"/> for the servers of
    /// <paramref name="serversJson"/> (when given), and production/backend (3 replicas, <c>envFrom</c> both ConfigMaps,
    /// <see cref="DeploymentEnvironment"/>), whose pods read the ConfigMaps as seeded, and the Redis secret
    /// (<see cref="SeedRedisSecretIfAbsent"/>). Returns what it created, e.g.
    /// <c>["configmap production/backend-database"]</c>.
    /// </summary>
    /// <exception cref="LocalCloudException">servers.json cannot be read.</exception>
    public static IReadOnlyList<string> SeedPlatform(EksEmulator eks, SecretStore secrets, string? serversJson)
    {
        var created = new List<string>();
        var servers = serversJson is null ? null : LocalServersInfo.Read(serversJson);
        if (servers is not null && DatabaseConfigMap.SeedIfAbsent(eks, servers))
        {
            created.Add($"configmap {Namespace}/{DatabaseConfigMap.Name}");
        }

        if (servers is not null && RedisConfigMap.SeedIfAbsent(eks, servers))
        {
            created.Add($"configmap {Namespace}/{RedisConfigMap.Name}");
        }

        if (eks.EnsureDeployment(Namespace, Deployment, SeedReplicas, [DatabaseConfigMap.Name, RedisConfigMap.Name], DeploymentEnvironment))
        {
            created.Add($"deployment {Namespace}/{Deployment}");
        }

        if (serversJson is not null && LocalDatabaseSecret.SeedIfAbsent(secrets, serversJson))
        {
            created.Add($"secret {LocalDatabaseSecret.SecretId}");
        }

        if (SeedRedisSecretIfAbsent(secrets, serversJson))
        {
            created.Add($"secret {RedisSecretId}");
        }

        return created;
    }

    private static string RedisSecretString(LocalServersInfo servers) => new System.Text.Json.Nodes.JsonObject
    {
        ["host"] = servers.RedisHost,
        ["port"] = servers.RedisPort,
        ["password"] = servers.RedisPassword,
    }.ToJsonString();

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
