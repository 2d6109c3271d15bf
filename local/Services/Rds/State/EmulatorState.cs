using System.Text.Json.Serialization;
using DisasterRecovery.LocalRds.Api;

namespace DisasterRecovery.LocalRds.State;

/// <summary>Everything the emulator knows, persisted as <c>state.json</c> in the state folder. No secrets: passwords live only in the clusters.</summary>
internal sealed class EmulatorStateDocument
{
    /// <summary>Bumped when the layout changes incompatibly.</summary>
    public int Version { get; set; } = 1;

    public List<InstanceRecord> Instances { get; set; } = [];

    public List<SnapshotRecord> Snapshots { get; set; } = [];

    /// <summary>Automated backups kept after their instance was deleted with DeleteAutomatedBackups=false.</summary>
    public List<InstanceRecord> RetainedBackups { get; set; } = [];

    /// <summary>Subnet, security, parameter and option groups defined besides RDS's defaults (see <see cref="RdsNetworkGroups"/>).</summary>
    public List<NetworkGroupsRecord> NetworkGroups { get; set; } = [];
}

/// <summary>One defined DB subnet group, its VPC, and the groups defined with it, in one region.</summary>
internal sealed class NetworkGroupsRecord
{
    public string Region { get; set; } = string.Empty;

    public string VpcId { get; set; } = string.Empty;

    /// <summary>Lower case, as RDS stores subnet group names.</summary>
    public string DbSubnetGroupName { get; set; } = string.Empty;

    public List<string> VpcSecurityGroupIds { get; set; } = [];

    /// <summary>Lower case, as RDS stores parameter group names.</summary>
    public List<string> DbParameterGroupNames { get; set; } = [];

    /// <summary>Lower case, as RDS stores option group names.</summary>
    public List<string> OptionGroupNames { get; set; } = [];
}

/// <summary>One DB instance: an RDS-side description and the local cluster that is it.</summary>
internal sealed class InstanceRecord
{
    public string Region { get; set; } = string.Empty;

    public string Identifier { get; set; } = string.Empty;

    /// <summary>DbiResourceId: never changes, so folders are named after it and a rename moves nothing.</summary>
    public string ResourceId { get; set; } = string.Empty;

    public string Status { get; set; } = InstanceStatus.Creating;

    /// <summary>Why the status is failed/incompatible-restore; for the log and the state file only.</summary>
    public string? StatusReason { get; set; }

    public string EngineVersion { get; set; } = string.Empty;

    public string MasterUsername { get; set; } = string.Empty;

    /// <summary>The Secrets Manager secret holding the master password when RDS manages it (ManageMasterUserPassword).</summary>
    public string? MasterUserSecretArn { get; set; }

    public string? DbName { get; set; }

    public string DbInstanceClass { get; set; } = "db.t3.micro";

    public int AllocatedStorage { get; set; } = 20;

    public int Port { get; set; }

    public string DataDirectory { get; set; } = string.Empty;

    public string WalArchive { get; set; } = string.Empty;

    public string SocketDirectory { get; set; } = string.Empty;

    public string LogFile { get; set; } = string.Empty;

    /// <summary>Where this instance's automated base backups go.</summary>
    public string BackupDirectory { get; set; } = string.Empty;

    /// <summary>Bytes per WAL segment; archived files of any other size are copies in progress and are ignored.</summary>
    public long WalSegmentSize { get; set; }

    /// <summary>True for a cluster someone else runs (local/servers): never stopped on dispose, its files never removed.</summary>
    public bool Adopted { get; set; }

    public int BackupRetentionPeriod { get; set; } = 1;

    public bool DeletionProtection { get; set; }

    public bool CopyTagsToSnapshot { get; set; }

    public DateTimeOffset? InstanceCreateTime { get; set; }

    /// <summary>Lower case; it fixes the VPC (<see cref="VpcId"/>). RDS's "default" unless the request named one.</summary>
    public string DbSubnetGroupName { get; set; } = RdsNetwork.DefaultSubnetGroup;

    public string VpcId { get; set; } = RdsNetwork.DefaultVpcId;

    /// <summary>Security groups of <see cref="VpcId"/>; empty only in a state file written before they were recorded.</summary>
    public List<string> VpcSecurityGroupIds { get; set; } = [];

    public string DbParameterGroupName { get; set; } = RdsNetwork.DefaultParameterGroup;

    public string OptionGroupName { get; set; } = RdsNetwork.DefaultOptionGroup;

    /// <summary>Recorded only: one cluster either way.</summary>
    public bool MultiAZ { get; set; }

    /// <summary>Recorded only: every cluster listens on 127.0.0.1.</summary>
    public bool PubliclyAccessible { get; set; }

    public List<RdsTag> Tags { get; set; } = [];

    /// <summary>A rename asked for without ApplyImmediately: RDS applies it in the maintenance window, which never comes here.</summary>
    public string? PendingIdentifier { get; set; }

    /// <summary>Oldest first.</summary>
    public List<AutomatedBackupRecord> AutomatedBackups { get; set; } = [];

    public InstanceRecord Clone()
    {
        var copy = (InstanceRecord)MemberwiseClone();
        copy.Tags = [.. Tags];
        copy.VpcSecurityGroupIds = [.. VpcSecurityGroupIds];
        copy.AutomatedBackups = [.. AutomatedBackups];
        return copy;
    }
}

/// <summary>One automated base backup (pg_basebackup -X none; the WAL it needs is in the instance's archive).</summary>
internal sealed record AutomatedBackupRecord(
    string Id,
    string Directory,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    string StartWalFile);

/// <summary>One DB snapshot: a self-contained base backup (pg_basebackup -X stream) owned by a region.</summary>
internal sealed class SnapshotRecord
{
    public string Region { get; set; } = string.Empty;

    public string Identifier { get; set; } = string.Empty;

    /// <summary>Folder name; identifiers can be reused after a delete, folders are not.</summary>
    public string StorageId { get; set; } = string.Empty;

    public string Status { get; set; } = SnapshotStatus.Creating;

    public string? StatusReason { get; set; }

    public string SnapshotType { get; set; } = "manual";

    public string InstanceIdentifier { get; set; } = string.Empty;

    public string InstanceResourceId { get; set; } = string.Empty;

    public DateTimeOffset? InstanceCreateTime { get; set; }

    public DateTimeOffset? SnapshotCreateTime { get; set; }

    public DateTimeOffset? OriginalSnapshotCreateTime { get; set; }

    public string Directory { get; set; } = string.Empty;

    public string EngineVersion { get; set; } = string.Empty;

    public string MasterUsername { get; set; } = string.Empty;

    public string? DbName { get; set; }

    public string DbInstanceClass { get; set; } = "db.t3.micro";

    public int AllocatedStorage { get; set; }

    public int Port { get; set; }

    public long WalSegmentSize { get; set; }

    public int BackupRetentionPeriod { get; set; }

    /// <summary>For a copy from another region: that region.</summary>
    public string? SourceRegion { get; set; }

    /// <summary>For a copy: the source snapshot's ARN.</summary>
    public string? SourceSnapshotArn { get; set; }

    public int PercentProgress { get; set; }

    /// <summary>The source instance's VPC and option group, which DBSnapshot reports.</summary>
    public string? VpcId { get; set; }

    public string OptionGroupName { get; set; } = RdsNetwork.DefaultOptionGroup;

    public List<RdsTag> Tags { get; set; } = [];

    public SnapshotRecord Clone()
    {
        var copy = (SnapshotRecord)MemberwiseClone();
        copy.Tags = [.. Tags];
        return copy;
    }
}

/// <summary>DbInstanceStatus values the emulator uses (RDS's own words).</summary>
internal static class InstanceStatus
{
    public const string Creating = "creating";
    public const string Available = "available";
    public const string BackingUp = "backing-up";
    public const string Deleting = "deleting";
    public const string Failed = "failed";
    public const string IncompatibleRestore = "incompatible-restore";
    public const string Stopped = "stopped";

    /// <summary>Statuses in which the cluster is meant to be running.</summary>
    public static bool IsRunning(string status) => status is Available or BackingUp;
}

/// <summary>DBSnapshot Status values the emulator uses.</summary>
internal static class SnapshotStatus
{
    public const string Creating = "creating";
    public const string Copying = "pending";
    public const string Available = "available";
    public const string Failed = "failed";
    public const string Deleted = "deleted";
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EmulatorStateDocument))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
