using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.Postgres;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

// createDBInstance, describeDBInstances, modifyDBInstance, deleteDBInstance, and the provisioning every new instance shares.
public sealed partial class RdsEmulator
{
    private async Task<JsonObject> CreateDbInstanceAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var identifier = Identifiers.Instance(request.RequiredString("DbInstanceIdentifier"), "DBInstanceIdentifier");
        var instanceClass = InstanceClass(request.RequiredString("DbInstanceClass"));
        RequirePostgres(request.RequiredString("Engine"));
        var engineVersion = request.String("EngineVersion");
        if (engineVersion is not null && engineVersion != "15" && !engineVersion.StartsWith("15.", StringComparison.Ordinal))
        {
            throw RdsErrors.InvalidParameterValue($"Cannot find version {engineVersion} for postgres (the local RDS emulator runs PostgreSQL {_host.Version})");
        }

        if (request.String("DbClusterIdentifier") is not null)
        {
            throw RdsErrors.NotImplemented("An Aurora cluster member (DbClusterIdentifier)");
        }

        var password = MasterPassword(request, out var managedPassword);
        var master = request.String("MasterUsername");
        if (string.IsNullOrEmpty(master))
        {
            throw RdsErrors.InvalidParameterValue("The parameter MasterUsername must be provided and must not be blank.");
        }

        if (!MasterUsernamePattern().IsMatch(master) || master.Equals("rdsadmin", StringComparison.OrdinalIgnoreCase))
        {
            throw RdsErrors.InvalidParameterValue(
                "The parameter MasterUsername is not a valid identifier: 1 to 63 letters, digits or underscores, starting with a letter, not a reserved word.");
        }

        if (string.IsNullOrEmpty(password))
        {
            throw RdsErrors.InvalidParameterValue("The parameter MasterUserPassword must be provided and must not be blank.");
        }

        CheckPassword(password);
        var storage = request.Int("AllocatedStorage") ?? 0;
        if (storage is < 20 or > 65536)
        {
            throw RdsErrors.InvalidParameterValue($"Invalid storage size for engine name postgres and storage type gp2: {storage}");
        }

        var dbName = request.String("DbName");
        if (dbName is not null && !DbNamePattern().IsMatch(dbName))
        {
            throw RdsErrors.InvalidParameterValue("DBName must begin with a letter and contain only alphanumeric characters.");
        }

        var retention = Retention(request.Int("BackupRetentionPeriod") ?? 1);
        var tags = request.Tags();
        var verifier = ScramVerifier.Create(password);

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EnsureInstanceIdentifierFree(region, identifier);
            var placement = ResolvePlacement(region, request);
            var record = NewInstanceRecord(region, identifier);
            placement.ApplyTo(record);
            record.MasterUsername = master;
            record.DbName = dbName;
            record.DbInstanceClass = instanceClass;
            record.AllocatedStorage = storage;
            record.BackupRetentionPeriod = retention;
            record.DeletionProtection = request.Bool("DeletionProtection") ?? false;
            record.CopyTagsToSnapshot = request.Bool("CopyTagsToSnapshot") ?? false;
            record.Tags = MergeTags([], tags);
            record.EngineVersion = _host.Version;
            if (managedPassword)
            {
                StoreManagedSecret(record, password);
            }

            _state.Instances.Add(record);
            Save();
            StartProvisioning(record, "create", async cancellation =>
            {
                await _host.InitAsync(record.DataDirectory, master, cancellation).ConfigureAwait(false);
            }, restoreSettings: null, verifier, dbName);
            return new JsonObject { ["DbInstance"] = Responses.Instance(this, record.Clone(), record.Status, null) };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<JsonObject> DescribeDbInstancesAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var identifier = request.String("DbInstanceIdentifier");
        var filters = request.Filters();
        foreach (var filter in filters)
        {
            if (filter.Name is not ("db-instance-id" or "dbi-resource-id" or "engine"))
            {
                throw RdsErrors.InvalidParameterValue(
                    $"Unrecognized filter name: {filter.Name}. The local RDS emulator filters on db-instance-id, dbi-resource-id and engine.");
            }
        }

        var max = request.MaxRecords() ?? 100;

        // The marker is the last identifier of the previous page: instances sort by identifier, so the next page
        // starts after it, whatever was created or deleted in between.
        var marker = request.String("Marker");
        string? nextMarker = null;
        List<InstanceRecord> Select()
        {
            IEnumerable<InstanceRecord> all = _state.Instances.Where(i => i.Region == region)
                .Concat(_deletedUnreported.Values.Where(i => i.Region == region));
            if (identifier is not null)
            {
                var match = FindInstanceOrNull(region, identifier, "DBInstanceIdentifier")
                    ?? _deletedUnreported.GetValueOrDefault((region, NormalizedInstanceName(region, identifier)))
                    ?? throw RdsErrors.InstanceNotFound(identifier);
                all = [match];
            }

            foreach (var filter in filters)
            {
                all = all.Where(i => filter.Values.Any(v => filter.Name switch
                {
                    "db-instance-id" => v == i.Identifier || v == InstanceArn(i),
                    "dbi-resource-id" => v == i.ResourceId,
                    _ => v == "postgres",
                }));
            }

            var after =
                all.Where(i => marker is null || string.CompareOrdinal(i.Identifier, marker) > 0).OrderBy(i => i.Identifier, StringComparer.Ordinal).ToList();
            var page = after.Take(max).ToList();
            nextMarker = after.Count > max ? page[^1].Identifier : null;
            return page;
        }

        var running = new List<Task>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var instance in Select())
            {
                if (RunningReportedWork(InstanceKey(instance)) is { } task)
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
        var views = new List<(InstanceRecord Record, string Status)>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var instance in Select())
            {
                var deleted = _deletedUnreported.ContainsValue(instance);
                if (deleted)
                {
                    _deletedUnreported.Remove((instance.Region, instance.Identifier));
                    _work.Remove(InstanceKey(instance));
                }

                views.Add((instance.Clone(), deleted ? InstanceStatus.Deleting : VisibleStatus(InstanceKey(instance), instance.Status)));
            }
        }
        finally
        {
            _gate.Release();
        }

        var list = new JsonArray();
        foreach (var (record, status) in views)
        {
            list.Add(Responses.Instance(this, record, status, await RestoreWindowAsync(record, cancellationToken).ConfigureAwait(false)));
        }

        var response = new JsonObject { ["DbInstances"] = list };
        if (nextMarker is not null)
        {
            response["Marker"] = nextMarker;
        }

        return response;
    }

    private async Task<JsonObject> ModifyDbInstanceAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var identifier = request.RequiredString("DbInstanceIdentifier");
        var newIdentifier = request.String("NewDBInstanceIdentifier") is { } name ? Identifiers.Instance(name, "NewDBInstanceIdentifier") : null;
        var applyImmediately = request.Bool("ApplyImmediately") ?? false;
        var password = request.String("MasterUserPassword");
        if (password is not null)
        {
            CheckPassword(password);
        }

        var retention = request.Int("BackupRetentionPeriod") is { } days ? Retention(days) : (int?)null;
        if (request.Bool("ManageMasterUserPassword") == true || request.Bool("RotateMasterUserPassword") == true)
        {
            throw RdsErrors.NotImplemented("A master password managed in Secrets Manager (ManageMasterUserPassword/RotateMasterUserPassword)");
        }

        if (request.Int("DbPortNumber") is not null)
        {
            throw RdsErrors.NotImplemented("Changing the port (DbPortNumber)");
        }

        if (request.String("EngineVersion") is { } version && version != "15" && !version.StartsWith("15.", StringComparison.Ordinal))
        {
            throw RdsErrors.NotImplemented($"An engine version upgrade to {version}");
        }

        var instanceClass = request.String("DbInstanceClass") is { } cls ? InstanceClass(cls) : null;

        InstanceRecord record;
        var removedBackups = new List<AutomatedBackupRecord>();
        List<AutomatedBackupRecord>? stillRead = null;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            record = FindInstance(region, identifier, "DBInstanceIdentifier");
            if (record.Status != InstanceStatus.Available)
            {
                throw RdsErrors.InstanceState($"Database instance {record.Identifier} is not in available state.");
            }

            if (newIdentifier is not null && newIdentifier != record.Identifier)
            {
                EnsureInstanceIdentifierFree(region, newIdentifier);
                if (applyImmediately)
                {
                    Log(LogLevel.Info, "DB instance renamed", ("from", record.Identifier), ("to", newIdentifier), ("region", region));
                    record.Identifier = newIdentifier;
                    record.PendingIdentifier = null;
                }
                else
                {
                    // RDS applies it in the next maintenance window; there is none locally.
                    record.PendingIdentifier = newIdentifier;
                }
            }

            if (instanceClass is not null)
            {
                record.DbInstanceClass = instanceClass;
            }

            if (request.Int("AllocatedStorage") is { } storage)
            {
                record.AllocatedStorage = storage < record.AllocatedStorage
                    ? throw RdsErrors.InvalidParameterValue("Invalid storage size: allocated storage can only be increased.")
                    : storage;
            }

            record.DeletionProtection = request.Bool("DeletionProtection") ?? record.DeletionProtection;
            record.CopyTagsToSnapshot = request.Bool("CopyTagsToSnapshot") ?? record.CopyTagsToSnapshot;
            if (retention is { } newRetention && newRetention != record.BackupRetentionPeriod)
            {
                var wasOff = record.BackupRetentionPeriod == 0;
                record.BackupRetentionPeriod = newRetention;
                if (newRetention == 0)
                {
                    // Turning automated backups off deletes them, as RDS does.
                    removedBackups.AddRange(record.AutomatedBackups.Where(b => !_readers.ContainsKey(b.Directory)));
                    stillRead = record.AutomatedBackups.Where(b => _readers.ContainsKey(b.Directory)).ToList();
                    record.AutomatedBackups.Clear();
                }
                else if (wasOff)
                {
                    record.Status = InstanceStatus.BackingUp;
                    var live = record;
                    StartWork(InstanceKey(record), InstanceStatus.BackingUp, async cancellation =>
                    {
                        await BackUpAsync(live.Clone(), cancellation).ConfigureAwait(false);
                        await SetStatusAsync(live, InstanceStatus.Available).ConfigureAwait(false);
                    }, e => SetStatusAsync(live, InstanceStatus.Available, $"automated backup failed: {e.Message}"));
                }
            }

            Save();
            record = record.Clone();
        }
        finally
        {
            _gate.Release();
        }

        if (password is not null)
        {
            var role = record.MasterUsername.Replace("\"", "\"\"", StringComparison.Ordinal);
            await _host.ExecuteAsync(Address(record), cancellationToken,
                $"ALTER ROLE \"{role}\" PASSWORD '{ScramVerifier.Create(password)}'").ConfigureAwait(false);
            Log(LogLevel.Info, "master password changed", ("identifier", record.Identifier));
        }

        foreach (var backup in removedBackups)
        {
            await _host.RemoveDirectoryAsync(backup.Directory, CancellationToken.None).ConfigureAwait(false);
        }

        if (stillRead is not null)
        {
            await PruneWalArchiveWithoutBackupsAsync(record, stillRead, cancellationToken).ConfigureAwait(false);
        }

        var pending = new JsonObject();
        if (record.PendingIdentifier is not null)
        {
            pending["DbInstanceIdentifier"] = record.PendingIdentifier;
        }

        if (password is not null)
        {
            pending["MasterUserPassword"] = "****";
        }

        var view = Responses.Instance(this, record, record.Status, await RestoreWindowAsync(record, cancellationToken).ConfigureAwait(false));
        view["PendingModifiedValues"] = pending;
        return new JsonObject { ["DbInstance"] = view };
    }

    private async Task<JsonObject> DeleteDbInstanceAsync(string region, Request request, CancellationToken cancellationToken)
    {
        var identifier = request.RequiredString("DbInstanceIdentifier");
        var skipFinalSnapshot = request.Bool("SkipFinalSnapshot") ?? false;
        var finalSnapshotName = request.String("FinalDBSnapshotIdentifier");
        var deleteAutomatedBackups = request.Bool("DeleteAutomatedBackups") ?? true;
        if (skipFinalSnapshot && finalSnapshotName is not null)
        {
            throw RdsErrors.InvalidParameterCombination("Cannot specify both SkipFinalSnapshot and FinalDBSnapshotIdentifier.");
        }

        if (!skipFinalSnapshot && finalSnapshotName is null)
        {
            throw RdsErrors.InvalidParameterCombination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.");
        }

        var finalSnapshotId = finalSnapshotName is null ? null : Identifiers.Snapshot(finalSnapshotName, "FinalDBSnapshotIdentifier");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = FindInstance(region, identifier, "DBInstanceIdentifier");
            if (record.DeletionProtection)
            {
                throw RdsErrors.InvalidParameterCombination("Cannot delete protected DB Instance, please disable deletion protection and try again.");
            }

            if (record.Status == InstanceStatus.Deleting)
            {
                throw RdsErrors.InstanceState($"Instance {record.Identifier} is already being deleted.");
            }

            SnapshotRecord? finalSnapshot = null;
            if (finalSnapshotId is not null)
            {
                if (!InstanceStatus.IsRunning(record.Status))
                {
                    throw RdsErrors.InstanceState($"Instance {record.Identifier} is currently {record.Status} - a final snapshot cannot be taken.");
                }

                EnsureSnapshotIdentifierFree(region, finalSnapshotId);
                finalSnapshot = NewSnapshotRecord(region, finalSnapshotId, record, record.CopyTagsToSnapshot ? record.Tags : []);
                _state.Snapshots.Add(finalSnapshot);
            }

            var previous = _work.GetValueOrDefault(InstanceKey(record));
            if (previous is not null && !previous.Task.IsCompleted)
            {
                // A delete of an instance still being created or restored stops that work first, as RDS allows.
                await previous.Cancellation.CancelAsync().ConfigureAwait(false);
            }

            record.Status = InstanceStatus.Deleting;
            Save();
            var live = record;
            var response = Responses.Instance(this, record.Clone(), InstanceStatus.Deleting, null);
            var finalSnapshotWork =
                finalSnapshot is null ? null : StartSnapshotWork(finalSnapshot, live.Clone(), after: previous?.Task, finishesBeforeDispose: true).Task;
            StartWork(InstanceKey(record), InstanceStatus.Deleting, async cancellation =>
            {
                if (finalSnapshotWork is not null)
                {
                    await finalSnapshotWork.ConfigureAwait(false);
                }

                await _host.StopAsync(live.DataDirectory, cancellation).ConfigureAwait(false);
                var keepBackups = !deleteAutomatedBackups && live.AutomatedBackups.Count > 0;
                await RemoveInstanceFilesAsync(live, keepBackups, cancellation).ConfigureAwait(false);
                await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    _state.Instances.Remove(live);
                    if (keepBackups)
                    {
                        var retained = live.Clone();
                        retained.Status = "retained";
                        _state.RetainedBackups.Add(retained);
                    }

                    if (_work.TryGetValue(InstanceKey(live), out var mine) && !mine.Reported)
                    {
                        _deletedUnreported[(live.Region, live.Identifier)] = live.Clone();
                    }

                    Save();
                }
                finally
                {
                    _gate.Release();
                }

                Log(LogLevel.Info, "DB instance deleted", ("identifier", live.Identifier), ("region", live.Region), ("automatedBackupsRetained", keepBackups));
            }, e => SetStatusAsync(live, InstanceStatus.Failed, $"delete failed: {e.Message}"), after: previous?.Task, finishesBeforeDispose: true);
            return new JsonObject { ["DbInstance"] = response };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A describe of one instance, as a DBInstance object (used by adoption).</summary>
    private async Task<JsonObject> DescribeOneAsync(string region, string identifier, CancellationToken cancellationToken)
    {
        var result = await DescribeDbInstancesAsync(region, new Request(new JsonObject { ["DbInstanceIdentifier"] = identifier }),
            cancellationToken).ConfigureAwait(false);
        return result["DbInstances"]![0]!.AsObject().DeepClone().AsObject();
    }

    /// <summary>
    /// Starts the background creation of a new instance's cluster (caller holds the gate): fill the data folder
    /// (<paramref name="populate"/>: initdb or a backup copy), configure, start, wait until it is a primary that
    /// accepts connections, take the first automated backup, then report available.
    /// </summary>
    private void StartProvisioning(
        InstanceRecord record,
        string operation,
        Func<CancellationToken, Task> populate,
        string? restoreSettings,
        string? passwordVerifier,
        string? databaseName,
        string? readingDirectory = null)
    {
        if (_options.FaultInjector?.TakeProvisioningEnd(record.Identifier) is { } injectedStatus)
        {
            // A test wants to see RDS give up on this instance: no cluster, just the status.
            var failing = record;
            StartWork(InstanceKey(record), InstanceStatus.Creating,
                _ => SetStatusAsync(failing, injectedStatus, $"{operation} ended in {injectedStatus} (injected by RdsFaultInjector)"),
                e => SetStatusAsync(failing, InstanceStatus.Failed, $"{operation} failed: {e.Message}"));
            return;
        }

        if (readingDirectory is not null)
        {
            AddReader(readingDirectory);
        }

        var live = record;
        StartWork(InstanceKey(record), InstanceStatus.Creating, async cancellation =>
        {
            var started = DateTimeOffset.UtcNow;
            var address = Address(live);
            try
            {
                await _host.CreateDirectoryAsync(Path.GetDirectoryName(live.DataDirectory)!, cancellation).ConfigureAwait(false);
                await _host.CreateDirectoryAsync(live.WalArchive, cancellation).ConfigureAwait(false);
                await populate(cancellation).ConfigureAwait(false);
            }
            finally
            {
                if (readingDirectory is not null)
                {
                    await RemoveReaderAsync(readingDirectory).ConfigureAwait(false);
                }
            }

            await _host.WriteFileAsync(Path.Combine(live.DataDirectory, "postgresql.auto.conf"), ClusterSettings(live) + (restoreSettings ?? string.Empty),
                append: true, cancellation).ConfigureAwait(false);
            if (restoreSettings is not null)
            {
                await _host.WriteFileAsync(Path.Combine(live.DataDirectory, "recovery.signal"), string.Empty, append: false,
                    cancellation).ConfigureAwait(false);
            }

            await _host.StartAsync(live.DataDirectory, live.LogFile, _options.StartTimeout, cancellation).ConfigureAwait(false);
            await _host.WaitUntilPrimaryAsync(address, live.DataDirectory, live.LogFile, _options.StartTimeout, cancellation).ConfigureAwait(false);
            var recovered = DateTimeOffset.UtcNow;
            if (restoreSettings is not null)
            {
                // Recovery is over; the settings must not apply to the next start of this cluster.
                await _host.ExecuteAsync(
                    address,
                    cancellation,
                    "ALTER SYSTEM RESET restore_command",
                    "ALTER SYSTEM RESET recovery_target_time",
                    "ALTER SYSTEM RESET recovery_target_action",
                    "ALTER SYSTEM RESET recovery_target_timeline",
                    "ALTER SYSTEM RESET hot_standby",
                    "SELECT pg_reload_conf()").ConfigureAwait(false);
            }

            if (passwordVerifier is not null)
            {
                var role = live.MasterUsername.Replace("\"", "\"\"", StringComparison.Ordinal);
                await _host.ExecuteAsync(address, cancellation, $"ALTER ROLE \"{role}\" PASSWORD '{passwordVerifier}'").ConfigureAwait(false);
            }

            if (databaseName is not null)
            {
                await _host.ExecuteAsync(address, cancellation, $"CREATE DATABASE \"{databaseName}\"").ConfigureAwait(false);
            }

            var snapshot = live.Clone();
            snapshot.WalSegmentSize = await WalSegmentSizeAsync(address, cancellation).ConfigureAwait(false);
            snapshot.EngineVersion = await EngineVersionAsync(address, cancellation).ConfigureAwait(false);
            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                live.WalSegmentSize = snapshot.WalSegmentSize;
                live.EngineVersion = snapshot.EngineVersion;
                live.InstanceCreateTime = DateTimeOffset.UtcNow;
                if (live.BackupRetentionPeriod > 0)
                {
                    live.Status = InstanceStatus.BackingUp;
                }

                Save();
            }
            finally
            {
                _gate.Release();
            }

            if (live.BackupRetentionPeriod > 0)
            {
                // RDS backs a new instance up right away (status backing-up); point-in-time restores of it start here.
                await BackUpAsync(snapshot, cancellation).ConfigureAwait(false);
            }

            await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                live.Status = InstanceStatus.Available;
                live.StatusReason = null;
                Save();
            }
            finally
            {
                _gate.Release();
            }

            Log(LogLevel.Info, "DB instance available", ("identifier", live.Identifier), ("region", live.Region), ("operation", operation),
                ("port", live.Port), ("untilAcceptingConnections", recovered - started), ("total", DateTimeOffset.UtcNow - started));
        }, async e =>
        {
            try
            {
                await _host.StopAsync(live.DataDirectory, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception stop) when (stop is ClusterOperationException or TimeoutException or IOException)
            {
                Log(LogLevel.Warn, "could not stop a failed cluster", ("identifier", live.Identifier), ("error", stop));
            }

            if (e is OperationCanceledException)
            {
                return;
            }

            await SetStatusAsync(live, operation == "create" ? InstanceStatus.Failed : InstanceStatus.IncompatibleRestore,
                $"{operation} failed: {e.Message}").ConfigureAwait(false);
        });
    }

    /// <summary>What every cluster the emulator starts gets: its own port, socket, archive, and small memory.</summary>
    private string ClusterSettings(InstanceRecord instance)
    {
        var archive = instance.WalArchive;
        return string.Create(CultureInfo.InvariantCulture, $"""

            # --- local/Rds: DB instance {instance.ResourceId} ---
            listen_addresses = '127.0.0.1'
            port = {instance.Port}
            unix_socket_directories = '{_socketDirectory}'
            unix_socket_permissions = 0700
            wal_level = replica
            archive_mode = on
            archive_command = '{WalArchive.ArchiveCommand(archive)}'
            archive_timeout = 60
            max_wal_senders = 5
            max_connections = {_options.MaxConnections}
            shared_buffers = '{_options.SharedBuffers}'
            logging_collector = off

            """);
    }

    private async Task SetStatusAsync(InstanceRecord live, string status, string? reason = null)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (reason is null)
            {
                live.Status = status;
            }
            else
            {
                MarkFailed(live, status, reason);
            }

            Save();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RemoveInstanceFilesAsync(InstanceRecord instance, bool keepBackups, CancellationToken cancellationToken)
    {
        if (!instance.Adopted)
        {
            await _host.RemoveDirectoryAsync(Path.GetDirectoryName(instance.DataDirectory)!, cancellationToken).ConfigureAwait(false);
            if (!keepBackups)
            {
                await _host.RemoveDirectoryAsync(instance.WalArchive, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!keepBackups)
        {
            await _host.RemoveDirectoryAsync(instance.BackupDirectory, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A new instance's record with its own port and folders (caller holds the gate).</summary>
    private InstanceRecord NewInstanceRecord(string region, string identifier)
    {
        var resourceId = Identifiers.NewResourceId();
        var folder = Path.Combine(_pgRoot, "instances", resourceId);
        var claimed = _state.Instances.Select(i => i.Port).ToHashSet();
        return new InstanceRecord
        {
            Region = region,
            Identifier = identifier,
            ResourceId = resourceId,
            Status = InstanceStatus.Creating,
            Port = PostgresHost.FreePort(claimed),
            DataDirectory = Path.Combine(folder, "data"),
            LogFile = Path.Combine(folder, "postgres.log"),
            WalArchive = Path.Combine(_pgRoot, "archives", resourceId),
            BackupDirectory = Path.Combine(_pgRoot, "backups", resourceId),
            SocketDirectory = _socketDirectory,
        };
    }

    /// <summary>
    /// The restore window: earliest = when the oldest automated backup completed; latest = the commit time of the
    /// newest transaction in the WAL archive. Null when point-in-time restore is not possible (no backup yet).
    /// </summary>
    private async Task<RestoreWindow?> RestoreWindowAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        if (instance.AutomatedBackups.Count == 0 || instance.WalSegmentSize == 0)
        {
            return null;
        }

        var oldest = instance.AutomatedBackups[0];
        var latest = await _archive.LatestTransactionTimeAsync(instance.WalArchive, instance.WalSegmentSize, oldest.StartWalFile,
            cancellationToken).ConfigureAwait(false);
        return latest is null || latest < oldest.CompletedAt ? null : new RestoreWindow(oldest.CompletedAt, latest.Value);
    }

    /// <summary>Finds an instance by identifier or ARN in a region (caller holds the gate).</summary>
    private InstanceRecord FindInstance(string region, string identifierOrArn, string parameter) =>
        FindInstanceOrNull(region, identifierOrArn, parameter) ?? throw RdsErrors.InstanceNotFound(identifierOrArn);

    private InstanceRecord? FindInstanceOrNull(string region, string identifierOrArn, string parameter)
    {
        var name = NormalizedInstanceName(region, identifierOrArn);
        if (name.Length == 0)
        {
            return null;
        }

        Identifiers.Instance(name, parameter);
        return _state.Instances.FirstOrDefault(i => i.Region == region && i.Identifier == name);
    }

    /// <summary>The lower-case identifier an identifier or an ARN of this region names; empty for an ARN of something else.</summary>
    private string NormalizedInstanceName(string region, string identifierOrArn)
    {
        if (identifierOrArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            var arn = Identifiers.ParseArn(identifierOrArn);
            return arn is { ResourceType: "db" } && arn.Region == region && arn.Account == _options.AccountId ? arn.Name.ToLowerInvariant() : string.Empty;
        }

        return identifierOrArn.ToLowerInvariant();
    }

    private void EnsureInstanceIdentifierFree(string region, string identifier)
    {
        if (_state.Instances.Any(i => i.Region == region && i.Identifier == identifier))
        {
            throw RdsErrors.InstanceAlreadyExists();
        }
    }

    internal string InstanceArn(InstanceRecord instance) => Identifiers.InstanceArn(instance.Region, _options.AccountId, instance.Identifier);

    private static void RequirePostgres(string engine)
    {
        if (engine != "postgres")
        {
            throw RdsErrors.InvalidParameterValue($"Invalid DB engine: {engine}. The local RDS emulator runs only postgres.");
        }
    }

    private static string InstanceClass(string value) =>
        value.StartsWith("db.", StringComparison.Ordinal) ? value : throw RdsErrors.InvalidParameterValue($"Invalid DB Instance class: {value}");

    private static int Retention(int days) =>
        days is >= 0 and <= 35 ? days : throw RdsErrors.InvalidParameterValue($"Invalid backup retention period {days}: it must be between 0 and 35 days.");

    /// <summary>RDS's master password rule: 8 to 128 printable ASCII characters other than '/', '@', '"' and space.</summary>
    private static void CheckPassword(string password)
    {
        if (password.Length is < 8 or > 128 || password.Any(c => c is < '!' or > '~' or '/' or '@' or '"'))
        {
            throw RdsErrors.InvalidParameterValue(
                "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used, 8 to 128 " +
                "of them.");
        }
    }

    /// <summary>Tags after adding <paramref name="added"/> (a key already present gets the new value); at most 50.</summary>
    private static List<RdsTag> MergeTags(IEnumerable<RdsTag> existing, IEnumerable<RdsTag> added)
    {
        var merged = existing.ToList();
        foreach (var tag in added)
        {
            merged.RemoveAll(t => t.Key == tag.Key);
            merged.Add(tag);
        }

        if (merged.Count > 50)
        {
            throw new RdsEmulatorException(RdsErrors.RdsException, "TagQuotaPerResourceExceeded", 400, "A resource can have at most 50 tags.");
        }

        return merged;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex MasterUsernamePattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex DbNamePattern();
}

/// <summary>The span a point-in-time restore can reach.</summary>
internal sealed record RestoreWindow(DateTimeOffset Earliest, DateTimeOffset LatestExact)
{
    /// <summary>LatestRestorableTime as reported: floored to milliseconds, never after a transaction the archive holds.</summary>
    public DateTimeOffset Latest => RdsTime.FloorToMilliseconds(LatestExact);
}
