using System.Globalization;
using DisasterRecovery.LocalEks;

namespace DisasterRecovery.LocalCloud.Platform;

/// <summary>
/// Where the application's database is, the Kubernetes way: the ConfigMap <c>production/backend-database</c> with
/// <c>DATABASE_HOST</c>, <c>DATABASE_PORT</c> and <c>DATABASE_NAME</c>, which the backend deployment's pods take as
/// environment variables (<c>envFrom: configMapRef</c>) when they start. The credentials stay in the Secrets Manager
/// secret <see cref="LocalDatabaseSecret.SecretId"/>, so a flow switches the application to a restored database by
/// patching this ConfigMap and restarting the pods, without ever handling the password. A member that is absent
/// leaves that part to the secret.
/// </summary>
/// <param name="Host">DATABASE_HOST, if set.</param>
/// <param name="Port">DATABASE_PORT, if set.</param>
/// <param name="DatabaseName">DATABASE_NAME, if set.</param>
public sealed record DatabaseConfigMap(string? Host, int? Port, string? DatabaseName)
{
    /// <summary>The ConfigMap's name (in <see cref="PlatformEmulators.Namespace"/>).</summary>
    public const string Name = "backend-database";

    /// <summary>The database host key.</summary>
    public const string HostKey = "DATABASE_HOST";

    /// <summary>The database port key (a string, as every ConfigMap value).</summary>
    public const string PortKey = "DATABASE_PORT";

    /// <summary>The database name key.</summary>
    public const string DatabaseNameKey = "DATABASE_NAME";

    /// <summary>The ConfigMap's data for the local cluster and the application's database.</summary>
    public static IReadOnlyDictionary<string, string> DataFor(LocalServersInfo servers, string databaseName = LocalDatabaseSecret.ApplicationDatabase) =>
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [HostKey] = servers.PostgresHost,
            [PortKey] = servers.PostgresPort.ToString(CultureInfo.InvariantCulture),
            [DatabaseNameKey] = databaseName,
        };

    /// <summary>
    /// Creates <c>production/backend-database</c> for the local cluster unless it exists (an existing one, perhaps
    /// switched to a restored database by a flow, is left alone). True when it created it.
    /// </summary>
    public static bool SeedIfAbsent(EksEmulator eks, LocalServersInfo servers) =>
        eks.ConfigMap(PlatformEmulators.Namespace, Name) is null && eks.EnsureConfigMap(PlatformEmulators.Namespace, Name, DataFor(servers));

    /// <summary>As <see cref="SeedIfAbsent(EksEmulator, LocalServersInfo)"/>, from a local/servers servers.json.</summary>
    /// <exception cref="LocalCloudException">servers.json cannot be read.</exception>
    public static bool SeedIfAbsent(EksEmulator eks, string serversJson) =>
        eks.ConfigMap(PlatformEmulators.Namespace, Name) is null && SeedIfAbsent(eks, LocalServersInfo.Read(serversJson));

    /// <summary>
    /// Reads the ConfigMap's data; null when a value cannot be used (the reason goes to <paramref name="problem"/>;
    /// ConfigMap values are not secret, but a value is not repeated in it either).
    /// </summary>
    public static DatabaseConfigMap? TryParse(IReadOnlyDictionary<string, string> data, out string? problem)
    {
        problem = null;
        var empty = new[] { HostKey, PortKey, DatabaseNameKey }.Where(k => data.TryGetValue(k, out var v) && string.IsNullOrWhiteSpace(v)).ToList();
        if (empty.Count > 0)
        {
            problem = $"{string.Join(", ", empty)} {(empty.Count == 1 ? "is" : "are")} empty";
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

        return new DatabaseConfigMap(data.GetValueOrDefault(HostKey), port, data.GetValueOrDefault(DatabaseNameKey));
    }
}
