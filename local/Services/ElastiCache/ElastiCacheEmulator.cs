using System.Text.Json.Nodes;
using DisasterRecovery.LocalElastiCache.Api;
using DisasterRecovery.LocalElastiCache.Nodes;
using DisasterRecovery.LocalElastiCache.State;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>
/// The local cloud's <c>elasticache</c> service (Redis OSS, cluster mode disabled), reached from a Task as
/// <c>arn:aws:states:::aws-sdk:elasticache:&lt;action&gt;</c>: every cache node is a real redis-server process the
/// emulator starts and stops, a snapshot is the RDB file a node wrote with BGSAVE, a seed (<c>SnapshotArns</c>) or export
/// (<c>copySnapshot</c> with <c>TargetBucket</c>) goes through the local S3 endpoint. Nothing starts until the first call.
/// <para>
/// Create, snapshot, copy, export and delete answer at once with the in-progress status and run in the background. The
/// first describe of a resource after its operation started shows the in-progress status even when the work is done, so
/// a poll loop sees it at least once; a later describe waits (up to <see cref="ElastiCacheEmulatorOptions.DescribeWaitForProgress"/>)
/// for work still running, so a loop on the engine's virtual clock does not use up its attempts while Redis loads.
/// </para>
/// </summary>
public sealed partial class ElastiCacheEmulator : ServiceEmulator, IAsyncDisposable
{
    private readonly ElastiCacheEmulatorOptions _options;
    private readonly JsonStateFile<ElastiCacheStateDocument> _file;
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly Dictionary<string, PendingWork> _work = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private ElastiCacheStateDocument _state = new();
    private RedisNodeHost? _host;
    private bool _disposed;

    /// <param name="options">State folder, account, the local S3 endpoint.</param>
    public ElastiCacheEmulator(ElastiCacheEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options with { StateDirectory = Path.GetFullPath(options.StateDirectory) };
        _file = new JsonStateFile<ElastiCacheStateDocument>(Path.Combine(_options.StateDirectory, "state.json"), ownerOnly: true);
        foreach (var (action, shape) in ElastiCacheRequestShapes.ByAction)
        {
            Action(action, shape, Handler(action));
        }
    }

    /// <inheritdoc />
    public override string ServiceName => "elasticache";

    /// <inheritdoc />
    public override string ErrorPrefix => ElastiCacheErrors.Prefix;

    /// <summary>The emulator's folder.</summary>
    public string StateDirectory => _options.StateDirectory;

    /// <summary>
    /// Stops every node the emulator started, saving its RDB (the state stays: opening the folder again starts the nodes of
    /// available groups again), after letting running work finish.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _opening.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Task[] running;
            lock (_work)
            {
                running = [.. _work.Values.Select(w => w.Task)];
            }

            await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            await _disposing.CancelAsync().ConfigureAwait(false);
            if (_host is not null)
            {
                foreach (var group in ReadState(s => s.ReplicationGroups.ToList()))
                {
                    foreach (var node in group.Nodes.AsEnumerable().Reverse())
                    {
                        await _host.StopAsync(node, group.AuthToken, save: true).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            _opening.Release();
        }
    }

    private Func<JsonObject, ServiceCallContext, CancellationToken, Task<JsonNode?>> Handler(string action) => action switch
    {
        "createReplicationGroup" => CreateReplicationGroupAsync,
        "describeReplicationGroups" => DescribeReplicationGroupsAsync,
        "deleteReplicationGroup" => DeleteReplicationGroupAsync,
        "createSnapshot" => CreateSnapshotAsync,
        "describeSnapshots" => DescribeSnapshotsAsync,
        "copySnapshot" => CopySnapshotAsync,
        "deleteSnapshot" => DeleteSnapshotAsync,
        "addTagsToResource" => AddTagsToResourceAsync,
        "listTagsForResource" => ListTagsForResourceAsync,
        _ => throw new InvalidOperationException($"elasticache:{action} has no handler"),
    };

    /// <summary>
    /// The node host and the state, on first use: nodes of groups that were available are started again, work a previous
    /// process left half done is settled (a half-created group or snapshot failed, a half-deleted one deleted).
    /// </summary>
    private async Task<RedisNodeHost> OpenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _host) is { } open)
        {
            return open;
        }

        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_host is not null)
            {
                return _host;
            }

            RedisNodeHost host;
            try
            {
                Directory.CreateDirectory(_options.StateDirectory);
                host = RedisNodeHost.Create(_options.RedisServerPath);
                _state = _file.Read();
            }
            catch (Exception e) when (e is EmulatorUnavailableException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw ElastiCacheErrors.Runtime($"the local ElastiCache emulator could not be opened on {_options.StateDirectory}: {e.Message}");
            }

            await RecoverAsync(host, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _host, host);
            return host;
        }
        finally
        {
            _opening.Release();
        }
    }

    private async Task RecoverAsync(RedisNodeHost host, CancellationToken cancellationToken)
    {
        foreach (var group in _state.ReplicationGroups.ToList())
        {
            switch (group.Status)
            {
                case "available" or "snapshotting" or "modifying":
                    group.Status = "available";
                    try
                    {
                        await StartNodesAsync(host, group, cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        group.Status = "create-failed";
                        group.FailureReason = e.Message;
                    }

                    break;
                case "creating":
                    group.Status = "create-failed";
                    group.FailureReason = "the local cloud stopped while the group was being created";
                    break;
                case "deleting":
                    foreach (var node in group.Nodes)
                    {
                        await host.StopAsync(node, group.AuthToken, save: false).ConfigureAwait(false);
                        DeleteFolder(node.Folder);
                    }

                    _state.ReplicationGroups.Remove(group);
                    break;
            }
        }

        foreach (var snapshot in _state.Snapshots.ToList())
        {
            switch (snapshot.Status)
            {
                case "creating":
                    snapshot.Status = "failed";
                    snapshot.FailureReason = "the local cloud stopped while the snapshot was being taken";
                    break;
                case "copying":
                    snapshot.Status = "available";
                    break;
                case "deleting":
                    DeleteFolder(snapshot.Folder);
                    _state.Snapshots.Remove(snapshot);
                    break;
            }
        }

        Save();
    }

    /// <summary>Starts a group's primary, then its replicas (which sync from it).</summary>
    private static async Task StartNodesAsync(RedisNodeHost host, ReplicationGroupRecord group, CancellationToken cancellationToken)
    {
        var primary = group.Nodes.Single(n => n.Role == "primary");
        await host.StartAsync(primary, null, group.AuthToken, cancellationToken).ConfigureAwait(false);
        foreach (var replica in group.Nodes.Where(n => n.Role == "replica"))
        {
            await host.StartAsync(replica, primary.Port, group.AuthToken, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the state under the lock.</summary>
    private T ReadState<T>(Func<ElastiCacheStateDocument, T> read)
    {
        lock (_file)
        {
            return read(_state);
        }
    }

    /// <summary>Changes the state under the lock and writes it.</summary>
    private T Change<T>(Func<ElastiCacheStateDocument, T> change)
    {
        lock (_file)
        {
            var result = change(_state);
            Save();
            return result;
        }
    }

    private void Save()
    {
        lock (_file)
        {
            var state = _state;
            _file.Update(document =>
            {
                document.ReplicationGroups = state.ReplicationGroups;
                document.Snapshots = state.Snapshots;
                return 0;
            });
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the background for a resource (key <c>group:id</c> or <c>snapshot:name</c>),
    /// remembering the status the first describe shows.
    /// </summary>
    private void Start(string key, string inProgressStatus, Func<CancellationToken, Task> work) => _ = Run(key, inProgressStatus, work);

    /// <summary><see cref="Start"/>, returning the work's task (for work that waits for other work).</summary>
    private Task Run(string key, string inProgressStatus, Func<CancellationToken, Task> work)
    {
        var token = _disposing.Token;
        var task = Task.Run(() => work(token), CancellationToken.None);
        lock (_work)
        {
            _work[key] = new PendingWork(task, inProgressStatus);
        }

        return task;
    }

    /// <summary>
    /// A describe's answers: each item with the status a poller sees now (<see cref="VisibleStatusAsync"/>); an item whose
    /// deletion finished is forgotten and not answered.
    /// </summary>
    private async Task<JsonArray> DescribeVisibleAsync<T>(IEnumerable<T> items, Func<T, string> key, Func<T, string> status,
        Func<ElastiCacheStateDocument, T, bool> forget, Func<T, string, JsonObject> respond, CancellationToken cancellationToken)
    {
        var answers = new JsonArray();
        foreach (var item in items)
        {
            var visible = await VisibleStatusAsync(key(item), () => ReadState(_ => status(item)), cancellationToken).ConfigureAwait(false);
            if (visible == "deleted")
            {
                Change(state => forget(state, item));
                continue;
            }

            answers.Add(ReadState(_ => respond(item, visible)));
        }

        return answers;
    }

    /// <summary>
    /// The status a describe shows for a resource: the in-progress status on the first describe after its operation started,
    /// else its recorded status once its work is done or after waiting <see cref="ElastiCacheEmulatorOptions.DescribeWaitForProgress"/>.
    /// </summary>
    private async Task<string> VisibleStatusAsync(string key, Func<string> current, CancellationToken cancellationToken)
    {
        PendingWork? work;
        lock (_work)
        {
            work = _work.GetValueOrDefault(key);
            if (work is { Reported: false })
            {
                work.Reported = true;
                return work.InProgressStatus;
            }
        }

        if (work is not null)
        {
            await Task.WhenAny(work.Task, Task.Delay(_options.DescribeWaitForProgress, cancellationToken)).ConfigureAwait(false);
            if (work.Task.IsCompleted)
            {
                lock (_work)
                {
                    if (_work.GetValueOrDefault(key) == work)
                    {
                        _work.Remove(key);
                    }
                }
            }
        }

        return current();
    }

    private static void DeleteFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private string Arn(string region, string type, string name) => $"arn:aws:elasticache:{region}:{_options.AccountId}:{type}:{name}";

    private sealed class PendingWork(Task task, string inProgressStatus)
    {
        public Task Task { get; } = task;

        public string InProgressStatus { get; } = inProgressStatus;

        public bool Reported { get; set; }
    }
}
