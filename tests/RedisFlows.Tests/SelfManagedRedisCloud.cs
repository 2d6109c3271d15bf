using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RedisFlows.Tests;

/// <summary>
/// The local cloud protecting a self-managed Redis (RedisKind self-managed, the template's default): production is the
/// local/servers Redis, which the seeded secret <c>technician-marketplace/redis</c> names and RedisBackup backs up.
/// </summary>
public sealed class SelfManagedRedisCloud : RedisFlowCloud
{
    protected override IReadOnlyDictionary<string, string> StackParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EksEndpoint"] = "https://local-eks.invalid",
        ["EksCertificateAuthority"] = "TG9jYWwgRUtTIGVtdWxhdG9y",
    };

    protected override bool CreatesProductionGroup => false;

    /// <summary>local/servers as the local cloud reads them.</summary>
    public static LocalServersInfo Servers => LocalServersInfo.Read(LocalServers.InfoFile);
}
