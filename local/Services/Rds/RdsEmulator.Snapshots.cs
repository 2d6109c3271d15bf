using System.Text.Json.Nodes;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// createDBSnapshot, describeDBSnapshots, deleteDBSnapshot, copyDBSnapshot. A snapshot is a self-contained base
// backup (WAL included) that belongs to one region; a copy to another region is a separate backup there.
public sealed partial class RdsEmulator
{
    private async Task<JsonObject> CreateDbSnapshotAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var snapshotId = Identifiers.Snapshot(request.RequiredString("DbSnapshotIdentifier"), "DBSnapshotIdentifier");
        var instanceName = request.RequiredString("DbInstanceIdentifier");
        var tags = request.Tags();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var instance = FindInstance(region, instanceName, "DBInstanceIdentifier");
            if (instance.Status != InstanceStatus.Available)
            {
                throw RdsErrors.InstanceState(
                    $"Cannot create a snapshot because the database instance {instance.Identifier} is not currently in the available state.");
            }

            EnsureSnapshotIdentifierFree(region, snapshotId);
            var snapshot = NewSnapshotRecord(region, snapshotId, instance, MergeTags(instance.CopyTagsToSnapshot ? instance.Tags : [], tags));
            _state.Snapshots.Add(snapshot);
            Save();
            StartSnapshotWork(snapshot, instance.Clone(), after: null);
            return new JsonObject { ["DbSnapshot"] = Responses.Snapshot(this, snapshot.Clone(), snapshot.Status) };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> DescribeDbSnapshotsAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var snapshotName = request.String("DbSnapshotIdentifier");
        var instanceName = request.String("DbInstanceIdentifier");
        var snapshotType = request.String("SnapshotType");
        var resourceId = request.String("DbiResourceId");
        var filters = request.Filters();
        foreach (var filter in filters)
        {
            if (filter.Name is not ("db-instance-id" or "db-snapshot-id" or "dbi-resource-id" or "snapshot-type" or "engine"))
            {
                throw RdsErrors.InvalidParameterValue(
                    $"Unrecognized filter name: {filter.Name}. The local RDS emulator filters on db-instance-id, db-snapshot-id, dbi-resource-id, " +
                    $"snapshot-type and engine.");
            }
        }

        var max = request.MaxRecords() ?? 100;
        List<SnapshotRecord> Select()
        {
            var all = _state.Snapshots.Where(s => s.Region == region);
            if (snapshotName is not null)
            {
                all = [FindSnapshot(region, snapshotName)];
            }

            if (instanceName is not null)
            {
                var name = NormalizedInstanceName(region, instanceName);
                all = all.Where(s => s.InstanceIdentifier == name);
            }

            if (snapshotType is not null)
            {
                all = all.Where(s => s.SnapshotType == snapshotType);
            }

            if (resourceId is not null)
            {
                all = all.Where(s => s.InstanceResourceId == resourceId);
            }

            foreach (var filter in filters)
            {
                all = all.Where(s => filter.Values.Any(v => filter.Name switch
                {
                    "db-instance-id" => v == s.InstanceIdentifier || v == Identifiers.InstanceArn(s.Region, _options.AccountId, s.InstanceIdentifier),
                    "db-snapshot-id" => v == s.Identifier || v == SnapshotArn(s),
                    "dbi-resource-id" => v == s.InstanceResourceId,
                    "snapshot-type" => v == s.SnapshotType,
                    _ => v == "postgres",
                }));
            }

            return all.OrderBy(s => s.SnapshotCreateTime).ThenBy(s => s.Identifier, StringComparer.Ordinal).Take(max).ToList();
        }

        var running = new List<Task>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var snapshot in Select())
            {
                if (RunningReportedWork(SnapshotKey(snapshot)) is { } task)
                {
                    running.Add(task);
                }
            }
        }
        finally
        {
            _gate.Release();
        }

        await WaitForProgressAsync(running, cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var list = new JsonArray();
            foreach (var snapshot in Select())
            {
                list.Add(Responses.Snapshot(this, snapshot.Clone(), VisibleStatus(SnapshotKey(snapshot), snapshot.Status)));
            }

            return new JsonObject { ["DbSnapshots"] = list };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> DeleteDbSnapshotAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var name = request.RequiredString("DbSnapshotIdentifier");
        SnapshotRecord snapshot;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            snapshot = FindSnapshot(region, name);
            if (snapshot.Status is not (SnapshotStatus.Available or SnapshotStatus.Failed) || _readers.ContainsKey(snapshot.Directory))
            {
                throw RdsErrors.SnapshotState(
                    $"Cannot delete the snapshot {snapshot.Identifier} because it is " +
                    $"{(snapshot.Status == SnapshotStatus.Available ? "being copied or restored from" : snapshot.Status)}; only an available or failed " +
                    $"snapshot that nothing reads can be deleted.");
            }

            _state.Snapshots.Remove(snapshot);
            Save();
        }
        finally
        {
            _gate.Release();
        }

        await _host.RemoveDirectoryAsync(snapshot.Directory, CancellationToken.None).ConfigureAwait(false);
        Log(LogLevel.Info, "DB snapshot deleted", ("snapshot", snapshot.Identifier), ("region", region));
        return new JsonObject { ["DbSnapshot"] = Responses.Snapshot(this, snapshot, SnapshotStatus.Deleted) };
    }

    private async Task<JsonObject> CopyDbSnapshotAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var sourceName = request.RequiredString("SourceDBSnapshotIdentifier");
        var targetId = Identifiers.Snapshot(request.RequiredString("TargetDBSnapshotIdentifier"), "TargetDBSnapshotIdentifier");
        var sourceRegion = region;
        if (sourceName.StartsWith("arn:", StringComparison.Ordinal))
        {
            var arn = Identifiers.ParseArn(sourceName);
            if (arn is not { ResourceType: "snapshot" } || arn.Account != _options.AccountId)
            {
                throw RdsErrors.InvalidParameterValue($"Invalid snapshot identifier: {sourceName}");
            }

            sourceRegion = arn.Region;
        }

        if (request.String("SourceRegion") is { } declared && declared != sourceRegion)
        {
            throw RdsErrors.InvalidParameterValue($"SourceRegion {declared} does not match the region of {sourceName} ({sourceRegion}).");
        }

        var tags = request.Tags();
        var copyTags = request.Bool("CopyTags") ?? false;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var source = FindSnapshot(sourceRegion, sourceName);
            if (source.Status != SnapshotStatus.Available)
            {
                throw RdsErrors.SnapshotState($"Snapshot {source.Identifier} must be in available state to be copied; it is {source.Status}.");
            }

            EnsureSnapshotIdentifierFree(region, targetId);
            var copy = source.Clone();
            copy.Region = region;
            copy.Identifier = targetId;
            copy.StorageId = Guid.NewGuid().ToString("N");
            copy.Directory = Path.Combine(_pgRoot, "snapshots", copy.StorageId);
            copy.Status = SnapshotStatus.Copying;
            copy.StatusReason = null;
            copy.SnapshotType = "manual";
            copy.SnapshotCreateTime = DateTimeOffset.UtcNow;
            copy.SourceRegion = sourceRegion == region ? null : sourceRegion;
            copy.SourceSnapshotArn = SnapshotArn(source);
            copy.PercentProgress = 0;
            copy.Tags = MergeTags(copyTags ? source.Tags : [], tags);
            _state.Snapshots.Add(copy);
            AddReader(source.Directory);
            Save();
            var from = source.Directory;
            StartWork(SnapshotKey(copy), SnapshotStatus.Copying, async cancellation =>
            {
                try
                {
                    await _host.CopyDirectoryAsync(from, copy.Directory, cancellation).ConfigureAwait(false);
                }
                finally
                {
                    await RemoveReaderAsync(from).ConfigureAwait(false);
                }

                await SetSnapshotStatusAsync(copy, SnapshotStatus.Available, null).ConfigureAwait(false);
                Log(LogLevel.Info, "DB snapshot copied", ("snapshot", copy.Identifier), ("region", region), ("from", copy.SourceSnapshotArn));
            }, e => SetSnapshotStatusAsync(copy, SnapshotStatus.Failed, $"copy failed: {e.Message}"));
            return new JsonObject { ["DbSnapshot"] = Responses.Snapshot(this, copy.Clone(), copy.Status) };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts a snapshot's base backup in the background (caller holds the gate).</summary>
    private PendingWork StartSnapshotWork(SnapshotRecord snapshot, InstanceRecord instance, Task? after, bool finishesBeforeDispose = false) =>
        StartWork(SnapshotKey(snapshot), SnapshotStatus.Creating, async cancellation =>
        {
            var started = DateTimeOffset.UtcNow;
            await _host.CreateDirectoryAsync(Path.GetDirectoryName(snapshot.Directory)!, cancellation).ConfigureAwait(false);
            await _host.BaseBackupAsync(Address(instance), snapshot.Directory, includeWal: true, cancellation).ConfigureAwait(false);
            await SetSnapshotStatusAsync(snapshot, SnapshotStatus.Available, null).ConfigureAwait(false);
            Log(LogLevel.Info, "DB snapshot available", ("snapshot", snapshot.Identifier), ("instance", instance.Identifier),
                ("elapsed", DateTimeOffset.UtcNow - started));
        }, e => SetSnapshotStatusAsync(snapshot, SnapshotStatus.Failed, $"snapshot failed: {e.Message}"), after, finishesBeforeDispose);

    private async Task SetSnapshotStatusAsync(SnapshotRecord snapshot, string status, string? reason)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            snapshot.Status = status;
            snapshot.StatusReason = reason;
            if (status == SnapshotStatus.Available)
            {
                snapshot.PercentProgress = 100;
            }

            if (reason is not null)
            {
                Log(LogLevel.Error, "DB snapshot failed", ("snapshot", snapshot.Identifier), ("reason", reason));
            }

            Save();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A new snapshot of an instance (caller holds the gate).</summary>
    private SnapshotRecord NewSnapshotRecord(string region, string identifier, InstanceRecord instance, List<RdsTag> tags)
    {
        var storageId = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;
        return new SnapshotRecord
        {
            Region = region,
            Identifier = identifier,
            StorageId = storageId,
            Directory = Path.Combine(_pgRoot, "snapshots", storageId),
            Status = SnapshotStatus.Creating,
            InstanceIdentifier = instance.Identifier,
            InstanceResourceId = instance.ResourceId,
            InstanceCreateTime = instance.InstanceCreateTime,
            SnapshotCreateTime = now,
            OriginalSnapshotCreateTime = now,
            EngineVersion = instance.EngineVersion,
            MasterUsername = instance.MasterUsername,
            DbName = instance.DbName,
            DbInstanceClass = instance.DbInstanceClass,
            AllocatedStorage = instance.AllocatedStorage,
            Port = instance.Port,
            WalSegmentSize = instance.WalSegmentSize,
            BackupRetentionPeriod = Math.Max(1, instance.BackupRetentionPeriod),
            VpcId = instance.VpcId,
            OptionGroupName = instance.OptionGroupName,
            Tags = tags,
        };
    }

    /// <summary>Finds a snapshot by identifier or ARN in a region (caller holds the gate).</summary>
    private SnapshotRecord FindSnapshot(string region, string identifierOrArn)
    {
        var name = identifierOrArn;
        if (identifierOrArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            var arn = Identifiers.ParseArn(identifierOrArn);
            name = arn is { ResourceType: "snapshot" } && arn.Region == region && arn.Account == _options.AccountId ? arn.Name : string.Empty;
        }

        name = name.ToLowerInvariant();
        return _state.Snapshots.FirstOrDefault(s => s.Region == region && s.Identifier == name)
            ?? throw RdsErrors.SnapshotNotFound(identifierOrArn);
    }

    private void EnsureSnapshotIdentifierFree(string region, string identifier)
    {
        if (_state.Snapshots.Any(s => s.Region == region && s.Identifier == identifier))
        {
            throw RdsErrors.SnapshotAlreadyExists(identifier);
        }
    }

    internal string SnapshotArn(SnapshotRecord snapshot) => Identifiers.SnapshotArn(snapshot.Region, _options.AccountId, snapshot.Identifier);
}
