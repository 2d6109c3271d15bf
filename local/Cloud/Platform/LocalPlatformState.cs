using DisasterRecovery.LocalCloud.Emulators;
using DisasterRecovery.LocalCloud.Secrets;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// Where the <see cref="LocalPlatformStandIn"/> reads the application's state at each health check: the EKS
/// emulator's production/backend deployment (0 replicas = stopped) and the Secrets Manager emulator's database secret
/// (which database the application uses). Either may be absent; the stand-in then behaves as before.
/// </summary>
/// <param name="Eks">The cluster, if emulated.</param>
/// <param name="Secrets">The secrets, if emulated.</param>
public sealed record LocalPlatformState(EksEmulator? Eks, SecretStore? Secrets)
{
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
}
