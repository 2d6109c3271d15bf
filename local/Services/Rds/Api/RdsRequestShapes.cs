using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalRds.Api;

/// <summary>
/// The request members of the RDS actions the emulator implements, written by hand from the public AWS RDS API
/// Reference (each action's "Request Parameters"), in the Reference's spelling (<c>DBInstanceIdentifier</c>,
/// <c>Tags.Tag.N</c> as a list of <c>{Key, Value}</c>, <c>*.member.N</c> as a list). <see cref="SdkNames"/> turns them
/// into the Step Functions names when the shapes are built. Every documented member is declared, also those the
/// emulator ignores, so that a documented member is accepted and anything else refused. Required = the members the
/// Reference marks "Required: Yes" (the emulator itself reports a missing one as RDS does, MissingParameter).
/// They are the local cloud's one request shape type (<see cref="Shape"/>, local/Services/Emulation), so the local
/// cloud checks a state machine's RDS parameters with them directly. LocalRds.Tests' ModelShapeTests holds them to AWS's own RDS model (botocore), member for
/// member, so a member RDS adds
/// shows up there as one the emulator refuses.
/// </summary>
internal static class RdsRequestShapes
{
    private static readonly Shape String = Shape.String;
    private static readonly Shape Integer = Shape.Integer;
    private static readonly Shape Boolean = Shape.Boolean;
    private static readonly Shape Timestamp = Shape.Timestamp;
    private static readonly Shape Strings = ListOf(String);

    /// <summary><c>Tags.Tag.N</c>: <c>[{Key, Value}]</c>.</summary>
    private static readonly Shape Tags = ListOf(Structure([], ("Key", String), ("Value", String)));

    /// <summary><c>TagSpecifications.item.N</c>: <c>[{ResourceType, Tags}]</c>, tags for the automated backups a create or modify makes.</summary>
    private static readonly Shape TagSpecifications = ListOf(Structure([], ("ResourceType", String), ("Tags", Tags)));

    /// <summary><c>Filters.Filter.N</c>: <c>[{Name, Values[]}]</c>, both required.</summary>
    private static readonly Shape Filters = ListOf(Structure(["Name", "Values"], ("Name", String), ("Values", Strings)));

    /// <summary><c>ProcessorFeatures.ProcessorFeature.N</c>: <c>[{Name, Value}]</c> (coreCount, threadsPerCore).</summary>
    private static readonly Shape ProcessorFeatures = ListOf(Structure([], ("Name", String), ("Value", String)));

    /// <summary><c>AdditionalStorageVolumes.member.N</c> of the create and restore actions.</summary>
    private static readonly Shape AdditionalStorageVolumes = ListOf(Structure(
        ["VolumeName"],
        ("VolumeName", String),
        ("AllocatedStorage", Integer),
        ("IOPS", Integer),
        ("MaxAllocatedStorage", Integer),
        ("StorageThroughput", Integer),
        ("StorageType", String)));

    /// <summary><c>AdditionalStorageVolumes.member.N</c> of ModifyDBInstance (with <c>SetForDelete</c>).</summary>
    private static readonly Shape ModifyAdditionalStorageVolumes = ListOf(Structure(
        ["VolumeName"],
        ("VolumeName", String),
        ("AllocatedStorage", Integer),
        ("IOPS", Integer),
        ("MaxAllocatedStorage", Integer),
        ("StorageThroughput", Integer),
        ("StorageType", String),
        ("SetForDelete", Boolean)));

    /// <summary>ModifyDBInstance's <c>CloudwatchLogsExportConfiguration</c>.</summary>
    private static readonly Shape CloudwatchLogsExportConfiguration = Structure([], ("EnableLogTypes", Strings), ("DisableLogTypes", Strings));

    /// <summary>The request shapes by action, camelCase as in <c>arn:aws:states:::aws-sdk:rds:&lt;action&gt;</c>.</summary>
    public static IReadOnlyDictionary<string, StructureShape> ByAction { get; } = Build();

    private static Dictionary<string, StructureShape> Build()
    {
        var actions = new Dictionary<string, StructureShape>(StringComparer.Ordinal);

        void Action(string operation, string[] required, params (string Name, Shape Shape)[] members) =>
            actions.Add(char.ToLowerInvariant(operation[0]) + operation[1..], Structure(required, members));

        Action(
            "CreateDBInstance",
            ["DBInstanceIdentifier", "DBInstanceClass", "Engine"],
            ("DBName", String),
            ("DBInstanceIdentifier", String),
            ("AllocatedStorage", Integer),
            ("DBInstanceClass", String),
            ("Engine", String),
            ("MasterUsername", String),
            ("MasterUserPassword", String),
            ("DBSecurityGroups", Strings),
            ("VpcSecurityGroupIds", Strings),
            ("AvailabilityZone", String),
            ("DBSubnetGroupName", String),
            ("PreferredMaintenanceWindow", String),
            ("DBParameterGroupName", String),
            ("BackupRetentionPeriod", Integer),
            ("PreferredBackupWindow", String),
            ("Port", Integer),
            ("MultiAZ", Boolean),
            ("EngineVersion", String),
            ("AutoMinorVersionUpgrade", Boolean),
            ("LicenseModel", String),
            ("Iops", Integer),
            ("StorageThroughput", Integer),
            ("OptionGroupName", String),
            ("CharacterSetName", String),
            ("NcharCharacterSetName", String),
            ("PubliclyAccessible", Boolean),
            ("Tags", Tags),
            ("DBClusterIdentifier", String),
            ("StorageType", String),
            ("TdeCredentialArn", String),
            ("TdeCredentialPassword", String),
            ("StorageEncrypted", Boolean),
            ("KmsKeyId", String),
            ("Domain", String),
            ("DomainFqdn", String),
            ("DomainOu", String),
            ("DomainAuthSecretArn", String),
            ("DomainDnsIps", Strings),
            ("CopyTagsToSnapshot", Boolean),
            ("MonitoringInterval", Integer),
            ("MonitoringRoleArn", String),
            ("DomainIAMRoleName", String),
            ("PromotionTier", Integer),
            ("Timezone", String),
            ("EnableIAMDatabaseAuthentication", Boolean),
            ("DatabaseInsightsMode", String),
            ("EnablePerformanceInsights", Boolean),
            ("PerformanceInsightsKMSKeyId", String),
            ("PerformanceInsightsRetentionPeriod", Integer),
            ("EnableCloudwatchLogsExports", Strings),
            ("ProcessorFeatures", ProcessorFeatures),
            ("DeletionProtection", Boolean),
            ("MaxAllocatedStorage", Integer),
            ("EnableCustomerOwnedIp", Boolean),
            ("NetworkType", String),
            ("BackupTarget", String),
            ("CustomIamInstanceProfile", String),
            ("DBSystemId", String),
            ("CACertificateIdentifier", String),
            ("ManageMasterUserPassword", Boolean),
            ("MasterUserSecretKmsKeyId", String),
            ("MultiTenant", Boolean),
            ("DedicatedLogVolume", Boolean),
            ("EngineLifecycleSupport", String),
            ("AdditionalStorageVolumes", AdditionalStorageVolumes),
            ("TagSpecifications", TagSpecifications),
            ("MasterUserAuthenticationType", String));

        Action(
            "DescribeDBInstances",
            [],
            ("DBInstanceIdentifier", String),
            ("Filters", Filters),
            ("MaxRecords", Integer),
            ("Marker", String));

        Action(
            "ModifyDBInstance",
            ["DBInstanceIdentifier"],
            ("DBInstanceIdentifier", String),
            ("AllocatedStorage", Integer),
            ("DBInstanceClass", String),
            ("DBSubnetGroupName", String),
            ("DBSecurityGroups", Strings),
            ("VpcSecurityGroupIds", Strings),
            ("ApplyImmediately", Boolean),
            ("MasterUserPassword", String),
            ("DBParameterGroupName", String),
            ("BackupRetentionPeriod", Integer),
            ("PreferredBackupWindow", String),
            ("PreferredMaintenanceWindow", String),
            ("MultiAZ", Boolean),
            ("EngineVersion", String),
            ("AllowMajorVersionUpgrade", Boolean),
            ("AutoMinorVersionUpgrade", Boolean),
            ("LicenseModel", String),
            ("Iops", Integer),
            ("StorageThroughput", Integer),
            ("OptionGroupName", String),
            ("NewDBInstanceIdentifier", String),
            ("StorageType", String),
            ("TdeCredentialArn", String),
            ("TdeCredentialPassword", String),
            ("CACertificateIdentifier", String),
            ("Domain", String),
            ("DomainFqdn", String),
            ("DomainOu", String),
            ("DomainAuthSecretArn", String),
            ("DomainDnsIps", Strings),
            ("DisableDomain", Boolean),
            ("CopyTagsToSnapshot", Boolean),
            ("MonitoringInterval", Integer),
            ("DBPortNumber", Integer),
            ("PubliclyAccessible", Boolean),
            ("MonitoringRoleArn", String),
            ("DomainIAMRoleName", String),
            ("PromotionTier", Integer),
            ("EnableIAMDatabaseAuthentication", Boolean),
            ("DatabaseInsightsMode", String),
            ("EnablePerformanceInsights", Boolean),
            ("PerformanceInsightsKMSKeyId", String),
            ("PerformanceInsightsRetentionPeriod", Integer),
            ("CloudwatchLogsExportConfiguration", CloudwatchLogsExportConfiguration),
            ("ProcessorFeatures", ProcessorFeatures),
            ("UseDefaultProcessorFeatures", Boolean),
            ("DeletionProtection", Boolean),
            ("MaxAllocatedStorage", Integer),
            ("CertificateRotationRestart", Boolean),
            ("ReplicaMode", String),
            ("AutomationMode", String),
            ("ResumeFullAutomationModeMinutes", Integer),
            ("EnableCustomerOwnedIp", Boolean),
            ("NetworkType", String),
            ("AwsBackupRecoveryPointArn", String),
            ("ManageMasterUserPassword", Boolean),
            ("RotateMasterUserPassword", Boolean),
            ("MasterUserSecretKmsKeyId", String),
            ("MultiTenant", Boolean),
            ("DedicatedLogVolume", Boolean),
            ("Engine", String),
            ("AdditionalStorageVolumes", ModifyAdditionalStorageVolumes),
            ("TagSpecifications", TagSpecifications),
            ("MasterUserAuthenticationType", String));

        Action(
            "DeleteDBInstance",
            ["DBInstanceIdentifier"],
            ("DBInstanceIdentifier", String),
            ("SkipFinalSnapshot", Boolean),
            ("FinalDBSnapshotIdentifier", String),
            ("DeleteAutomatedBackups", Boolean));

        Action(
            "RestoreDBInstanceFromDBSnapshot",
            ["DBInstanceIdentifier"],
            ("DBInstanceIdentifier", String),
            ("DBSnapshotIdentifier", String),
            ("DBInstanceClass", String),
            ("Port", Integer),
            ("AvailabilityZone", String),
            ("DBSubnetGroupName", String),
            ("MultiAZ", Boolean),
            ("PubliclyAccessible", Boolean),
            ("AutoMinorVersionUpgrade", Boolean),
            ("LicenseModel", String),
            ("DBName", String),
            ("Engine", String),
            ("Iops", Integer),
            ("StorageThroughput", Integer),
            ("OptionGroupName", String),
            ("Tags", Tags),
            ("StorageType", String),
            ("TdeCredentialArn", String),
            ("TdeCredentialPassword", String),
            ("VpcSecurityGroupIds", Strings),
            ("Domain", String),
            ("DomainFqdn", String),
            ("DomainOu", String),
            ("DomainAuthSecretArn", String),
            ("DomainDnsIps", Strings),
            ("CopyTagsToSnapshot", Boolean),
            ("DomainIAMRoleName", String),
            ("EnableIAMDatabaseAuthentication", Boolean),
            ("EnableCloudwatchLogsExports", Strings),
            ("ProcessorFeatures", ProcessorFeatures),
            ("UseDefaultProcessorFeatures", Boolean),
            ("DBParameterGroupName", String),
            ("DeletionProtection", Boolean),
            ("EnableCustomerOwnedIp", Boolean),
            ("NetworkType", String),
            ("BackupTarget", String),
            ("CustomIamInstanceProfile", String),
            ("AllocatedStorage", Integer),
            ("DBClusterSnapshotIdentifier", String),
            ("DedicatedLogVolume", Boolean),
            ("CACertificateIdentifier", String),
            ("EngineLifecycleSupport", String),
            ("ManageMasterUserPassword", Boolean),
            ("MasterUserSecretKmsKeyId", String),
            ("BackupRetentionPeriod", Integer),
            ("PreferredBackupWindow", String),
            ("AdditionalStorageVolumes", AdditionalStorageVolumes),
            ("TagSpecifications", TagSpecifications));

        Action(
            "RestoreDBInstanceToPointInTime",
            ["TargetDBInstanceIdentifier"],
            ("SourceDBInstanceIdentifier", String),
            ("TargetDBInstanceIdentifier", String),
            ("RestoreTime", Timestamp),
            ("UseLatestRestorableTime", Boolean),
            ("DBInstanceClass", String),
            ("Port", Integer),
            ("AvailabilityZone", String),
            ("DBSubnetGroupName", String),
            ("MultiAZ", Boolean),
            ("PubliclyAccessible", Boolean),
            ("AutoMinorVersionUpgrade", Boolean),
            ("LicenseModel", String),
            ("DBName", String),
            ("Engine", String),
            ("Iops", Integer),
            ("StorageThroughput", Integer),
            ("OptionGroupName", String),
            ("CopyTagsToSnapshot", Boolean),
            ("Tags", Tags),
            ("StorageType", String),
            ("TdeCredentialArn", String),
            ("TdeCredentialPassword", String),
            ("VpcSecurityGroupIds", Strings),
            ("Domain", String),
            ("DomainIAMRoleName", String),
            ("DomainFqdn", String),
            ("DomainOu", String),
            ("DomainAuthSecretArn", String),
            ("DomainDnsIps", Strings),
            ("EnableIAMDatabaseAuthentication", Boolean),
            ("EnableCloudwatchLogsExports", Strings),
            ("ProcessorFeatures", ProcessorFeatures),
            ("UseDefaultProcessorFeatures", Boolean),
            ("DBParameterGroupName", String),
            ("DeletionProtection", Boolean),
            ("SourceDbiResourceId", String),
            ("MaxAllocatedStorage", Integer),
            ("SourceDBInstanceAutomatedBackupsArn", String),
            ("EnableCustomerOwnedIp", Boolean),
            ("NetworkType", String),
            ("BackupTarget", String),
            ("CustomIamInstanceProfile", String),
            ("AllocatedStorage", Integer),
            ("DedicatedLogVolume", Boolean),
            ("CACertificateIdentifier", String),
            ("EngineLifecycleSupport", String),
            ("ManageMasterUserPassword", Boolean),
            ("MasterUserSecretKmsKeyId", String),
            ("BackupRetentionPeriod", Integer),
            ("PreferredBackupWindow", String),
            ("AdditionalStorageVolumes", AdditionalStorageVolumes),
            ("TagSpecifications", TagSpecifications));

        Action(
            "CreateDBSnapshot",
            ["DBSnapshotIdentifier", "DBInstanceIdentifier"],
            ("DBSnapshotIdentifier", String),
            ("DBInstanceIdentifier", String),
            ("Tags", Tags));

        Action(
            "DescribeDBSnapshots",
            [],
            ("DBInstanceIdentifier", String),
            ("DBSnapshotIdentifier", String),
            ("SnapshotType", String),
            ("Filters", Filters),
            ("MaxRecords", Integer),
            ("Marker", String),
            ("IncludeShared", Boolean),
            ("IncludePublic", Boolean),
            ("DbiResourceId", String));

        Action(
            "DeleteDBSnapshot",
            ["DBSnapshotIdentifier"],
            ("DBSnapshotIdentifier", String));

        Action(
            "CopyDBSnapshot",
            ["SourceDBSnapshotIdentifier", "TargetDBSnapshotIdentifier"],
            ("SourceDBSnapshotIdentifier", String),
            ("TargetDBSnapshotIdentifier", String),
            ("KmsKeyId", String),
            ("Tags", Tags),
            ("CopyTags", Boolean),
            ("PreSignedUrl", String),
            ("OptionGroupName", String),
            ("TargetCustomAvailabilityZone", String),
            ("CopyOptionGroup", Boolean),
            ("SnapshotAvailabilityZone", String),
            ("SnapshotTarget", String),
            // Not in the API Reference's list: the SDKs (Java v2 included) add SourceRegion to the cross-region
            // copy and compute PreSignedUrl from it, so a Step Functions Task may pass it.
            ("SourceRegion", String));

        Action(
            "AddTagsToResource",
            ["ResourceName", "Tags"],
            ("ResourceName", String),
            ("Tags", Tags));

        Action(
            "ListTagsForResource",
            ["ResourceName"],
            ("ResourceName", String),
            ("Filters", Filters));

        Action(
            "RemoveTagsFromResource",
            ["ResourceName", "TagKeys"],
            ("ResourceName", String),
            ("TagKeys", Strings));

        Action(
            "DescribeDBInstanceAutomatedBackups",
            [],
            ("DbiResourceId", String),
            ("DBInstanceIdentifier", String),
            ("Filters", Filters),
            ("MaxRecords", Integer),
            ("Marker", String),
            ("DBInstanceAutomatedBackupsArn", String));

        return actions;
    }

    private static Shape ListOf(Shape item) => Shape.List(item);

    /// <summary>A structure from API Reference names, keyed by their Step Functions names.</summary>
    private static StructureShape Structure(string[] required, params (string Name, Shape Shape)[] members)
    {
        var requiredNames = required.Select(SdkNames.ToStepFunctionsName).ToHashSet(StringComparer.Ordinal);
        var declared = members.Select(m => SdkNames.ToStepFunctionsName(m.Name)).ToHashSet(StringComparer.Ordinal);
        if (requiredNames.FirstOrDefault(r => !declared.Contains(r)) is { } missing)
        {
            throw new InvalidOperationException($"Required member {missing} is not declared");
        }

        return Shape.Structure([.. members.Select(m =>
        {
            var name = SdkNames.ToStepFunctionsName(m.Name);
            return new Member(name, m.Shape, requiredNames.Contains(name));
        })]);
    }
}
