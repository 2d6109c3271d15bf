using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud;
using DisasterRecovery.LocalRds;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>An RDS instance's status in a local cloud, as the flows' tests read it.</summary>
public static class RdsInstanceStatus
{
    /// <summary>The instance's status, or null when RDS does not know it.</summary>
    public static async Task<string?> InstanceStatusAsync(this LocalCloudHost cloud, string identifier)
    {
        try
        {
            var rds = await cloud.GetRdsAsync();
            var result = await rds.CallAsync(cloud.Stack.Region, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = identifier });
            return result?["DbInstances"]?[0]?["DbInstanceStatus"]?.GetValue<string>();
        }
        catch (RdsEmulatorException e) when (e.ErrorName == "Rds.DbInstanceNotFoundException")
        {
            return null;
        }
    }

    /// <summary>Polls (each describe waits for the emulator's work) until the instance is gone; its last status otherwise.</summary>
    public static async Task<string?> InstanceStatusAfterDeletionAsync(this LocalCloudHost cloud, string identifier)
    {
        string? status = null;
        for (var i = 0; i < 30; i++)
        {
            status = await cloud.InstanceStatusAsync(identifier);
            if (status is null)
            {
                return null;
            }
        }

        return status;
    }
}
