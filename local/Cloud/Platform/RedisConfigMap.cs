using System.Globalization;
using DisasterRecovery.LocalEks;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// Where the application's Redis is, the Kubernetes way: the ConfigMap <c>production/backend-redis</c> with <c>REDIS_HOST</c>
/// and <c>REDIS_PORT</c>, which the backend deployment's pods take as environment variables when they start. The password
/// stays in the Secrets Manager secret <see cref="PlatformEmulators.RedisSecretId"/>; restore-redis switches the application to
/// a restored server by writing this ConfigMap and restarting the pods. A member that is absent leaves that part to the secret.
/// </summary>
/// <param name="Host">REDIS_HOST, if set.</param>
/// <param name="Port">REDIS_PORT, if set.</param>
public sealed record RedisConfigMap(string? Host, int? Port)
{
    /// <summary>The ConfigMap's name (in <see cref="PlatformEmulators.Namespace"/>; the template's ApplicationRedisConfigMap default).</summary>
    public const string Name = "backend-redis";

    /// <summary>The Redis host key.</summary>
    public const string HostKey = "REDIS_HOST";

    /// <summary>The Redis port key (a string, as every ConfigMap value).</summary>
    public const string PortKey = "REDIS_PORT";

    /// <summary>The ConfigMap's data for the local Redis.</summary>
    public static IReadOnlyDictionary<string, string> DataFor(LocalServersInfo servers) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [HostKey] = servers.RedisHost,
        [PortKey] = servers.RedisPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Creates <c>production/backend-redis</c> for the local Redis unless it exists. True when it created it.</summary>
    public static bool SeedIfAbsent(EksEmulator eks, LocalServersInfo servers) =>
        eks.ConfigMap(PlatformEmulators.Namespace, Name) is null && eks.EnsureConfigMap(PlatformEmulators.Namespace, Name, DataFor(servers));

    /// <summary>Reads the ConfigMap's data; null when a value cannot be used (the reason goes to <paramref name="problem"/>).</summary>
    public static RedisConfigMap? TryParse(IReadOnlyDictionary<string, string> data, out string? problem)
    {
        problem = null;
        if (data.TryGetValue(HostKey, out var host) && string.IsNullOrWhiteSpace(host))
        {
            problem = $"{HostKey} is empty";
            return null;
        }

        int? port = null;
        if (data.TryGetValue(PortKey, out var portText))
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                problem = $"{PortKey} is not a port number";
                return null;
            }

            port = number;
        }

        return new RedisConfigMap(host, port);
    }
}
