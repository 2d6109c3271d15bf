using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalElastiCache.State;

namespace DisasterRecovery.LocalElastiCache.Api;

/// <summary>
/// The ElastiCache answers as Step Functions' SDK integration returns them (the AWS SDK for Java v2 member names: <c>Arn</c>,
/// not <c>ARN</c>), only with members of botocore's model (LocalElastiCache.Tests' ModelShapeTests checks every field).
/// </summary>
internal static class Responses
{
    /// <summary>Where every node listens: the emulator's nodes are loopback-only.</summary>
    public const string Address = "127.0.0.1";

    public static JsonObject ReplicationGroup(ReplicationGroupRecord group, string status)
    {
        var running = status is "available" or "snapshotting" or "modifying";
        var primary = group.Nodes.FirstOrDefault(n => n.Role == "primary");
        var replica = group.Nodes.LastOrDefault(n => n.Role == "replica") ?? primary;
        var nodeGroup = new JsonObject
        {
            ["NodeGroupId"] = "0001",
            ["Status"] = status == "snapshotting" ? "available" : status,
        };
        if (running && primary is not null)
        {
            nodeGroup["PrimaryEndpoint"] = Endpoint(primary.Port);
            nodeGroup["ReaderEndpoint"] = Endpoint(replica!.Port);
        }

        nodeGroup["NodeGroupMembers"] = new JsonArray([.. group.Nodes.Select(n => Member(group, n, running))]);
        var result = new JsonObject
        {
            ["ReplicationGroupId"] = group.Id,
            ["Description"] = group.Description,
            ["Status"] = status,
            ["PendingModifiedValues"] = new JsonObject(),
            ["MemberClusters"] = new JsonArray([.. group.Nodes.Select(n => (JsonNode)n.CacheClusterId)]),
            ["NodeGroups"] = new JsonArray(nodeGroup),
            ["AutomaticFailover"] = group.AutomaticFailover ? "enabled" : "disabled",
            ["MultiAZ"] = group.MultiAz ? "enabled" : "disabled",
            ["SnapshotRetentionLimit"] = group.SnapshotRetentionLimit,
            ["ClusterEnabled"] = false,
            ["CacheNodeType"] = group.CacheNodeType,
            ["AuthTokenEnabled"] = group.AuthToken is not null,
            ["TransitEncryptionEnabled"] = false,
            ["AtRestEncryptionEnabled"] = group.AtRestEncryptionEnabled,
            ["MemberClustersOutpostArns"] = new JsonArray(),
            ["Arn"] = group.Arn,
            ["UserGroupIds"] = new JsonArray(),
            ["LogDeliveryConfigurations"] = new JsonArray(),
            ["ReplicationGroupCreateTime"] = Time(group.CreatedAt),
            ["DataTiering"] = "disabled",
            ["AutoMinorVersionUpgrade"] = true,
            ["NetworkType"] = "ipv4",
            ["IpDiscovery"] = "ipv4",
            ["ClusterMode"] = "disabled",
            ["Engine"] = "redis",
        };
        if (group.SnapshotWindow is not null)
        {
            result["SnapshotWindow"] = group.SnapshotWindow;
        }

        if (group.KmsKeyId is not null)
        {
            result["KmsKeyId"] = group.KmsKeyId;
        }

        if (status == "snapshotting" && (replica ?? primary) is { } snapshotting)
        {
            result["SnapshottingClusterId"] = snapshotting.CacheClusterId;
        }

        return result;
    }

    public static JsonObject Snapshot(SnapshotRecord snapshot, string status, string? name = null)
    {
        var node = new JsonObject
        {
            ["CacheClusterId"] = snapshot.CacheClusterId,
            ["NodeGroupId"] = "0001",
            ["CacheNodeId"] = "0001",
            ["CacheSize"] = $"{(snapshot.SizeBytes / (1024.0 * 1024.0)).ToString("0.##", CultureInfo.InvariantCulture)} MB",
            ["CacheNodeCreateTime"] = Time(snapshot.CacheClusterCreateTime),
        };
        if (snapshot.CreatedAt is { } created)
        {
            node["SnapshotCreateTime"] = Time(created);
        }

        var result = new JsonObject
        {
            ["SnapshotName"] = name ?? snapshot.Name,
            ["ReplicationGroupId"] = snapshot.ReplicationGroupId,
            ["ReplicationGroupDescription"] = snapshot.ReplicationGroupDescription,
        };
        if (snapshot.OfCacheCluster)
        {
            result["CacheClusterId"] = snapshot.CacheClusterId;
            result["NumCacheNodes"] = 1;
        }

        result["SnapshotStatus"] = status;
        result["SnapshotSource"] = snapshot.Source;
        result["CacheNodeType"] = snapshot.CacheNodeType;
        result["Engine"] = "redis";
        result["EngineVersion"] = snapshot.EngineVersion;
        result["CacheClusterCreateTime"] = Time(snapshot.CacheClusterCreateTime);
        result["Port"] = snapshot.Port;
        result["CacheParameterGroupName"] = "default.redis" + snapshot.EngineVersion.Split('.')[0];
        result["CacheSubnetGroupName"] = "default";
        result["AutoMinorVersionUpgrade"] = true;
        result["SnapshotRetentionLimit"] = 0;
        result["NumNodeGroups"] = 1;
        result["AutomaticFailover"] = snapshot.AutomaticFailover ? "enabled" : "disabled";
        result["NodeSnapshots"] = new JsonArray(node);
        if (snapshot.KmsKeyId is not null)
        {
            result["KmsKeyId"] = snapshot.KmsKeyId;
        }

        result["Arn"] = snapshot.Arn;
        result["DataTiering"] = "disabled";
        return result;
    }

    public static JsonObject TagList(IEnumerable<TagRecord> tags) =>
        new() { ["TagList"] = new JsonArray([.. tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value })]) };

    /// <summary>A timestamp as Step Functions' SDK integrations write them.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Member(ReplicationGroupRecord group, NodeRecord node, bool running)
    {
        var member = new JsonObject { ["CacheClusterId"] = node.CacheClusterId, ["CacheNodeId"] = node.CacheNodeId };
        if (running)
        {
            member["ReadEndpoint"] = Endpoint(node.Port);
        }

        member["PreferredAvailabilityZone"] = group.Region + "a";
        member["CurrentRole"] = node.Role;
        return member;
    }

    private static JsonObject Endpoint(int port) => new() { ["Address"] = Address, ["Port"] = port };
}
