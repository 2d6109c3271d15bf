using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// One backup being written: open object streams, write them, then <see cref="CommitAsync"/>. Until the
/// commit nothing lists as a backup; disposing an uncommitted writer abandons its open objects.
/// <code>
/// await using var backup = await catalog.BeginBackupAsync(request, ct);
/// await using (var dump = backup.OpenObject("dump.sql", new() { Compression = Compression.Zstd }))
/// {
///     await pgDump.StandardOutput.BaseStream.CopyToAsync(dump, ct);
///     await dump.CompleteAsync(ct);
/// }
/// var committed = await backup.CommitAsync(new() { ConsistencyPoint = new PostgresConsistencyPoint(lsn) }, ct);
/// </code>
/// </summary>
public sealed class BackupWriter : IAsyncDisposable
{
    private readonly BackupCatalog _catalog;
    private readonly BackupRequest _request;
    private readonly BackupId _id;
    private readonly ObjectWriteSettings _settings;
    private readonly object _gate = new();
    private readonly List<BackupObject> _objects = [];
    private readonly Dictionary<string, BackupObjectStream> _open = new(StringComparer.Ordinal);
    private BackupManifest? _manifest;
    private bool _committed;

    internal BackupWriter(BackupCatalog catalog, BackupRequest request, BackupId id, DateTimeOffset startedAt, ObjectWriteSettings settings)
    {
        _catalog = catalog;
        _request = request;
        _id = id;
        StartedAt = startedAt;
        _settings = settings;
    }

    public BackupId BackupId => _id;

    public BackupEngine Engine => _request.Engine;

    public string Source => _request.Source;

    public DateTimeOffset StartedAt { get; }

    /// <summary>Set when the bucket has Object Lock: every object is retained until then.</summary>
    public DateTimeOffset? RetainUntil => _settings.RetainUntil;

    /// <summary>The objects completed so far.</summary>
    public IReadOnlyList<BackupObject> Objects
    {
        get
        {
            lock (_gate)
            {
                return [.. _objects];
            }
        }
    }

    /// <summary>
    /// Opens a stream for a new object of this backup. Names are '/'-separated segments of
    /// A-Z a-z 0-9 . _ - and unique within the backup. Several objects may be open at once.
    /// </summary>
    public BackupObjectStream OpenObject(string name, BackupObjectOptions? options = null)
    {
        BackupKeys.ValidateObjectName(name);
        options ??= new BackupObjectOptions();
        ManifestValidator.Text(options.ContentType, "contentType");
        if (!Enum.IsDefined(options.Compression))
        {
            throw new InvalidInputException("compression", $"has an unknown value {options.Compression}");
        }

        var key = BackupKeys.DataObject(_request.Engine, _request.Source, _id, name);
        lock (_gate)
        {
            EnsureNotCommitted();
            if (_open.ContainsKey(name) || _objects.Any(o => o.Name == name))
            {
                throw new InvalidInputException("name", $"backup {BackupId} already has an object '{name}'");
            }

            var storedType = options.Compression switch
            {
                Compression.Zstd => "application/zstd",
                Compression.Gzip => "application/gzip",
                _ => options.ContentType,
            };
            var callback = _catalog.Options.PartUploaded;
            var upload = new ObjectUpload(
                _catalog.S3, _settings, key, storedType, _catalog.Options.PartSize,
                callback is null ? null : (part, bytes, total) => callback(new PartUploaded(BackupId, name, part, bytes, total)));
            var stream = new BackupObjectStream(this, name, key, options, upload, _catalog.Options.ZstdLevel);
            _open.Add(name, stream);
            return stream;
        }
    }

    /// <summary>Writes a whole object from a stream (read to its end) and completes it.</summary>
    public async Task<BackupObject> WriteObjectAsync(
        string name, Stream content, BackupObjectOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var stream = OpenObject(name, options);
        await content.CopyToAsync(stream, 1024 * 1024, cancellationToken).ConfigureAwait(false);
        return await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Commits the backup: the manifest (conditional, never overwriting), then the index entry. Calling
    /// it again, after a failure or a timeout, sends the very same manifest and so is safe.
    /// </summary>
    public async Task<CommittedBackup> CommitAsync(BackupCompletion? completion = null, CancellationToken cancellationToken = default)
    {
        BackupManifest manifest;
        lock (_gate)
        {
            if (_open.Count > 0)
            {
                var open = string.Join(", ", _open.Keys.Select(n => $"'{n}'"));
                throw new InvalidOperationException($"backup {BackupId}: object(s) {open} are still open; complete or dispose them before committing");
            }

            if (_objects.Count == 0 && _manifest is null)
            {
                throw new InvalidInputException("objects", $"backup {BackupId} has no objects; write at least one before committing");
            }

            _manifest ??= new BackupManifest
            {
                SchemaVersion = BackupManifest.CurrentSchemaVersion,
                BackupId = BackupId,
                Engine = _request.Engine,
                Source = _request.Source,
                Kind = _request.Kind,
                BaseBackupId = _request.BaseBackupId,
                StartedAt = StartedAt,
                CompletedAt = _catalog.Time.GetUtcNow(),
                Tool = _request.Tool,
                ServerVersion = completion?.ServerVersion ?? _request.ServerVersion,
                ConsistencyPoint = completion?.ConsistencyPoint,
                Objects = [.. _objects],
                Contents = completion?.Contents,
                Encryption = _settings.Encryption,
                RetentionTier = _request.RetentionTier,
                RetainUntil = _settings.RetainUntil,
                LockMode = _settings.RetainUntil is null ? null : _settings.LockMode?.Value,
                CreatedBy = _request.CreatedBy,
            };
            manifest = _manifest;
        }

        var committed = await _catalog.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _committed = true;
        }

        return committed;
    }

    /// <summary>Abandons every object still open. Completed objects of an uncommitted backup stay unlisted.</summary>
    public async ValueTask DisposeAsync()
    {
        BackupObjectStream[] open;
        lock (_gate)
        {
            open = [.. _open.Values];
        }

        foreach (var stream in open)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal void ObjectCompleted(BackupObjectStream stream, BackupObject result)
    {
        lock (_gate)
        {
            _open.Remove(stream.Name);
            _objects.Add(result);
        }
    }

    internal void ObjectAbandoned(BackupObjectStream stream)
    {
        lock (_gate)
        {
            _open.Remove(stream.Name);
        }
    }

    private void EnsureNotCommitted()
    {
        if (_committed || _manifest is not null)
        {
            throw new InvalidOperationException($"backup {BackupId} is being or has been committed; no more objects can be added");
        }
    }
}
