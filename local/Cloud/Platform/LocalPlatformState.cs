using DisasterRecovery.LocalEks;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalSecretsManager;


namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// Where the <see cref="LocalPlatformStandIn"/> reads the application's state at each health check, the two objects a
/// real deployment of the technician marketplace reads too: the EKS emulator's production/backend deployment (0
/// replicas = stopped) with the ConfigMap <see cref="DatabaseConfigMap.Name"/> its pods read when they started (where
/// the database is: host, port, database name), and the Secrets Manager emulator's database secret (the credentials;
/// also host, port and dbname, used where the ConfigMap says nothing). Either emulator may be absent; the stand-in then
/// uses what is left, down to the local servers' own settings.
/// </summary>
/// <param name="Eks">The cluster, if emulated.</param>
/// <param name="Secrets">The secrets, if emulated.</param>
public sealed record LocalPlatformState(EksEmulator? Eks, SecretStore? Secrets)
{
    /// <summary>No emulators: the stand-in checks the local servers' own settings.</summary>
    public static readonly LocalPlatformState None = new(null, null);

    /// <summary>The state of a local cloud's platform emulators.</summary>
    public static LocalPlatformState Of(LocalCloudHost cloud) =>
        new(cloud.Emulators.Find("eks") as EksEmulator, (cloud.Emulators.Find("secretsmanager") as SecretsManagerEmulator)?.Store);

    /// <summary>production/backend's replicas; null when there is no cluster, -1 when the deployment does not exist.</summary>
    public int? BackendReplicas() => Eks is null ? null : Eks.Replicas(PlatformEmulators.Namespace, PlatformEmulators.Deployment) ?? -1;

    /// <summary>
    /// The database secret's connection, null when there is no such secret (then the stand-in uses the servers' own
    /// settings). When the secret exists but cannot be used, <paramref name="problem"/> says why (never a value).
    /// </summary>
    public LocalDatabaseSecret? DatabaseSecret(out string? problem)
    {
        problem = null;
        try
        {
            if (Secrets is null || !Secrets.Exists(LocalDatabaseSecret.SecretId))
            {
                return null;
            }

            var parsed = LocalDatabaseSecret.TryParse(Secrets.GetValue(LocalDatabaseSecret.SecretId).SecretString, out var why);
            problem = why is null ? null : $"secret {LocalDatabaseSecret.SecretId} is not a database secret: {why}";
            return parsed;
        }
        catch (Exception e) when (e is ServiceErrorException or InvalidDataException or IOException)
        {
            problem = $"secret {LocalDatabaseSecret.SecretId} cannot be read: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// The ConfigMap <c>production/backend-database</c> as production/backend's running pods read it when they started
    /// (not as it is now: pods read a ConfigMap once, so a change takes effect when the deployment is scaled to 0 and
    /// back up, or rolled out). Null when there is no cluster, the deployment has no pods, or they started without it;
    /// when its values cannot be used, <paramref name="problem"/> says why.
    /// </summary>
    public DatabaseConfigMap? DatabaseConfigMapInUse(out string? problem)
    {
        problem = null;
        try
        {
            if (Eks?.ConfigMapInUse(PlatformEmulators.Namespace, PlatformEmulators.Deployment, DatabaseConfigMap.Name) is not { } data)
            {
                return null;
            }

            var parsed = DatabaseConfigMap.TryParse(data, out var why);
            problem = why is null ? null : $"configmap {PlatformEmulators.Namespace}/{DatabaseConfigMap.Name} (as the pods of " +
                                           $"{PlatformEmulators.Namespace}/{PlatformEmulators.Deployment} read it) cannot be used: {why}";
            return parsed;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            problem = $"the cluster's state cannot be read: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// The connection the application makes now: host, port and database from the ConfigMap its pods read (each
    /// absent value from the secret, then from <paramref name="servers"/> with the <c>postgres</c> database); username
    /// and password from the secret, else the servers' superuser. Null only when the secret or the ConfigMap exists
    /// but cannot be used (<paramref name="problem"/> says why, never with a secret value).
    /// </summary>
    public LocalDatabaseSecret? DatabaseConnection(LocalServersInfo servers, out string? problem)
    {
        var secret = DatabaseSecret(out problem);
        if (problem is not null)
        {
            return null;
        }

        var endpoint = DatabaseConfigMapInUse(out problem);
        if (problem is not null)
        {
            return null;
        }

        return new LocalDatabaseSecret(
            secret?.Engine ?? "postgres",
            endpoint?.Host ?? secret?.Host ?? servers.PostgresHost,
            endpoint?.Port ?? secret?.Port ?? servers.PostgresPort,
            secret?.Username ?? servers.PostgresUser,
            secret?.Password ?? servers.PostgresPassword,
            endpoint?.DatabaseName ?? secret?.DatabaseName ?? "postgres");
    }

    /// <summary>
    /// The Redis the application uses now: host and port from the ConfigMap <see cref="RedisConfigMap.Name"/> as the pods read it
    /// when they started (each absent value from the secret <see cref="PlatformEmulators.RedisSecretId"/>, then from
    /// <paramref name="servers"/>); the password from that secret (a secret without one means none), else the servers'.
    /// Null only when the ConfigMap or the secret exists but cannot be used (<paramref name="problem"/> says why, never a value).
    /// </summary>
    public (string Host, int Port, string? Password)? RedisConnection(LocalServersInfo servers, out string? problem)
    {
        problem = null;
        try
        {
            System.Text.Json.Nodes.JsonNode? secret = null;
            if (Secrets is not null && Secrets.Exists(PlatformEmulators.RedisSecretId))
            {
                secret = System.Text.Json.Nodes.JsonNode.Parse(Secrets.GetValue(PlatformEmulators.RedisSecretId).SecretString ?? "{}");
            }

            RedisConfigMap? endpoint = null;
            if (Eks?.ConfigMapInUse(PlatformEmulators.Namespace, PlatformEmulators.Deployment, RedisConfigMap.Name) is { } data)
            {
                endpoint = RedisConfigMap.TryParse(data, out var why);
                if (why is not null)
                {
                    problem = $"configmap {PlatformEmulators.Namespace}/{RedisConfigMap.Name} (as the pods of " +
                              $"{PlatformEmulators.Namespace}/{PlatformEmulators.Deployment} read it) cannot be used: {why}";
                    return null;
                }
            }

            var host = endpoint?.Host ?? secret?["host"]?.GetValue<string>() ?? servers.RedisHost;
            var port = endpoint?.Port ?? secret?["port"]?.GetValue<int>() ?? servers.RedisPort;
            var password = secret is null ? servers.RedisPassword : secret["password"]?.GetValue<string>();
            return (host, port, password);
        }
        catch (Exception e) when (e is ServiceErrorException or InvalidDataException or IOException or System.Text.Json.JsonException
            or InvalidOperationException)
        {
            problem = $"the Redis settings cannot be read (secret {PlatformEmulators.RedisSecretId} or configmap {RedisConfigMap.Name}): " +
                      e.GetType().Name;
            return null;
        }
    }
}
