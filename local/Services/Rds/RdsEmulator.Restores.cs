using System.Text.Json.Nodes;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// restoreDBInstanceFromDBSnapshot and restoreDBInstanceToPointInTime: a new cluster from a snapshot, or from an
// automated base backup plus WAL replayed from the source's archive up to the restore time.
public sealed partial class RdsEmulator
{
    private async Task<JsonObject> RestoreFromSnapshotAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var identifier = Identifiers.Instance(request.RequiredString("DbInstanceIdentifier"), "DBInstanceIdentifier");
        if (request.String("DbClusterSnapshotIdentifier") is not null)
        {
            throw RdsErrors.NotImplemented("Restoring from an Aurora cluster snapshot (DbClusterSnapshotIdentifier)");
        }

        var snapshotName = request.String("DbSnapshotIdentifier") ?? throw RdsErrors.MissingParameter("DBSnapshotIdentifier");
        CommonRestoreChecks(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = FindSnapshot(region, snapshotName);
            if (snapshot.Status != SnapshotStatus.Available)
            {
                throw RdsErrors.SnapshotState($"DBSnapshot {snapshot.Identifier} must have state available but actually has {snapshot.Status}.");
            }

            EnsureInstanceIdentifierFree(region, identifier);
            var placement = ResolvePlacement(region, request);
            var record = NewInstanceRecord(region, identifier);
            placement.ApplyTo(record);
            record.MasterUsername = snapshot.MasterUsername;
            record.DbName = snapshot.DbName;
            record.EngineVersion = snapshot.EngineVersion;
            ApplyRestoreSettings(record, request, snapshot.DbInstanceClass, snapshot.AllocatedStorage, snapshot.BackupRetentionPeriod, snapshot.Tags);
            _state.Instances.Add(record);
            Save();
            var source = snapshot.Directory;
            StartProvisioning(record, "restore from snapshot", cancellation => _host.CopyDirectoryAsync(source, record.DataDirectory, cancellation),
                restoreSettings: null, passwordVerifier: null, databaseName: null, readingDirectory: source);
            Log(LogLevel.Info, "restoring DB instance from snapshot", ("identifier", identifier), ("snapshot", snapshot.Identifier), ("region", region));
            return new JsonObject { ["DbInstance"] = Responses.Instance(this, record.Clone(), record.Status, null) };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> RestoreToPointInTimeAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var target = Identifiers.Instance(request.RequiredString("TargetDBInstanceIdentifier"), "TargetDBInstanceIdentifier");
        var sourceName = request.String("SourceDBInstanceIdentifier");
        var sourceResourceId = request.String("SourceDbiResourceId");
        if (request.String("SourceDBInstanceAutomatedBackupsArn") is not null)
        {
            throw RdsErrors.NotImplemented("Restoring from replicated automated backups (SourceDBInstanceAutomatedBackupsArn)");
        }

        if (sourceName is null && sourceResourceId is null)
        {
            throw RdsErrors.MissingParameter("SourceDBInstanceIdentifier");
        }

        if (sourceName is not null && sourceResourceId is not null)
        {
            throw RdsErrors.InvalidParameterCombination("Specify only one of SourceDBInstanceIdentifier and SourceDbiResourceId.");
        }

        var restoreTime = request.Timestamp("RestoreTime");
        var useLatest = request.Bool("UseLatestRestorableTime") ?? false;
        if (restoreTime is not null && useLatest)
        {
            throw RdsErrors.InvalidParameterCombination("Cannot specify both RestoreTime and UseLatestRestorableTime.");
        }

        if (restoreTime is null && !useLatest)
        {
            throw RdsErrors.InvalidParameterCombination("Either RestoreTime or UseLatestRestorableTime must be specified.");
        }

        CommonRestoreChecks(request);
        InstanceRecord source;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            source = FindPointInTimeSource(region, sourceName, sourceResourceId).Clone();
            EnsureInstanceIdentifierFree(region, target);
            ResolvePlacement(region, request);
        }
        finally
        {
            _gate.Release();
        }

        if (source.BackupRetentionPeriod == 0 || source.AutomatedBackups.Count == 0)
        {
            throw RdsErrors.PointInTimeNotEnabled(source.Identifier);
        }

        var window = await RestoreWindowAsync(source, cancellationToken).ConfigureAwait(false)
            ?? throw RdsErrors.PointInTimeNotEnabled(source.Identifier);

        // Replay stops before the first commit later than the target, so the target must have one after it in the
        // archive; at or after the newest archived commit, "everything archived" is the same state and needs no target.
        DateTimeOffset? recoveryTarget = null;
        if (restoreTime is { } time)
        {
            if (time < window.Earliest || time > window.Latest)
            {
                throw RdsErrors.Restore(
                    $"The restore time {RdsTime.Format(time)} is not within the restorable window of DB instance {source.Identifier}: " +
                        $"{RdsTime.Format(window.Earliest)} to {RdsTime.Format(window.Latest)}.");
            }

            recoveryTarget = time >= window.LatestExact ? null : time;
        }

        var upTo = recoveryTarget ?? window.LatestExact;
        var backup = source.AutomatedBackups.LastOrDefault(b => b.CompletedAt <= upTo) ?? source.AutomatedBackups[0];
        var settings = $"""
            restore_command = '{Postgres.WalArchive.RestoreCommand(source.WalArchive)}'
            recovery_target_action = 'promote'
            recovery_target_timeline = 'latest'
            hot_standby = off

            """;
        if (recoveryTarget is { } stop)
        {
            settings += $"recovery_target_time = '{RdsTime.ToPostgres(stop)}'\n";
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureInstanceIdentifierFree(region, target);
            var live = FindPointInTimeSource(region, sourceName, sourceResourceId);
            if (!live.AutomatedBackups.Contains(backup))
            {
                throw RdsErrors.Restore($"The automated backup {backup.Id} of {source.Identifier} was removed meanwhile; try again.");
            }

            var placement = ResolvePlacement(region, request);
            var record = NewInstanceRecord(region, target);
            placement.ApplyTo(record);
            record.MasterUsername = source.MasterUsername;
            record.DbName = source.DbName;
            record.EngineVersion = source.EngineVersion;
            ApplyRestoreSettings(record, request, source.DbInstanceClass, source.AllocatedStorage, Math.Max(1, source.BackupRetentionPeriod), []);
            _state.Instances.Add(record);
            Save();
            StartProvisioning(record, "point-in-time restore", cancellation => _host.CopyDirectoryAsync(backup.Directory, record.DataDirectory, cancellation),
                settings, passwordVerifier: null, databaseName: null, readingDirectory: backup.Directory);
            Log(LogLevel.Info, "restoring DB instance to a point in time", ("identifier", target), ("source", source.Identifier), ("region", region),
                ("restoreTime", recoveryTarget is null ? "end of archived WAL" : RdsTime.ToPostgres(recoveryTarget.Value)), ("baseBackup", backup.Id));
            return new JsonObject { ["DbInstance"] = Responses.Instance(this, record.Clone(), record.Status, null) };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The source of a point-in-time restore: a live instance, or the retained backups of a deleted one (caller holds the gate).</summary>
    private InstanceRecord FindPointInTimeSource(string region, string? sourceName, string? sourceResourceId)
    {
        if (sourceName is not null)
        {
            return FindInstance(region, sourceName, "SourceDBInstanceIdentifier");
        }

        return _state.Instances.Concat(_state.RetainedBackups).FirstOrDefault(i => i.Region == region && i.ResourceId == sourceResourceId)
            ?? throw RdsErrors.AutomatedBackupNotFound($"SourceDbiResourceId {sourceResourceId}");
    }

    private static void CommonRestoreChecks(Request request)
    {
        if (request.String("Engine") is { } engine)
        {
            RequirePostgres(engine);
        }

        if (request.Bool("ManageMasterUserPassword") == true)
        {
            throw RdsErrors.NotImplemented("A master password managed in Secrets Manager (ManageMasterUserPassword)");
        }
    }

    /// <summary>Settings a restore request may override; the rest comes from the source.</summary>
    private static void ApplyRestoreSettings(InstanceRecord record, Request request, string instanceClass, int allocatedStorage, int retention,
        IReadOnlyList<RdsTag> sourceTags)
    {
        record.DbInstanceClass = request.String("DbInstanceClass") is { } cls ? InstanceClass(cls) : instanceClass;
        record.AllocatedStorage = Math.Max(allocatedStorage, request.Int("AllocatedStorage") ?? 0);
        record.BackupRetentionPeriod = request.Int("BackupRetentionPeriod") is { } days ? Retention(days) : retention;
        record.DeletionProtection = request.Bool("DeletionProtection") ?? false;
        record.CopyTagsToSnapshot = request.Bool("CopyTagsToSnapshot") ?? false;
        var tags = request.Tags();
        record.Tags = MergeTags([], tags.Count > 0 ? tags : sourceTags);
    }
}
