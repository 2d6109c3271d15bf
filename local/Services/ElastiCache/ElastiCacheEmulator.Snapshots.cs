using System.Text.Json.Nodes;
using DisasterRecovery.LocalElastiCache.Api;
using DisasterRecovery.LocalElastiCache.Nodes;
using DisasterRecovery.LocalElastiCache.State;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>createSnapshot, describeSnapshots, copySnapshot (within ElastiCache; the export is in the S3 part), deleteSnapshot.</summary>
public sealed partial class ElastiCacheEmulator
{
    private async Task<JsonNode?> CreateSnapshotAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        var host = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var name = ElastiCacheNames.SnapshotName(Text(p, "SnapshotName")!, "SnapshotName");
        var groupId = Text(p, "ReplicationGroupId")?.ToLowerInvariant();
        var clusterId = Text(p, "CacheClusterId")?.ToLowerInvariant();
        if ((groupId is null) == (clusterId is null))
        {
            throw ElastiCacheErrors.InvalidParameterCombination("Give exactly one of ReplicationGroupId and CacheClusterId.");
        }

        var (group, snapshot) = Change(state =>
        {
            var group = groupId is not null
                ? FindGroup(state, context.Region, groupId)
                : state.ReplicationGroups.FirstOrDefault(g => g.Region == context.Region && g.Status != "deleted"
                    && g.Nodes.Any(n => n.CacheClusterId == clusterId)) ?? throw ElastiCacheErrors.CacheClusterNotFound(clusterId!);
            if (group.Status != "available")
            {
                throw ElastiCacheErrors.InvalidReplicationGroupState(group.Id, group.Status);
            }

            // ElastiCache takes a group's snapshot from a replica when it has one, keeping the fork off the primary.
            var node = clusterId is not null
                ? group.Nodes.Single(n => n.CacheClusterId == clusterId)
                : group.Nodes.LastOrDefault(n => n.Role == "replica") ?? group.Nodes.Single(n => n.Role == "primary");
            var snapshot = NewSnapshot(state, context.Region, name, group, node, clusterId is not null, Tags(p));
            snapshot.KmsKeyId = Text(p, "KmsKeyId");
            group.Status = "snapshotting";
            return (group, snapshot);
        });
        Start("snapshot:" + name, "creating", async token =>
        {
            await TakeSnapshotAsync(host, group, snapshot, token).ConfigureAwait(false);
        });
        return new JsonObject { ["Snapshot"] = ReadState(_ => Responses.Snapshot(snapshot, "creating")) };
    }

    private async Task<JsonNode?> DescribeSnapshotsAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        CheckMaxRecords(p);
        var name = Text(p, "SnapshotName");
        var groupId = Text(p, "ReplicationGroupId")?.ToLowerInvariant();
        var clusterId = Text(p, "CacheClusterId")?.ToLowerInvariant();
        var source = Text(p, "SnapshotSource");
        if (source is not (null or "user" or "system"))
        {
            throw ElastiCacheErrors.InvalidParameterValue($"The parameter SnapshotSource must be user or system (got '{source}').");
        }

        var snapshots = ReadState(state => state.Snapshots.Where(s => s.Region == context.Region
            && (name is null || s.Name == name)
            && (groupId is null || s.ReplicationGroupId == groupId)
            && (clusterId is null || s.CacheClusterId == clusterId)
            && source != "system").ToList());
        var answers = await DescribeVisibleAsync(snapshots, s => "snapshot:" + s.Name, s => s.Status, (state, s) => state.Snapshots.Remove(s),
            (s, status) => Responses.Snapshot(s, status), cancellationToken).ConfigureAwait(false);

        if (name is not null && answers.Count == 0)
        {
            throw ElastiCacheErrors.SnapshotNotFound(name);
        }

        return new JsonObject { ["Snapshots"] = answers };
    }

    private async Task<JsonNode?> CopySnapshotAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var sourceName = Text(p, "SourceSnapshotName")!;
        var targetName = ElastiCacheNames.SnapshotName(Text(p, "TargetSnapshotName")!, "TargetSnapshotName");
        var source = ReadState(state => FindSnapshot(state, context.Region, sourceName));
        if (Text(p, "TargetBucket") is { } bucket)
        {
            return await ExportAsync(source, targetName, bucket, context, cancellationToken).ConfigureAwait(false);
        }

        var copy = Change(state =>
        {
            RequireAvailable(source);
            if (state.Snapshots.Any(s => s.Region == context.Region && s.Name == targetName && s.Status != "deleted"))
            {
                throw ElastiCacheErrors.SnapshotAlreadyExists(targetName);
            }

            state.Snapshots.RemoveAll(s => s.Region == context.Region && s.Name == targetName);
            var copy = new SnapshotRecord
            {
                Name = targetName,
                Region = context.Region,
                Arn = Arn(context.Region, "snapshot", targetName),
                Status = "creating",
                ReplicationGroupId = source.ReplicationGroupId,
                ReplicationGroupDescription = source.ReplicationGroupDescription,
                CacheClusterId = source.CacheClusterId,
                OfCacheCluster = source.OfCacheCluster,
                CacheNodeType = source.CacheNodeType,
                EngineVersion = source.EngineVersion,
                Port = source.Port,
                AutomaticFailover = source.AutomaticFailover,
                KmsKeyId = Text(p, "KmsKeyId") ?? source.KmsKeyId,
                CacheClusterCreateTime = source.CacheClusterCreateTime,
                CreatedAt = source.CreatedAt,
                SizeBytes = source.SizeBytes,
                Folder = NewSnapshotFolder(),
                Tags = Tags(p),
            };
            state.Snapshots.Add(copy);
            return copy;
        });
        Start("snapshot:" + targetName, "creating", async token =>
        {
            try
            {
                Directory.CreateDirectory(copy.Folder);
                await CopyFileAsync(RdbOf(source), RdbOf(copy), token).ConfigureAwait(false);
                Change(_ => copy.Status = "available");
            }
            catch (IOException e)
            {
                Fail(copy, e);
            }
        });
        return new JsonObject { ["Snapshot"] = ReadState(_ => Responses.Snapshot(copy, "creating")) };
    }

    private async Task<JsonNode?> DeleteSnapshotAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var name = Text(p, "SnapshotName")!;
        var snapshot = Change(state =>
        {
            var snapshot = FindSnapshot(state, context.Region, name);
            if (snapshot.Status is not ("available" or "failed"))
            {
                throw ElastiCacheErrors.InvalidSnapshotState(name, snapshot.Status);
            }

            snapshot.Status = "deleting";
            return snapshot;
        });
        Start("snapshot:" + name, "deleting", _ =>
        {
            DeleteFolder(snapshot.Folder);
            Change(__ => snapshot.Status = "deleted");
            return Task.CompletedTask;
        });
        return new JsonObject { ["Snapshot"] = ReadState(_ => Responses.Snapshot(snapshot, "deleting")) };
    }

    /// <summary>A new manual snapshot record (status creating) of <paramref name="node"/>; its name must be free.</summary>
    private SnapshotRecord NewSnapshot(ElastiCacheStateDocument state, string region, string name, ReplicationGroupRecord group, NodeRecord node,
        bool ofCacheCluster, List<TagRecord> tags)
    {
        if (state.Snapshots.Any(s => s.Region == region && s.Name == name && s.Status != "deleted"))
        {
            throw ElastiCacheErrors.SnapshotAlreadyExists(name);
        }

        state.Snapshots.RemoveAll(s => s.Region == region && s.Name == name);
        var snapshot = new SnapshotRecord
        {
            Name = name,
            Region = region,
            Arn = Arn(region, "snapshot", name),
            Status = "creating",
            ReplicationGroupId = group.Id,
            ReplicationGroupDescription = group.Description,
            CacheClusterId = node.CacheClusterId,
            OfCacheCluster = ofCacheCluster,
            CacheNodeType = group.CacheNodeType,
            EngineVersion = group.EngineVersion,
            Port = group.Nodes.Single(n => n.Role == "primary").Port,
            AutomaticFailover = group.AutomaticFailover,
            KmsKeyId = group.KmsKeyId,
            CacheClusterCreateTime = node.CreatedAt,
            Folder = NewSnapshotFolder(),
            Tags = tags,
        };
        state.Snapshots.Add(snapshot);
        return snapshot;
    }

    /// <summary>BGSAVE on the snapshot's node, then its RDB copied into the snapshot's folder; a failure leaves the snapshot failed.</summary>
    private async Task TakeSnapshotAsync(RedisNodeHost host, ReplicationGroupRecord group, SnapshotRecord snapshot, CancellationToken cancellationToken)
    {
        try
        {
            var node = group.Nodes.Single(n => n.CacheClusterId == snapshot.CacheClusterId);
            var started = DateTimeOffset.UtcNow;
            var rdb = await host.BackgroundSaveAsync(node, group.AuthToken, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(snapshot.Folder);
            await CopyFileAsync(rdb, RdbOf(snapshot), cancellationToken).ConfigureAwait(false);
            Change(_ =>
            {
                snapshot.SizeBytes = new FileInfo(RdbOf(snapshot)).Length;
                snapshot.CreatedAt = started;
                snapshot.Status = "available";
                EndSnapshotting(group);
                return 0;
            });
        }
        catch (IOException e)
        {
            Fail(snapshot, e);
            Change(_ => EndSnapshotting(group));
        }
    }

    /// <summary>A group that was snapshotting is available again (in the same state change as its snapshot's end).</summary>
    private static int EndSnapshotting(ReplicationGroupRecord group)
    {
        if (group.Status == "snapshotting")
        {
            group.Status = "available";
        }

        return 0;
    }

    private void Fail(SnapshotRecord snapshot, Exception e) => Change(_ =>
    {
        snapshot.Status = "failed";
        snapshot.FailureReason = e.Message;
        return 0;
    });

    private static void RequireAvailable(SnapshotRecord snapshot)
    {
        if (snapshot.Status != "available")
        {
            throw ElastiCacheErrors.InvalidSnapshotState(snapshot.Name, snapshot.Status);
        }
    }

    private static SnapshotRecord FindSnapshot(ElastiCacheStateDocument state, string region, string name) =>
        state.Snapshots.FirstOrDefault(s => s.Region == region && s.Name == name && s.Status != "deleted")
            ?? throw ElastiCacheErrors.SnapshotNotFound(name);

    /// <summary>A snapshot's RDB file.</summary>
    private static string RdbOf(SnapshotRecord snapshot) => Path.Combine(snapshot.Folder, "dump.rdb");

    private string NewSnapshotFolder() => Path.Combine(_options.StateDirectory, "snapshots", Guid.NewGuid().ToString("N"));

    /// <summary>Copies through a temporary file renamed into place, so a half-copied RDB is never taken for a whole one.</summary>
    private static async Task CopyFileAsync(string from, string to, CancellationToken cancellationToken)
    {
        var temporary = to + ".tmp";
        await using (var source = File.OpenRead(from))
        await using (var target = File.Create(temporary))
        {
            await source.CopyToAsync(target, cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, to, overwrite: true);
    }
}
