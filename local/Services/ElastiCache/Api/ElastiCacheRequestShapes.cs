using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalElastiCache.Api;

/// <summary>
/// The request shapes of the ElastiCache actions the emulator implements, in Step Functions' spelling (the AWS SDK for
/// Java v2 member names, PascalCase), written from the ElastiCache API Reference. Every documented member is declared,
/// also those the emulator only records or ignores, so that a documented member is accepted and anything else refused;
/// the required ones are the ones the API requires. LocalElastiCache.Tests' ModelShapeTests holds them to botocore's
/// <c>elasticache</c> model member for member.
/// </summary>
internal static class ElastiCacheRequestShapes
{
    private static readonly Shape String = Shape.String;
    private static readonly Shape Integer = Shape.Integer;
    private static readonly Shape Boolean = Shape.Boolean;
    private static readonly Shape Strings = Shape.List(Shape.String);

    /// <summary><c>Tags.Tag.N</c>: <c>[{Key, Value}]</c>.</summary>
    private static readonly Shape Tags = Shape.List(Shape.Structure(Opt("Key", String), Opt("Value", String)));

    /// <summary>CreateReplicationGroup's <c>NodeGroupConfiguration</c> (one per shard).</summary>
    private static readonly Shape NodeGroupConfiguration = Shape.List(Shape.Structure(
        Opt("NodeGroupId", String),
        Opt("Slots", String),
        Opt("ReplicaCount", Integer),
        Opt("PrimaryAvailabilityZone", String),
        Opt("ReplicaAvailabilityZones", Strings),
        Opt("PrimaryOutpostArn", String),
        Opt("ReplicaOutpostArns", Strings)));

    /// <summary>CreateReplicationGroup's <c>LogDeliveryConfigurations</c>.</summary>
    private static readonly Shape LogDeliveryConfigurations = Shape.List(Shape.Structure(
        Opt("LogType", String),
        Opt("DestinationType", String),
        Opt("DestinationDetails", Shape.Structure(
            Opt("CloudWatchLogsDetails", Shape.Structure(Opt("LogGroup", String))),
            Opt("KinesisFirehoseDetails", Shape.Structure(Opt("DeliveryStream", String))))),
        Opt("LogFormat", String),
        Opt("Enabled", Boolean)));

    /// <summary>The request shapes by action, camelCase as in <c>arn:aws:states:::aws-sdk:elasticache:&lt;action&gt;</c>.</summary>
    public static IReadOnlyDictionary<string, StructureShape> ByAction { get; } = new Dictionary<string, StructureShape>(StringComparer.Ordinal)
    {
        ["createReplicationGroup"] = Shape.Structure(
            Req("ReplicationGroupId", String),
            Req("ReplicationGroupDescription", String),
            Opt("GlobalReplicationGroupId", String),
            Opt("PrimaryClusterId", String),
            Opt("AutomaticFailoverEnabled", Boolean),
            Opt("MultiAZEnabled", Boolean),
            Opt("NumCacheClusters", Integer),
            Opt("PreferredCacheClusterAZs", Strings),
            Opt("NumNodeGroups", Integer),
            Opt("ReplicasPerNodeGroup", Integer),
            Opt("NodeGroupConfiguration", NodeGroupConfiguration),
            Opt("CacheNodeType", String),
            Opt("Engine", String),
            Opt("EngineVersion", String),
            Opt("CacheParameterGroupName", String),
            Opt("CacheSubnetGroupName", String),
            Opt("CacheSecurityGroupNames", Strings),
            Opt("SecurityGroupIds", Strings),
            Opt("Tags", Tags),
            Opt("SnapshotArns", Strings),
            Opt("SnapshotName", String),
            Opt("PreferredMaintenanceWindow", String),
            Opt("Port", Integer),
            Opt("NotificationTopicArn", String),
            Opt("AutoMinorVersionUpgrade", Boolean),
            Opt("SnapshotRetentionLimit", Integer),
            Opt("SnapshotWindow", String),
            Opt("AuthToken", String),
            Opt("TransitEncryptionEnabled", Boolean),
            Opt("AtRestEncryptionEnabled", Boolean),
            Opt("KmsKeyId", String),
            Opt("UserGroupIds", Strings),
            Opt("LogDeliveryConfigurations", LogDeliveryConfigurations),
            Opt("DataTieringEnabled", Boolean),
            Opt("NetworkType", String),
            Opt("IpDiscovery", String),
            Opt("TransitEncryptionMode", String),
            Opt("ClusterMode", String),
            Opt("ServerlessCacheSnapshotName", String)),
        ["describeReplicationGroups"] = Shape.Structure(Opt("ReplicationGroupId", String), Opt("MaxRecords", Integer), Opt("Marker", String)),
        ["deleteReplicationGroup"] = Shape.Structure(
            Req("ReplicationGroupId", String), Opt("RetainPrimaryCluster", Boolean), Opt("FinalSnapshotIdentifier", String)),
        ["createSnapshot"] = Shape.Structure(
            Opt("ReplicationGroupId", String), Opt("CacheClusterId", String), Req("SnapshotName", String), Opt("KmsKeyId", String), Opt("Tags", Tags)),
        ["describeSnapshots"] = Shape.Structure(
            Opt("ReplicationGroupId", String),
            Opt("CacheClusterId", String),
            Opt("SnapshotName", String),
            Opt("SnapshotSource", String),
            Opt("Marker", String),
            Opt("MaxRecords", Integer),
            Opt("ShowNodeGroupConfig", Boolean)),
        ["copySnapshot"] = Shape.Structure(
            Req("SourceSnapshotName", String), Req("TargetSnapshotName", String), Opt("TargetBucket", String), Opt("KmsKeyId", String), Opt("Tags", Tags)),
        ["deleteSnapshot"] = Shape.Structure(Req("SnapshotName", String)),
        ["addTagsToResource"] = Shape.Structure(Req("ResourceName", String), Req("Tags", Tags)),
        ["listTagsForResource"] = Shape.Structure(Req("ResourceName", String)),
    };
}
