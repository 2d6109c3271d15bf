using System.Diagnostics;
using System.Text.Json.Nodes;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.LocalRds.Api;
using DisasterRecovery.LocalRds.Postgres;
using DisasterRecovery.LocalRds.State;

namespace DisasterRecovery.LocalRds;

/// <summary>
/// An RDS emulator backed by real PostgreSQL 15: every DB instance is a local cluster, every snapshot and
/// automated backup a real base backup, every point-in-time restore a real WAL replay from the archive.
/// <para>
/// <see cref="CallAsync(string, JsonObject, CancellationToken)"/> takes what a Step Functions Task sends to
/// <c>arn:aws:states:::aws-sdk:rds:&lt;action&gt;</c> (the action and its Parameters, named as Step Functions
/// names them) and returns what the Task would get, or throws <see cref="RdsEmulatorException"/> with the error
/// name ErrorEquals matches.
/// </para>
/// <para>
/// Long operations (create, restore, snapshot, copy, delete) return at once with the in-progress status and run
/// in the background; describe calls show their progress. The first describe of a resource after such an
/// operation starts always shows the in-progress status, so a poll loop sees "creating" at least once however
/// fast the work was; later describes wait up to <see cref="RdsEmulatorOptions.DescribeWaitForProgress"/> for work
/// still running, so a loop on a virtual clock does not burn its attempts while PostgreSQL works.
/// </para>
/// </summary>
public sealed partial class RdsEmulator : IAsyncDisposable
{
    private readonly RdsEmulatorOptions _options;
    private readonly PostgresHost _host;
    private readonly WalArchive _archive;
    private readonly StateStore _store;
    private readonly EmulatorStateDocument _state;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _clusterWork;
    private readonly Dictionary<string, PendingWork> _work = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Region, string Identifier), InstanceRecord> _deletedUnreported = [];
    private readonly Dictionary<string, int> _readers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private readonly string _pgRoot;
    private readonly string _socketDirectory;
    private int _disposed;

    private RdsEmulator(RdsEmulatorOptions options, PostgresHost host, StateStore store, EmulatorStateDocument state, string pgRoot)
    {
        _options = options;
        _host = host;
        _archive = new WalArchive(host);
        _store = store;
        _state = state;
        _pgRoot = pgRoot;
        _socketDirectory = Path.Combine(pgRoot, "sockets");
        _clusterWork = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentClusterOperations));
    }

    /// <summary>The region plain <see cref="CallAsync(string, JsonObject, CancellationToken)"/> calls go to.</summary>
    public string DefaultRegion => _options.DefaultRegion;

    /// <summary>The user clusters run as (this process's user when it is not root).</summary>
    public string ServiceUser => _host.Runner.ServiceUser ?? Environment.UserName;

    /// <summary>
    /// Opens the emulator on its state folder: instances, snapshots and tags come back from state.json, and the
    /// clusters of instances that were running are started again (see <see cref="RdsEmulatorOptions.RestartInstancesOnOpen"/>).
    /// Work that a previous process left half done is settled: a half-created instance or snapshot becomes
    /// failed, a half-deleted instance is deleted.
    /// </summary>
    public static async Task<RdsEmulator> OpenAsync(RdsEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Identifiers.IsRegion(options.DefaultRegion))
        {
            throw new ArgumentException($"'{options.DefaultRegion}' is not a region name", nameof(options));
        }

        var stateDirectory = Path.GetFullPath(options.StateDirectory);
        if (stateDirectory.IndexOfAny(['\'', '"', ' ', '%', '\n']) >= 0)
        {
            throw new ArgumentException($"the state folder '{stateDirectory}' may not contain quotes, spaces or '%': it goes into archive_command",
                nameof(options));
        }

        var pgRoot = Path.Combine(stateDirectory, "pg");
        var socketPath = Path.Combine(pgRoot, "sockets", ".s.PGSQL.65535");
        if (socketPath.Length > 100)
        {
            throw new ArgumentException($"the state folder path is too long for a Unix socket ({socketPath}); choose a shorter one", nameof(options));
        }

        Directory.CreateDirectory(stateDirectory);
        var host = await PostgresHost.CreateAsync(options.PostgresBinDirectory, options.ServiceUser, pgRoot, cancellationToken).ConfigureAwait(false);
        await PrepareFoldersAsync(host, stateDirectory, pgRoot, cancellationToken).ConfigureAwait(false);

        var store = new StateStore(stateDirectory);
        var emulator = new RdsEmulator(options, host, store, store.Load(), pgRoot);
        await emulator.RecoverAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <summary>Calls an RDS action in the default region.</summary>
    public Task<JsonNode> CallAsync(string action, JsonObject? parameters, CancellationToken cancellationToken = default) =>
        CallAsync(DefaultRegion, action, parameters, cancellationToken);

    /// <summary>
    /// Calls an RDS action in <paramref name="region"/>, as a Task of a state machine in that region would.
    /// Throws <see cref="RdsEmulatorException"/>; any other exception is a defect of the emulator.
    /// </summary>
    public Task<JsonNode> CallAsync(string region, string action, JsonObject? parameters, CancellationToken cancellationToken = default) =>
        CallAsync(region, action, parameters, caller: null, cancellationToken);

    /// <summary>
    /// The same, naming the <paramref name="caller"/> (the local cloud passes the calling Task state's name), which
    /// <see cref="RdsFaultInjector.Throttle"/> rules may match.
    /// </summary>
    public async Task<JsonNode> CallAsync(string region, string action, JsonObject? parameters, string? caller, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(action);
        if (!Identifiers.IsRegion(region))
        {
            throw new ArgumentException($"'{region}' is not a region name", nameof(region));
        }

        parameters ??= [];
        var started = Stopwatch.GetTimestamp();
        try
        {
            RdsApiCatalog.Validate(action, parameters);
            if (_options.FaultInjector?.TakeThrottle(action, caller) is { } throttled)
            {
                throw throttled;
            }

            var request = new Request(parameters);
            JsonNode result = action switch
            {
                "createDBInstance" => await CreateDbInstanceAsync(region, request, cancellationToken).ConfigureAwait(false),
                "describeDBInstances" => await DescribeDbInstancesAsync(region, request, cancellationToken).ConfigureAwait(false),
                "modifyDBInstance" => await ModifyDbInstanceAsync(region, request, cancellationToken).ConfigureAwait(false),
                "deleteDBInstance" => await DeleteDbInstanceAsync(region, request, cancellationToken).ConfigureAwait(false),
                "restoreDBInstanceFromDBSnapshot" => await RestoreFromSnapshotAsync(region, request, cancellationToken).ConfigureAwait(false),
                "restoreDBInstanceToPointInTime" => await RestoreToPointInTimeAsync(region, request, cancellationToken).ConfigureAwait(false),
                "createDBSnapshot" => await CreateDbSnapshotAsync(region, request, cancellationToken).ConfigureAwait(false),
                "describeDBSnapshots" => await DescribeDbSnapshotsAsync(region, request, cancellationToken).ConfigureAwait(false),
                "deleteDBSnapshot" => await DeleteDbSnapshotAsync(region, request, cancellationToken).ConfigureAwait(false),
                "copyDBSnapshot" => await CopyDbSnapshotAsync(region, request, cancellationToken).ConfigureAwait(false),
                "addTagsToResource" => await AddTagsAsync(region, request, cancellationToken).ConfigureAwait(false),
                "listTagsForResource" => await ListTagsAsync(region, request, cancellationToken).ConfigureAwait(false),
                "removeTagsFromResource" => await RemoveTagsAsync(region, request, cancellationToken).ConfigureAwait(false),
                "describeDBInstanceAutomatedBackups" => await DescribeAutomatedBackupsAsync(region, request, cancellationToken).ConfigureAwait(false),
                _ => throw RdsErrors.Runtime($"rds:{action} has no handler"),
            };
            return result;
        }
        catch (RdsEmulatorException e)
        {
            Log(LogLevel.Info, "rds call failed", ("action", action), ("region", region), ("caller", caller), ("error", e.ErrorName), ("code", e.ErrorCode),
                ("cause", e.Message), ("elapsed", Stopwatch.GetElapsedTime(started)));
            throw;
        }
    }

    /// <summary>
    /// Registers a running cluster someone else manages (local/servers) as a DB instance with its first automated
    /// backup: the base backup local/servers took when it started the cluster, when there is one still usable (see
    /// TakeServersBaseBackupAsync), so point-in-time restores reach back to then; else one taken now. Calling it again for the same data folder
    /// (e.g. on every start of the local cloud) changes nothing, except that it stands in for RDS's daily backup window:
    /// a backup when the newest is a day old, else a pruning of the archive (see KeepAdoptedArchiveBoundedAsync).
    /// Returns the DBInstance.
    /// </summary>
    public async Task<JsonObject> AdoptInstanceAsync(AdoptedInstance source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var region = source.Region ?? DefaultRegion;
        var identifier = Identifiers.Instance(source.Identifier, "DBInstanceIdentifier");
        foreach (var path in new[] { source.DataDirectory, source.WalArchive, source.SocketDirectory })
        {
            if (path.IndexOfAny(['\'', '"', '%', '\n']) >= 0)
            {
                throw new ArgumentException($"'{path}' may not contain quotes or '%': it goes into restore_command", nameof(source));
            }
        }

        var address = new ClusterAddress(source.SocketDirectory, source.Port, source.User);
        if (!source.DbSubnetGroupName.Equals(RdsNetwork.DefaultSubnetGroup, StringComparison.OrdinalIgnoreCase))
        {
            await DefineNetworkGroupsAsync(new RdsNetworkGroups
            {
                VpcId = source.VpcId,
                DbSubnetGroupName = source.DbSubnetGroupName,
                VpcSecurityGroupIds = source.VpcSecurityGroupIds,
                DbParameterGroupNames = [source.DbParameterGroupName],
                OptionGroupNames = [source.OptionGroupName],
            }, region, cancellationToken).ConfigureAwait(false);
        }

        var known = false;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = _state.Instances.FirstOrDefault(i => i.Region == region && i.Identifier == identifier);
            if (existing is not null)
            {
                if (!existing.Adopted || Path.GetFullPath(existing.DataDirectory) != Path.GetFullPath(source.DataDirectory))
                {
                    throw RdsErrors.InstanceAlreadyExists();
                }

                existing.Port = source.Port;
                existing.SocketDirectory = source.SocketDirectory;
                existing.WalArchive = source.WalArchive;
                existing.MasterUsername = source.User;
                existing.LogFile = source.LogFile ?? existing.LogFile;
                PlaceAdopted(existing, source);
                Save();
                known = true;
            }
        }
        finally
        {
            _gate.Release();
        }

        if (known)
        {
            await KeepAdoptedArchiveBoundedAsync(region, identifier, cancellationToken).ConfigureAwait(false);
            return await DescribeOneAsync(region, identifier, cancellationToken).ConfigureAwait(false);
        }

        var archiveMode = await _host.QueryScalarAsync<string>(address, "SELECT current_setting('archive_mode')", cancellationToken).ConfigureAwait(false);
        var walLevel = await _host.QueryScalarAsync<string>(address, "SELECT current_setting('wal_level')", cancellationToken).ConfigureAwait(false);
        var versionNumber =
            await _host.QueryScalarAsync<string>(address, "SELECT current_setting('server_version_num')", cancellationToken).ConfigureAwait(false);
        if (archiveMode == "off" || walLevel == "minimal" || !versionNumber.StartsWith("15", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"cannot adopt the cluster on port {source.Port}: it needs PostgreSQL 15 with WAL archiving (archive_mode={archiveMode}, " +
                    $"wal_level={walLevel}, server_version_num={versionNumber})");
        }

        var resourceId = Identifiers.NewResourceId();
        var record = new InstanceRecord
        {
            Region = region,
            Identifier = identifier,
            ResourceId = resourceId,
            Status = InstanceStatus.Available,
            Adopted = true,
            Port = source.Port,
            MasterUsername = source.User,
            SocketDirectory = source.SocketDirectory,
            DataDirectory = source.DataDirectory,
            WalArchive = source.WalArchive,
            LogFile = source.LogFile ?? Path.Combine(_pgRoot, "instances", resourceId + ".log"),
            BackupDirectory = Path.Combine(_pgRoot, "backups", resourceId),
            BackupRetentionPeriod = source.BackupRetentionPeriod,
            DeletionProtection = source.DeletionProtection,
            EngineVersion = await EngineVersionAsync(address, cancellationToken).ConfigureAwait(false),
            WalSegmentSize = await WalSegmentSizeAsync(address, cancellationToken).ConfigureAwait(false),
            InstanceCreateTime = DateTimeOffset.UtcNow,
        };
        PlaceAdopted(record, source);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state.Instances.Any(i => i.Region == region && i.Identifier == identifier))
            {
                throw RdsErrors.InstanceAlreadyExists();
            }

            _state.Instances.Add(record);
            Save();
        }
        finally
        {
            _gate.Release();
        }

        Log(LogLevel.Info, "adopted cluster as DB instance", ("identifier", identifier), ("region", region), ("port", source.Port),
            ("dataDirectory", source.DataDirectory));
        if (record.BackupRetentionPeriod > 0
            && !await TakeServersBaseBackupAsync(record, source.BaseBackupDirectory, cancellationToken).ConfigureAwait(false))
        {
            await TakeAutomatedBackupAsync(identifier, region, cancellationToken).ConfigureAwait(false);
        }

        return await DescribeOneAsync(region, identifier, cancellationToken).ConfigureAwait(false);
    }

    private static void PlaceAdopted(InstanceRecord record, AdoptedInstance source)
    {
        new InstancePlacement(
            source.DbSubnetGroupName.ToLowerInvariant(),
            source.VpcId,
            source.VpcSecurityGroupIds,
            source.DbParameterGroupName.ToLowerInvariant(),
            source.OptionGroupName.ToLowerInvariant(),
            source.MultiAZ,
            PubliclyAccessible: false).ApplyTo(record);
        record.CopyTagsToSnapshot = source.CopyTagsToSnapshot;
    }

    /// <summary>
    /// Takes an automated base backup of an available instance now, standing in for RDS's daily backup window,
    /// then ends it with a committed transaction and a WAL switch so the backup is restorable to right away.
    /// Backups older than the retention period are removed (the newest always stays), and with them the archived
    /// WAL before the oldest remaining backup's start segment (see README, "Point-in-time recovery: the window").
    /// </summary>
    public async Task TakeAutomatedBackupAsync(string identifier, string? region = null, CancellationToken cancellationToken = default)
    {
        var record = await AvailableInstanceAsync(region ?? DefaultRegion, identifier, cancellationToken).ConfigureAwait(false);
        if (record.BackupRetentionPeriod == 0)
        {
            throw RdsErrors.PointInTimeNotEnabled(record.Identifier);
        }

        await _clusterWork.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await BackUpAsync(record, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _clusterWork.Release();
        }
    }

    /// <summary>
    /// Commits a marker transaction and switches WAL, then waits until the finished segment is archived: every
    /// transaction committed before the call becomes restorable, and LatestRestorableTime moves to now. Stands in
    /// for RDS uploading WAL every five minutes; tests call it instead of waiting for archive_timeout.
    /// </summary>
    public async Task FlushWalArchiveAsync(string identifier, string? region = null, CancellationToken cancellationToken = default)
    {
        var record = await AvailableInstanceAsync(region ?? DefaultRegion, identifier, cancellationToken).ConfigureAwait(false);
        await FlushArchiveAsync(record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops: background work is cancelled and awaited, except deletes (and their final snapshots), which are awaited
    /// to the end, so no instance is left <c>deleting</c> with its folders on disk; then every cluster the emulator
    /// runs is stopped (adopted clusters are left running). Instances keep their status in state.json, so the next
    /// <see cref="OpenAsync"/> starts them again.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        List<Task> running;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            running = _work.Values.Select(w => w.Task).ToList();
        }
        finally
        {
            _gate.Release();
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        List<InstanceRecord> instances;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            instances = _state.Instances.Where(i => !i.Adopted).Select(i => i.Clone()).ToList();
            Save();
        }
        finally
        {
            _gate.Release();
        }

        foreach (var instance in instances)
        {
            try
            {
                await _host.StopAsync(instance.DataDirectory, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ClusterOperationException or TimeoutException or IOException)
            {
                Log(LogLevel.Warn, "could not stop cluster", ("identifier", instance.Identifier), ("error", e));
            }
        }

        _disposing.Dispose();
        Log(LogLevel.Info, "rds emulator stopped", ("clustersStopped", instances.Count));
    }

    internal RdsEmulatorOptions Options => _options;

    private static async Task PrepareFoldersAsync(PostgresHost host, string stateDirectory, string pgRoot, CancellationToken cancellationToken)
    {
        var user = host.Runner.ServiceUser;
        if (user is not null && !OperatingSystem.IsWindows())
        {
            // The service user must be able to reach the state folder; grant search (not read) permission on the
            // folders above it that lack it, as local/servers does.
            for (var dir = stateDirectory; !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir)!)
            {
                var probe = await host.Runner.RunAsync("test", ["-x", dir], true, cancellationToken).ConfigureAwait(false);
                if (!probe.Succeeded)
                {
                    File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.OtherExecute);
                }
            }

            if (!Directory.Exists(pgRoot))
            {
                Directory.CreateDirectory(pgRoot);
                await host.Runner.RunCheckedAsync("chown", [user, pgRoot], false, cancellationToken).ConfigureAwait(false);
                File.SetUnixFileMode(pgRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        foreach (var folder in new[] { "sockets", "instances", "archives", "backups", "snapshots" })
        {
            await host.CreateDirectoryAsync(Path.Combine(pgRoot, folder), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Settles what a previous process left, then starts the clusters of running instances.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var instance in _state.Instances.Where(i => i.Status == InstanceStatus.Creating).ToList())
        {
            MarkFailed(instance, InstanceStatus.Failed, "the emulator stopped while this instance was being created");
        }

        foreach (var snapshot in _state.Snapshots.Where(s => s.Status is SnapshotStatus.Creating or SnapshotStatus.Copying).ToList())
        {
            snapshot.Status = SnapshotStatus.Failed;
            snapshot.StatusReason = "the emulator stopped while this snapshot was being made";
        }

        foreach (var instance in _state.Instances.Where(i => i.Status == InstanceStatus.Deleting).ToList())
        {
            await _host.StopAsync(instance.DataDirectory, cancellationToken).ConfigureAwait(false);
            await RemoveInstanceFilesAsync(instance, keepBackups: false, cancellationToken).ConfigureAwait(false);
            _state.Instances.Remove(instance);
        }

        foreach (var instance in _state.Instances.Where(i => i.Status == InstanceStatus.BackingUp))
        {
            instance.Status = InstanceStatus.Available;
        }

        Save();
        foreach (var instance in _state.Instances.Where(i => InstanceStatus.IsRunning(i.Status)).ToList())
        {
            if (!_options.RestartInstancesOnOpen)
            {
                if (!await _host.IsRunningAsync(instance.DataDirectory, cancellationToken).ConfigureAwait(false))
                {
                    instance.Status = InstanceStatus.Stopped;
                }

                continue;
            }

            try
            {
                if (!await _host.IsRunningAsync(instance.DataDirectory, cancellationToken).ConfigureAwait(false))
                {
                    await _host.StartAsync(instance.DataDirectory, instance.LogFile, _options.StartTimeout, cancellationToken).ConfigureAwait(false);
                    Log(LogLevel.Info, "started cluster of DB instance", ("identifier", instance.Identifier), ("port", instance.Port));
                }

                await _host.WaitUntilPrimaryAsync(Address(instance), instance.DataDirectory, instance.LogFile, _options.StartTimeout,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ClusterOperationException or TimeoutException or IOException)
            {
                MarkFailed(instance, InstanceStatus.Failed, $"could not start again: {e.Message}");
            }
        }

        Save();
        Log(LogLevel.Info, "rds emulator open", ("stateDirectory", _options.StateDirectory), ("instances", _state.Instances.Count),
            ("snapshots", _state.Snapshots.Count), ("serviceUser", ServiceUser));
    }

    private void MarkFailed(InstanceRecord instance, string status, string reason)
    {
        instance.Status = status;
        instance.StatusReason = reason;
        Log(LogLevel.Error, "DB instance failed", ("identifier", instance.Identifier), ("status", status), ("reason", reason));
    }

    private ClusterAddress Address(InstanceRecord instance) => new(instance.SocketDirectory, instance.Port, instance.MasterUsername);

    private async Task<InstanceRecord> AvailableInstanceAsync(string region, string identifier, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var record = FindInstance(region, identifier, "DBInstanceIdentifier");
            if (record.Status != InstanceStatus.Available)
            {
                throw RdsErrors.InstanceState($"DB instance {record.Identifier} is {record.Status}, not available.");
            }

            return record.Clone();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Takes one automated backup of a running instance and records it (caller holds a cluster-work slot).</summary>
    private async Task BackUpAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        var startedAt = RdsTime.TruncateToMicroseconds(DateTimeOffset.UtcNow);
        var id = startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var directory = Path.Combine(instance.BackupDirectory, id);
        await _host.CreateDirectoryAsync(instance.BackupDirectory, cancellationToken).ConfigureAwait(false);
        await ClaimSharedArchiveAsync(instance, cancellationToken).ConfigureAwait(false);
        var startWal = await _host.BaseBackupAsync(Address(instance), directory, includeWal: false, cancellationToken).ConfigureAwait(false);
        var completedAt = RdsTime.TruncateToMicroseconds(DateTimeOffset.UtcNow);

        // A transaction after the backup: WAL replay needs a commit later than the restore time to know it got
        // there, so without one the newest moment (the backup itself) could not be restored to.
        await FlushArchiveAsync(instance, cancellationToken).ConfigureAwait(false);

        var backup = new AutomatedBackupRecord(id, directory, startedAt, completedAt, startWal);
        var expired = new List<AutomatedBackupRecord>();
        InstanceRecord? retained = null;
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var live = _state.Instances.FirstOrDefault(i => i.ResourceId == instance.ResourceId);
            if (live is null)
            {
                expired.Add(backup);
            }
            else
            {
                live.AutomatedBackups.Add(backup);
                var horizon = _options.RetentionClock.GetUtcNow() - TimeSpan.FromDays(Math.Max(1, live.BackupRetentionPeriod));
                expired.AddRange(live.AutomatedBackups.Where(b => b != backup && b.CompletedAt < horizon && !_readers.ContainsKey(b.Directory)));
                live.AutomatedBackups.RemoveAll(expired.Contains);
                Save();
                retained = live.Clone();
            }
        }
        finally
        {
            _gate.Release();
        }

        foreach (var old in expired)
        {
            await _host.RemoveDirectoryAsync(old.Directory, CancellationToken.None).ConfigureAwait(false);
        }

        // Backups still being read by a restore were not expired, so the oldest retained one covers them too.
        if (retained is not null && OldestStartWalFile(retained.AutomatedBackups) is { } oldestNeeded)
        {
            PruneWalArchive(retained, oldestNeeded);
        }

        Log(LogLevel.Info, "automated backup taken", ("identifier", instance.Identifier), ("backup", id), ("elapsed", completedAt - startedAt));
    }

    private async Task FlushArchiveAsync(InstanceRecord instance, CancellationToken cancellationToken)
    {
        var address = Address(instance);
        await _host.QueryScalarAsync<long>(address, "SELECT txid_current()", cancellationToken).ConfigureAwait(false);
        var segment = await _host.QueryScalarAsync<string>(address, "SELECT pg_walfile_name(pg_switch_wal())", cancellationToken).ConfigureAwait(false);
        await WalArchive.WaitForSegmentAsync(instance.WalArchive, segment, instance.WalSegmentSize, TimeSpan.FromMinutes(2),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> EngineVersionAsync(ClusterAddress address, CancellationToken cancellationToken)
    {
        var version = await _host.QueryScalarAsync<string>(address, "SELECT current_setting('server_version')", cancellationToken).ConfigureAwait(false);
        return version.Split(' ')[0];
    }

    private Task<long> WalSegmentSizeAsync(ClusterAddress address, CancellationToken cancellationToken) =>
        _host.QueryScalarAsync<long>(address, "SELECT pg_size_bytes(current_setting('wal_segment_size'))", cancellationToken);

    /// <summary>Persists the state (caller holds the gate).</summary>
    private void Save() => _store.Save(_state);

    private void Log(LogLevel level, string message, params (string Name, object? Value)[] fields) =>
        _options.Logger?.Write(level, message, fields);

    /// <summary>Background work on one resource and whether a describe has shown its in-progress status yet.</summary>
    private sealed class PendingWork(string inProgressStatus, CancellationTokenSource cancellation)
    {
        public string InProgressStatus { get; } = inProgressStatus;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public Task Task { get; set; } = Task.CompletedTask;

        public bool Reported { get; set; }
    }

    /// <summary>
    /// Starts background work on a resource (caller holds the gate). <paramref name="body"/> runs with a
    /// cluster-work slot; <paramref name="onFailure"/> records a failure; cancellation by dispose is left for the
    /// next open to settle, except for work that <paramref name="finishesBeforeDispose"/> (deletes and their final
    /// snapshots): dispose waits for it, so a deleted instance is gone with its folders when the host stops.
    /// </summary>
    private PendingWork StartWork(
        string key, string inProgressStatus, Func<CancellationToken, Task> body, Func<Exception, Task> onFailure, Task? after = null,
        bool finishesBeforeDispose = false)
    {
        var cancellation = finishesBeforeDispose ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(_disposing.Token);
        var work = new PendingWork(inProgressStatus, cancellation);
        _work[key] = work;
        work.Task = Task.Run(async () =>
        {
            try
            {
                if (after is not null)
                {
                    await after.ConfigureAwait(false);
                }

                await _clusterWork.WaitAsync(cancellation.Token).ConfigureAwait(false);
                try
                {
                    await body(cancellation.Token).ConfigureAwait(false);
                }
                finally
                {
                    _clusterWork.Release();
                }
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
            {
                // Stopping: the next OpenAsync settles the resource.
            }
            catch (Exception e)
            {
                try
                {
                    await onFailure(e).ConfigureAwait(false);
                }
                catch (Exception inner)
                {
                    Log(LogLevel.Error, "could not record a failure", ("resource", key), ("error", inner));
                }
            }
            finally
            {
                await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                try
                {
                    if (work.Reported && _work.TryGetValue(key, out var current) && current == work)
                    {
                        _work.Remove(key);
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
        });
        return work;
    }

    /// <summary>
    /// The status a describe shows (caller holds the gate): the in-progress status the first time a resource with
    /// background work is described, even if the work already finished; the real status afterwards.
    /// </summary>
    private string VisibleStatus(string key, string status)
    {
        if (_work.TryGetValue(key, out var work) && !work.Reported)
        {
            work.Reported = true;
            if (work.Task.IsCompleted)
            {
                _work.Remove(key);
            }

            return work.InProgressStatus;
        }

        return status;
    }

    /// <summary>Work a describe should wait for (caller holds the gate): already reported once and still running.</summary>
    private Task? RunningReportedWork(string key) =>
        _work.TryGetValue(key, out var work) && work.Reported && !work.Task.IsCompleted ? work.Task : null;

    private async Task WaitForProgressAsync(List<Task> running, CancellationToken cancellationToken)
    {
        if (running.Count > 0)
        {
            await Task.WhenAny(Task.WhenAll(running), Task.Delay(_options.DescribeWaitForProgress, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static string InstanceKey(InstanceRecord instance) => "i:" + instance.ResourceId;

    private static string SnapshotKey(SnapshotRecord snapshot) => "s:" + snapshot.StorageId;

    /// <summary>Marks a folder as being read (caller holds the gate) so nobody removes it meanwhile.</summary>
    private void AddReader(string directory) => _readers[directory] = _readers.GetValueOrDefault(directory) + 1;

    private async Task RemoveReaderAsync(string directory)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (--_readers[directory] == 0)
            {
                _readers.Remove(directory);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
