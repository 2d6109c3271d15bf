using System.Text.Json.Nodes;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

/// <summary>
/// The response objects, with RDS's fields named as Step Functions returns them (the AWS SDK for Java v2 names:
/// DbInstanceIdentifier, DbInstanceStatus, Endpoint.Address, LatestRestorableTime…). Fields that describe AWS
/// infrastructure the emulator does not have get the values a plain single-AZ gp2 PostgreSQL instance shows.
/// </summary>
internal static class Responses
{
    /// <summary>Where every instance listens: the clusters bind to loopback only.</summary>
    public const string EndpointAddress = "127.0.0.1";

    public static JsonObject Instance(RdsEmulator emulator, InstanceRecord instance, string status, RestoreWindow? window)
    {
        var region = instance.Region;
        var result = new JsonObject
        {
            ["DbInstanceIdentifier"] = instance.Identifier,
            ["DbInstanceClass"] = instance.DbInstanceClass,
            ["Engine"] = "postgres",
            ["DbInstanceStatus"] = status,
            ["MasterUsername"] = instance.MasterUsername,
        };
        if (instance.DbName is not null)
        {
            result["DbName"] = instance.DbName;
        }

        // RDS shows no endpoint until the instance has been created.
        if (instance.InstanceCreateTime is not null && status != InstanceStatus.Creating)
        {
            result["Endpoint"] = new JsonObject { ["Address"] = EndpointAddress, ["Port"] = instance.Port };
        }

        result["AllocatedStorage"] = instance.AllocatedStorage;
        if (instance.MasterUserSecretArn is { } secretArn)
        {
            result["MasterUserSecret"] = new JsonObject { ["SecretArn"] = secretArn, ["SecretStatus"] = "active" };
        }

        if (instance.InstanceCreateTime is { } created)
        {
            result["InstanceCreateTime"] = RdsTime.Format(created);
        }

        result["PreferredBackupWindow"] = "03:00-03:30";
        result["BackupRetentionPeriod"] = instance.BackupRetentionPeriod;
        result["DbSecurityGroups"] = new JsonArray();
        result["VpcSecurityGroups"] = new JsonArray(instance.VpcSecurityGroupIds
            .Select(id => (JsonNode)new JsonObject { ["VpcSecurityGroupId"] = id, ["Status"] = "active" }).ToArray());
        result["DbParameterGroups"] =
            new JsonArray(new JsonObject { ["DbParameterGroupName"] = instance.DbParameterGroupName, ["ParameterApplyStatus"] = "in-sync" });
        result["AvailabilityZone"] = region + "a";
        result["DbSubnetGroup"] = SubnetGroup(instance);
        result["PreferredMaintenanceWindow"] = "sun:04:00-sun:04:30";
        var pending = new JsonObject();
        if (instance.PendingIdentifier is not null)
        {
            pending["DbInstanceIdentifier"] = instance.PendingIdentifier;
        }

        result["PendingModifiedValues"] = pending;
        if (window is not null && instance.BackupRetentionPeriod > 0)
        {
            result["LatestRestorableTime"] = RdsTime.Format(window.Latest);
        }

        result["MultiAZ"] = instance.MultiAZ;
        result["EngineVersion"] = instance.EngineVersion;
        result["AutoMinorVersionUpgrade"] = true;
        result["ReadReplicaDBInstanceIdentifiers"] = new JsonArray();
        result["LicenseModel"] = "postgresql-license";
        result["OptionGroupMemberships"] = new JsonArray(new JsonObject { ["OptionGroupName"] = instance.OptionGroupName, ["Status"] = "in-sync" });
        if (instance.MultiAZ)
        {
            result["SecondaryAvailabilityZone"] = region + "b";
        }

        result["PubliclyAccessible"] = instance.PubliclyAccessible;
        result["StorageType"] = "gp2";
        result["DbInstancePort"] = 0;
        result["StorageEncrypted"] = false;
        result["DbiResourceId"] = instance.ResourceId;
        result["CaCertificateIdentifier"] = "rds-ca-rsa2048-g1";
        result["CopyTagsToSnapshot"] = instance.CopyTagsToSnapshot;
        result["MonitoringInterval"] = 0;
        result["DbInstanceArn"] = emulator.InstanceArn(instance);
        result["IamDatabaseAuthenticationEnabled"] = false;
        result["PerformanceInsightsEnabled"] = false;
        result["DeletionProtection"] = instance.DeletionProtection;
        result["AssociatedRoles"] = new JsonArray();
        result["TagList"] = Tags(instance.Tags);
        result["CustomerOwnedIpEnabled"] = false;
        result["BackupTarget"] = "region";
        result["NetworkType"] = "IPV4";
        result["DedicatedLogVolume"] = false;
        return result;
    }

    public static JsonObject Snapshot(RdsEmulator emulator, SnapshotRecord snapshot, string status)
    {
        var result = new JsonObject
        {
            ["DbSnapshotIdentifier"] = snapshot.Identifier,
            ["DbInstanceIdentifier"] = snapshot.InstanceIdentifier,
        };
        if (snapshot.SnapshotCreateTime is { } created)
        {
            result["SnapshotCreateTime"] = RdsTime.Format(created);
        }

        result["Engine"] = "postgres";
        result["AllocatedStorage"] = snapshot.AllocatedStorage;
        result["Status"] = status;
        result["Port"] = snapshot.Port;
        result["AvailabilityZone"] = snapshot.Region + "a";
        if (snapshot.VpcId is not null)
        {
            result["VpcId"] = snapshot.VpcId;
        }

        if (snapshot.InstanceCreateTime is { } instanceCreated)
        {
            result["InstanceCreateTime"] = RdsTime.Format(instanceCreated);
        }

        result["MasterUsername"] = snapshot.MasterUsername;
        result["EngineVersion"] = snapshot.EngineVersion;
        result["LicenseModel"] = "postgresql-license";
        result["SnapshotType"] = snapshot.SnapshotType;
        result["OptionGroupName"] = snapshot.OptionGroupName;
        result["PercentProgress"] = status == SnapshotStatus.Available ? 100 : snapshot.PercentProgress;
        if (snapshot.SourceRegion is not null)
        {
            result["SourceRegion"] = snapshot.SourceRegion;
        }

        if (snapshot.SourceSnapshotArn is not null)
        {
            result["SourceDBSnapshotIdentifier"] = snapshot.SourceSnapshotArn;
        }

        result["StorageType"] = "gp2";
        result["Encrypted"] = false;
        result["DbSnapshotArn"] = emulator.SnapshotArn(snapshot);
        result["IamDatabaseAuthenticationEnabled"] = false;
        result["ProcessorFeatures"] = new JsonArray();
        result["DbiResourceId"] = snapshot.InstanceResourceId;
        result["TagList"] = Tags(snapshot.Tags);
        if (snapshot.OriginalSnapshotCreateTime is { } original)
        {
            result["OriginalSnapshotCreateTime"] = RdsTime.Format(original);
        }

        result["SnapshotTarget"] = "region";
        return result;
    }

    public static JsonObject AutomatedBackup(RdsEmulator emulator, InstanceRecord instance, string status, RestoreWindow? window)
    {
        var options = emulator.Options;
        var result = new JsonObject
        {
            ["DbInstanceArn"] = emulator.InstanceArn(instance),
            ["DbiResourceId"] = instance.ResourceId,
            ["Region"] = instance.Region,
            ["DbInstanceIdentifier"] = instance.Identifier,
        };
        var restoreWindow = new JsonObject();
        if (window is not null)
        {
            restoreWindow["EarliestTime"] = RdsTime.Format(window.Earliest);
            restoreWindow["LatestTime"] = RdsTime.Format(window.Latest);
        }

        result["RestoreWindow"] = restoreWindow;
        result["AllocatedStorage"] = instance.AllocatedStorage;
        result["Status"] = status;
        result["Port"] = instance.Port;
        result["AvailabilityZone"] = instance.Region + "a";
        if (instance.InstanceCreateTime is { } created)
        {
            result["InstanceCreateTime"] = RdsTime.Format(created);
        }

        result["MasterUsername"] = instance.MasterUsername;
        result["Engine"] = "postgres";
        result["EngineVersion"] = instance.EngineVersion;
        result["LicenseModel"] = "postgresql-license";
        result["Encrypted"] = false;
        result["StorageType"] = "gp2";
        result["IamDatabaseAuthenticationEnabled"] = false;
        result["BackupRetentionPeriod"] = instance.BackupRetentionPeriod;
        result["DbInstanceAutomatedBackupsArn"] = Identifiers.AutomatedBackupsArn(instance.Region, options.AccountId, instance.ResourceId);
        result["BackupTarget"] = "region";
        return result;
    }

    /// <summary>DBSubnetGroup as describeDBInstances shows it: the name, its VPC and the subnets it spans.</summary>
    private static JsonObject SubnetGroup(InstanceRecord instance) => new()
    {
        ["DbSubnetGroupName"] = instance.DbSubnetGroupName,
        ["DbSubnetGroupDescription"] = instance.DbSubnetGroupName == RdsNetwork.DefaultSubnetGroup ? "default" : instance.DbSubnetGroupName,
        ["VpcId"] = instance.VpcId,
        ["SubnetGroupStatus"] = "Complete",
        ["Subnets"] = new JsonArray(RdsNetwork.Subnets(instance.Region, instance.VpcId, instance.DbSubnetGroupName)
            .Select(s => (JsonNode)new JsonObject
            {
                ["SubnetIdentifier"] = s.SubnetId,
                ["SubnetAvailabilityZone"] = new JsonObject { ["Name"] = s.AvailabilityZone },
                ["SubnetOutpost"] = new JsonObject(),
                ["SubnetStatus"] = "Active",
            }).ToArray()),
    };

    public static JsonArray Tags(IEnumerable<RdsTag> tags) =>
        new(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
}
