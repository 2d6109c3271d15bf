using DisasterRecovery.LocalCloudWatch;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRds;
using DisasterRecovery.LocalSecretsManager;

namespace DisasterRecovery.LocalCloud;

/// <summary>RDS's managed master secrets (ManageMasterUserPassword) kept in the local cloud's Secrets Manager, as RDS keeps them.</summary>
internal sealed class SecretsManagerForRds(ServiceEmulatorRegistry emulators) : IRdsManagedSecrets
{
    public string Create(string name, string secretString, string description) =>
        emulators.Get<SecretsManagerEmulator>().Store.Create(new NewSecret(name) { SecretString = secretString, Description = description }).Arn;
}

/// <summary>What RDS publishes to CloudWatch (AWS/RDS FreeStorageSpace per DBInstanceIdentifier), read from the local RDS emulator.</summary>
internal sealed class RdsMetricsForCloudWatch(RdsServiceEmulator rds) : IServiceMetricSource
{
    public async Task<double?> ReadAsync(
        string metricNamespace, string metricName, IReadOnlyDictionary<string, string> dimensions, CancellationToken cancellationToken)
    {
        if (metricNamespace != "AWS/RDS" || metricName != "FreeStorageSpace" || dimensions.Count != 1
            || !dimensions.TryGetValue("DBInstanceIdentifier", out var identifier))
        {
            return null;
        }

        var emulator = await rds.GetAsync(cancellationToken).ConfigureAwait(false);
        return emulator.FreeStorageBytes(rds.Region, identifier);
    }
}
