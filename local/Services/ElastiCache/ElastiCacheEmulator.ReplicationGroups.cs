using System.Text.Json.Nodes;
using DisasterRecovery.LocalElastiCache.Api;
using DisasterRecovery.LocalElastiCache.Nodes;
using DisasterRecovery.LocalElastiCache.State;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>createReplicationGroup, describeReplicationGroups, deleteReplicationGroup.</summary>
public sealed partial class ElastiCacheEmulator
{
    private const int MaxCacheClusters = 6;

    private async Task<JsonNode?> CreateReplicationGroupAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        var host = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = ElastiCacheNames.ReplicationGroupId(Text(p, "ReplicationGroupId")!, "ReplicationGroupId");
        RefuseWhatIsNotEmulated(p, host);
        var clusters = CacheClusterCount(p);
        var automaticFailover = p["AutomaticFailoverEnabled"]?.GetValue<bool>() ?? false;
        var multiAz = p["MultiAZEnabled"]?.GetValue<bool>() ?? false;
        if (automaticFailover && clusters < 2)
        {
            throw ElastiCacheErrors.InvalidParameterCombination("Automatic failover needs at least one replica: NumCacheClusters must be 2 or more.");
        }

        if (multiAz && !automaticFailover)
        {
            throw ElastiCacheErrors.InvalidParameterCombination("Multi-AZ needs AutomaticFailoverEnabled.");
        }

        var authToken = Text(p, "AuthToken") is { } token ? ElastiCacheNames.AuthToken(token) : null;
        var seed = await SeedAsync(p, context, cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var group = new ReplicationGroupRecord
        {
            Id = id,
            Region = context.Region,
            Arn = Arn(context.Region, "replicationgroup", id),
            Description = Text(p, "ReplicationGroupDescription")!,
            CreatedAt = now,
            CacheNodeType = Text(p, "CacheNodeType") ?? "cache.t4g.micro",
            EngineVersion = host.EngineVersion,
            AutomaticFailover = automaticFailover,
            MultiAz = multiAz,
            AtRestEncryptionEnabled = p["AtRestEncryptionEnabled"]?.GetValue<bool>() ?? false,
            KmsKeyId = Text(p, "KmsKeyId"),
            SnapshotRetentionLimit = p["SnapshotRetentionLimit"]?.GetValue<int>() ?? 0,
            SnapshotWindow = Text(p, "SnapshotWindow"),
            AuthToken = authToken,
            Tags = Tags(p),
        };
        for (var i = 1; i <= clusters; i++)
        {
            var clusterId = $"{id}-{i:000}";
            group.Nodes.Add(new NodeRecord
            {
                CacheClusterId = clusterId,
                Role = i == 1 ? "primary" : "replica",
                Port = RedisNodeHost.FreePort(),
                Folder = Path.Combine(_options.StateDirectory, "nodes", $"{clusterId}-{Guid.NewGuid():N}"[..(clusterId.Length + 9)]),
                CreatedAt = now,
            });
        }

        Change(state =>
        {
            if (state.ReplicationGroups.Any(g => g.Id == id && g.Status != "deleted"))
            {
                throw ElastiCacheErrors.ReplicationGroupAlreadyExists(id);
            }

            state.ReplicationGroups.RemoveAll(g => g.Id == id);
            state.ReplicationGroups.Add(group);
            return 0;
        });
        Start("group:" + id, "creating", token => ProvisionAsync(host, group, seed, token));
        return new JsonObject { ["ReplicationGroup"] = Responses.ReplicationGroup(group, "creating") };
    }

    private async Task<JsonNode?> DescribeReplicationGroupsAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        CheckMaxRecords(p);
        var id = Text(p, "ReplicationGroupId")?.ToLowerInvariant();
        var groups = ReadState(state => state.ReplicationGroups.Where(g => g.Region == context.Region && (id is null || g.Id == id)).ToList());
        var answers = await DescribeVisibleAsync(groups, g => "group:" + g.Id, g => g.Status, (state, g) => state.ReplicationGroups.Remove(g),
            Responses.ReplicationGroup, cancellationToken).ConfigureAwait(false);

        if (id is not null && answers.Count == 0)
        {
            throw ElastiCacheErrors.ReplicationGroupNotFound(id);
        }

        return new JsonObject { ["ReplicationGroups"] = answers };
    }

    private async Task<JsonNode?> DeleteReplicationGroupAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        var host = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var id = Text(p, "ReplicationGroupId")!.ToLowerInvariant();
        if (p["RetainPrimaryCluster"]?.GetValue<bool>() == true)
        {
            throw ElastiCacheErrors.NotImplemented("RetainPrimaryCluster (keeping the primary as a stand-alone cache cluster)");
        }

        var finalName = Text(p, "FinalSnapshotIdentifier") is { } name ? ElastiCacheNames.SnapshotName(name, "FinalSnapshotIdentifier") : null;
        var (group, final) = Change(state =>
        {
            var group = FindGroup(state, context.Region, id);
            if (group.Status is not ("available" or "create-failed"))
            {
                throw ElastiCacheErrors.InvalidReplicationGroupState(id, group.Status);
            }

            SnapshotRecord? final = null;
            if (finalName is not null)
            {
                if (group.Status != "available")
                {
                    throw ElastiCacheErrors.InvalidReplicationGroupState(id, group.Status);
                }

                final = NewSnapshot(state, context.Region, finalName, group, group.Nodes.Single(n => n.Role == "primary"), ofCacheCluster: false, []);
            }

            group.Status = "deleting";
            return (group, final);
        });
        // The final snapshot is its own work, so that describeSnapshots follows it while the group is being deleted.
        var finalWork = final is null ? Task.CompletedTask : Run("snapshot:" + final.Name, "creating", token => TakeSnapshotAsync(host, group, final, token));
        Start("group:" + id, "deleting", async token =>
        {
            await finalWork.ConfigureAwait(false);
            foreach (var node in group.Nodes.AsEnumerable().Reverse())
            {
                await host.StopAsync(node, group.AuthToken, save: false).ConfigureAwait(false);
                DeleteFolder(node.Folder);
            }

            Change(_ => group.Status = "deleted");
        });
        return new JsonObject { ["ReplicationGroup"] = ReadState(_ => Responses.ReplicationGroup(group, "deleting")) };
    }

    /// <summary>Copies the seed into the primary's folder, starts the nodes; a failure leaves the group create-failed.</summary>
    private async Task ProvisionAsync(RedisNodeHost host, ReplicationGroupRecord group, Func<string, CancellationToken, Task>? seed,
        CancellationToken cancellationToken)
    {
        try
        {
            var primary = group.Nodes.Single(n => n.Role == "primary");
            Directory.CreateDirectory(primary.Folder);
            if (seed is not null)
            {
                await seed(Path.Combine(primary.Folder, "dump.rdb"), cancellationToken).ConfigureAwait(false);
            }

            await StartNodesAsync(host, group, cancellationToken).ConfigureAwait(false);
            Change(_ => group.Status = "available");
        }
        catch (Exception e) when (e is IOException or Amazon.Runtime.AmazonServiceException or UnauthorizedAccessException)
        {
            foreach (var node in group.Nodes)
            {
                await host.StopAsync(node, group.AuthToken, save: false).ConfigureAwait(false);
            }

            Change(_ =>
            {
                group.Status = "create-failed";
                group.FailureReason = e.Message;
                return 0;
            });
        }
    }

    /// <summary>What a create asks that the local nodes cannot be: refused as States.Runtime, naming the field.</summary>
    private static void RefuseWhatIsNotEmulated(JsonObject p, RedisNodeHost host)
    {
        if (Text(p, "Engine") is { } engine && !engine.Equals("redis", StringComparison.OrdinalIgnoreCase))
        {
            throw ElastiCacheErrors.NotImplemented($"Engine '{engine}' (the local nodes run redis-server {host.EngineVersion})");
        }

        if (Text(p, "EngineVersion") is { } version && !host.EngineVersion.StartsWith(version.TrimEnd('x', 'X').TrimEnd('.'), StringComparison.Ordinal))
        {
            throw ElastiCacheErrors.NotImplemented($"EngineVersion '{version}' (the local nodes run redis-server {host.EngineVersion})");
        }

        if (p["NumNodeGroups"]?.GetValue<int>() is > 1 || p["NodeGroupConfiguration"] is JsonArray { Count: > 1 }
            || Text(p, "ClusterMode") is "enabled" or "compatible")
        {
            throw ElastiCacheErrors.NotImplemented("Cluster mode (NumNodeGroups, NodeGroupConfiguration with several shards, ClusterMode)");
        }

        if (p["TransitEncryptionEnabled"]?.GetValue<bool>() == true || Text(p, "TransitEncryptionMode") is not null)
        {
            throw ElastiCacheErrors.NotImplemented("TransitEncryptionEnabled/TransitEncryptionMode (TLS to the local nodes)");
        }

        foreach (var field in new[] { "GlobalReplicationGroupId", "PrimaryClusterId", "ServerlessCacheSnapshotName", "UserGroupIds" })
        {
            if (p[field] is not null)
            {
                throw ElastiCacheErrors.NotImplemented(field);
            }
        }

        if (p["DataTieringEnabled"]?.GetValue<bool>() == true)
        {
            throw ElastiCacheErrors.NotImplemented("DataTieringEnabled");
        }
    }

    /// <summary>NumCacheClusters, or 1 + ReplicasPerNodeGroup: 1 to 6 nodes.</summary>
    private static int CacheClusterCount(JsonObject p)
    {
        var clusters = p["NumCacheClusters"]?.GetValue<int>();
        var replicas = p["ReplicasPerNodeGroup"]?.GetValue<int>();
        if (clusters is not null && replicas is not null && clusters != replicas + 1)
        {
            throw ElastiCacheErrors.InvalidParameterCombination("NumCacheClusters and ReplicasPerNodeGroup disagree; give one of them.");
        }

        var count = clusters ?? (replicas + 1) ?? 1;
        return count is >= 1 and <= MaxCacheClusters
            ? count
            : throw ElastiCacheErrors.InvalidParameterValue($"NumCacheClusters must be between 1 and {MaxCacheClusters} (got {count}).");
    }

    private static void CheckMaxRecords(JsonObject p)
    {
        if (p["MaxRecords"]?.GetValue<int>() is { } max and (< 20 or > 100))
        {
            throw ElastiCacheErrors.InvalidParameterValue($"The parameter MaxRecords must be between 20 and 100 (got {max}).");
        }
    }

    private static ReplicationGroupRecord FindGroup(ElastiCacheStateDocument state, string region, string id) =>
        state.ReplicationGroups.FirstOrDefault(g => g.Region == region && g.Id == id && g.Status != "deleted")
            ?? throw ElastiCacheErrors.ReplicationGroupNotFound(id);

    private static List<TagRecord> Tags(JsonObject p, string field = "Tags") =>
        (p[field]?.AsArray() ?? []).Select(t => new TagRecord(
            t?["Key"]?.GetValue<string>() is { Length: > 0 } key ? key : throw ElastiCacheErrors.InvalidParameterValue("A tag's Key must not be empty."),
            t["Value"]?.GetValue<string>() ?? string.Empty)).ToList();
}
