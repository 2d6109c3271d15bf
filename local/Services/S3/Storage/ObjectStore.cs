using System.Security.Cryptography;
using System.Text;
using DisasterRecovery.LocalS3.Http;
using DisasterRecovery.LocalS3.Lifecycle;
using DisasterRecovery.LocalS3.Locking;
using DisasterRecovery.LocalS3.Versioning;

namespace DisasterRecovery.LocalS3.Storage;

/// <summary>What a DELETE did: removed a version, or added a delete marker.</summary>
internal sealed record DeleteOutcome(string? VersionId, bool IsDeleteMarker);

/// <summary>One page of ListObjects: latest versions and rolled-up common prefixes, in S3 order.</summary>
internal sealed record ObjectPage(List<ObjectVersion> Objects, List<string> CommonPrefixes, bool IsTruncated, string? LastItem);

/// <summary>One page of ListObjectVersions.</summary>
internal sealed record VersionPage(
    List<(ObjectVersion Version, bool IsLatest)> Versions,
    List<string> CommonPrefixes,
    bool IsTruncated,
    string? NextKeyMarker,
    string? NextVersionIdMarker);

/// <summary>
/// The on-disk object store. Layout under the state folder:
/// <code>
/// buckets/&lt;bucket&gt;/bucket.json                      settings (versioning, object lock, tags)
/// buckets/&lt;bucket&gt;/&lt;config&gt;.xml                      lifecycle, replication, encryption documents
/// buckets/&lt;bucket&gt;/objects/&lt;sha256(key)&gt;/&lt;id&gt;.json    one file per version (the key is inside)
/// buckets/&lt;bucket&gt;/objects/&lt;sha256(key)&gt;/&lt;id&gt;.data    that version's bytes
/// buckets/&lt;bucket&gt;/uploads/&lt;uploadId&gt;/                 multipart uploads in progress
/// tmp/                                                 bodies being received
/// </code>
/// Keys never become paths (a key may hold "..", "/" or anything else), and every file appears by rename.
/// </summary>
internal sealed class ObjectStore
{
    private const string BucketFileName = "bucket.json";
    private readonly string bucketsDirectory;
    private readonly TimeProvider time;
    private readonly Lock bucketsGate = new();
    private readonly Dictionary<string, BucketState> buckets = new(StringComparer.Ordinal);
    private long sequence;

    public ObjectStore(string stateDirectory, TimeProvider time)
    {
        this.time = time;
        bucketsDirectory = Path.Combine(stateDirectory, "buckets");
        TempDirectory = Path.Combine(stateDirectory, "tmp");
        Directory.CreateDirectory(bucketsDirectory);
        Directory.CreateDirectory(TempDirectory);
        Load();
    }

    public string TempDirectory { get; }

    public DateTimeOffset Now => time.GetUtcNow();

    public long NextSequence() => Interlocked.Increment(ref sequence);

    /// <summary>A fresh path in the temp folder (same file system as the store, so commits are renames).</summary>
    public string NewTempPath() => Path.Combine(TempDirectory, Guid.NewGuid().ToString("N") + ".tmp");

    // ---- Buckets -------------------------------------------------------------------------------

    public IReadOnlyList<BucketRecord> ListBuckets()
    {
        lock (bucketsGate)
        {
            return buckets.Values.Select(bucket => bucket.Record).OrderBy(record => record.Name, StringComparer.Ordinal).ToList();
        }
    }

    public BucketRecord CreateBucket(string name, string region, bool objectLockEnabled)
    {
        lock (bucketsGate)
        {
            if (buckets.ContainsKey(name))
            {
                throw new S3Exception(S3Errors.BucketAlreadyOwnedByYou).WithDetail("BucketName", name);
            }

            var record = new BucketRecord
            {
                Name = name,
                Created = Now,
                Region = region,
                ObjectLockEnabled = objectLockEnabled,
                Versioning = objectLockEnabled ? VersioningStatus.Enabled : VersioningStatus.Unversioned,
            };
            var state = new BucketState(Path.Combine(bucketsDirectory, name), record);
            Directory.CreateDirectory(state.ObjectsDirectory);
            Directory.CreateDirectory(state.UploadsDirectory);
            AtomicFile.WriteJson(Path.Combine(state.Directory, BucketFileName), record, StorageJson.Default.BucketRecord);
            buckets[name] = state;
            return record;
        }
    }

    public BucketState GetBucket(string name)
    {
        lock (bucketsGate)
        {
            return buckets.TryGetValue(name, out var state)
                ? state
                : throw new S3Exception(S3Errors.NoSuchBucket).WithDetail("BucketName", name);
        }
    }

    public void DeleteBucket(string name)
    {
        var state = GetBucket(name);
        lock (state.Gate)
        {
            if (state.Versions.Count > 0)
            {
                throw new S3Exception(S3Errors.BucketNotEmpty).WithDetail("BucketName", name);
            }

            lock (bucketsGate)
            {
                buckets.Remove(name);
            }

            state.IsDeleted = true;
            Directory.Delete(state.Directory, recursive: true);
        }
    }

    public BucketRecord UpdateBucket(string name, Func<BucketRecord, BucketRecord> change)
    {
        var state = GetBucket(name);
        lock (state.Gate)
        {
            EnsureLive(state);
            var updated = change(state.Record);
            AtomicFile.WriteJson(Path.Combine(state.Directory, BucketFileName), updated, StorageJson.Default.BucketRecord);
            state.Record = updated;
            return updated;
        }
    }

    /// <summary>A stored configuration document (lifecycle, replication, encryption), byte for byte, or null.</summary>
    public byte[]? ReadConfiguration(string bucket, string documentName)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            var path = Path.Combine(state.Directory, documentName + ".xml");
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
    }

    public void WriteConfiguration(string bucket, string documentName, byte[]? document)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            EnsureLive(state);
            var path = Path.Combine(state.Directory, documentName + ".xml");
            if (document is null)
            {
                AtomicFile.TryDelete(path);
            }
            else
            {
                AtomicFile.WriteBytes(path, document);
            }
        }
    }

    // ---- Objects -------------------------------------------------------------------------------

    /// <summary>
    /// Makes a received body (already flushed to <paramref name="dataTempPath"/>) the newest version of its key,
    /// or records a delete marker when the path is null. The version id follows the bucket's versioning state;
    /// a "null" version replaces the previous "null" version as S3 does.
    /// </summary>
    public ObjectVersion Commit(string bucket, ObjectVersion template, string? dataTempPath, WriteCondition? condition)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            EnsureLive(state);
            state.Versions.TryGetValue(template.Key, out var versions);
            condition?.Check(versions?[0]);
            var versionId = state.Record.Versioning == VersioningStatus.Enabled ? null : VersionIds.Null;
            return CommitLocked(state, template, dataTempPath, versionId);
        }
    }

    private ObjectVersion CommitLocked(BucketState state, ObjectVersion template, string? dataTempPath, string? versionId)
    {
        var seq = NextSequence();
        var record = template with
        {
            VersionId = versionId ?? VersionIds.New(seq),
            Sequence = seq,
            StorageId = seq.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8],
            IsDeleteMarker = dataTempPath is null,
            LastModified = template.LastModified == default ? Now : template.LastModified,
        };

        var keyDirectory = KeyDirectory(state, record.Key);
        Directory.CreateDirectory(keyDirectory);
        if (dataTempPath is not null)
        {
            File.Move(dataTempPath, DataPath(keyDirectory, record.StorageId));
        }

        AtomicFile.WriteJson(JsonPath(keyDirectory, record.StorageId), record, StorageJson.Default.ObjectVersion);

        if (!state.Versions.TryGetValue(record.Key, out var versions))
        {
            versions = [];
            state.Versions[record.Key] = versions;
            state.Keys.Add(record.Key);
        }

        if (record.VersionId == VersionIds.Null)
        {
            var previousNull = versions.FindIndex(version => version.VersionId == VersionIds.Null);
            if (previousNull >= 0)
            {
                RemoveFiles(keyDirectory, versions[previousNull]);
                versions.RemoveAt(previousNull);
            }
        }

        versions.Insert(0, record);
        return record;
    }

    /// <summary>
    /// Finds a version for reading, with S3's answers for the misses: NoSuchKey (with x-amz-delete-marker
    /// when the latest is a marker), NoSuchVersion, MethodNotAllowed for a delete marker asked by id.
    /// When <paramref name="openData"/> is set the data file is opened under the lock, so a concurrent
    /// overwrite that deletes the file cannot pull it away between lookup and open.
    /// </summary>
    public (ObjectVersion Version, FileStream? Data) Read(string bucket, string key, string? versionId, bool openData)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            var version = FindLocked(state, key, versionId);
            if (version.IsDeleteMarker)
            {
                throw versionId is null
                    ? new S3Exception(S3Errors.NoSuchKey).WithDetail("Key", key)
                        .WithHeader("x-amz-delete-marker", "true").WithHeader("x-amz-version-id", version.VersionId)
                    : new S3Exception(S3Errors.MethodNotAllowed, S3Errors.DeleteMarkerMethodMessage)
                        .WithHeader("x-amz-delete-marker", "true").WithHeader("x-amz-version-id", version.VersionId)
                        .WithHeader("Last-Modified", version.LastModified.ToString("r"))
                        .WithDetail("Method", "GET").WithDetail("ResourceType", "DeleteMarker");
            }

            var data = openData ? OpenData(state, version) : null;
            return (version, data);
        }
    }

    /// <summary>Opens a version's bytes for sequential reading (shared, so readers never block each other).</summary>
    private static FileStream OpenData(BucketState state, ObjectVersion version) =>
        new(DataPath(KeyDirectory(state, version.Key), version.StorageId), new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read | FileShare.Delete,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });

    /// <summary>Applies a metadata change (tags, retention, legal hold) to one existing version.</summary>
    public ObjectVersion Update(string bucket, string key, string? versionId, Func<ObjectVersion, ObjectVersion> change)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            EnsureLive(state);
            var version = FindLocked(state, key, versionId);
            if (version.IsDeleteMarker)
            {
                throw new S3Exception(S3Errors.MethodNotAllowed, S3Errors.DeleteMarkerMethodMessage)
                    .WithHeader("x-amz-delete-marker", "true").WithHeader("x-amz-version-id", version.VersionId);
            }

            var updated = change(version);
            AtomicFile.WriteJson(JsonPath(KeyDirectory(state, key), updated.StorageId), updated, StorageJson.Default.ObjectVersion);
            var versions = state.Versions[key];
            versions[versions.IndexOf(version)] = updated;
            return updated;
        }
    }

    /// <summary>
    /// DELETE as S3 does it: with a version id the version is removed for good (if Object Lock allows);
    /// without one, an unversioned bucket loses the object and a versioned bucket gains a delete marker.
    /// </summary>
    public DeleteOutcome Delete(string bucket, string key, string? versionId, bool bypassGovernance)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            EnsureLive(state);
            state.Versions.TryGetValue(key, out var versions);
            if (versionId is not null)
            {
                var index = versions?.FindIndex(version => version.VersionId == versionId) ?? -1;
                if (index < 0)
                {
                    return new DeleteOutcome(versionId, false);
                }

                var target = versions![index];
                ObjectLockPolicy.EnsureVersionDeletable(target, Now, bypassGovernance);
                RemoveVersionLocked(state, versions, index);
                return new DeleteOutcome(target.VersionId, target.IsDeleteMarker);
            }

            switch (state.Record.Versioning)
            {
                case VersioningStatus.Enabled:
                    var marker = CommitLocked(state, new ObjectVersion { Key = key }, null, null);
                    return new DeleteOutcome(marker.VersionId, true);
                case VersioningStatus.Suspended:
                    var previousNull = versions?.Find(version => version.VersionId == VersionIds.Null);
                    if (previousNull is not null)
                    {
                        ObjectLockPolicy.EnsureVersionDeletable(previousNull, Now, bypassGovernance);
                    }

                    var nullMarker = CommitLocked(state, new ObjectVersion { Key = key }, null, VersionIds.Null);
                    return new DeleteOutcome(nullMarker.VersionId, true);
                default:
                    var existing = versions?.FindIndex(version => version.VersionId == VersionIds.Null) ?? -1;
                    if (existing >= 0)
                    {
                        RemoveVersionLocked(state, versions!, existing);
                    }

                    return new DeleteOutcome(null, false);
            }
        }
    }

    private void RemoveVersionLocked(BucketState state, List<ObjectVersion> versions, int index)
    {
        var keyDirectory = KeyDirectory(state, versions[index].Key);
        RemoveFiles(keyDirectory, versions[index]);
        var key = versions[index].Key;
        versions.RemoveAt(index);
        if (versions.Count == 0)
        {
            state.Versions.Remove(key);
            state.Keys.Remove(key);
            try
            {
                Directory.Delete(keyDirectory);
            }
            catch (IOException)
            {
                // Not empty (a concurrent commit is landing): leave it.
            }
        }
    }

    /// <summary>
    /// One lifecycle run over a bucket, under its gate: <paramref name="decide"/> sees every version of every key as it
    /// was when the key was reached (current or noncurrent, since when, how many newer noncurrent versions) and says
    /// what lifecycle does to it; the store then does it as S3 does. A transition rewrites only the version's storage
    /// class (data, Last-Modified and Object Lock settings are untouched); expiring a current version adds a delete
    /// marker dated <paramref name="run"/> (or removes the object in an unversioned bucket); permanent removals are
    /// skipped for versions Object Lock still protects.
    /// </summary>
    public LifecycleOutcome ApplyLifecycle(string bucket, DateTimeOffset run, Func<LifecycleCandidate, LifecycleDecision> decide)
    {
        var state = GetBucket(bucket);
        var outcome = new LifecycleOutcome();
        lock (state.Gate)
        {
            if (state.IsDeleted)
            {
                return outcome;
            }

            foreach (var key in state.Keys.ToList())
            {
                var versions = state.Versions[key];
                var decisions = new List<(ObjectVersion Version, LifecycleDecision Decision)>();
                var newerNoncurrent = 0;
                for (var i = 0; i < versions.Count; i++)
                {
                    var candidate = new LifecycleCandidate(
                        versions[i], i == 0, i == 0 ? null : versions[i - 1].LastModified, newerNoncurrent, versions.Count, state.Record.Versioning);
                    decisions.Add((versions[i], decide(candidate)));
                    if (i > 0 && !versions[i].IsDeleteMarker)
                    {
                        newerNoncurrent++;
                    }
                }

                foreach (var (version, decision) in decisions.Where(d => d.Decision.Kind != LifecycleActionKind.None))
                {
                    CarryOutLocked(state, version, decision, run, outcome);
                }
            }
        }

        return outcome;
    }

    private void CarryOutLocked(BucketState state, ObjectVersion version, LifecycleDecision decision, DateTimeOffset run, LifecycleOutcome outcome)
    {
        if (!state.Versions.TryGetValue(version.Key, out var versions))
        {
            return;
        }

        var index = versions.IndexOf(version);
        if (index < 0)
        {
            return;
        }

        switch (decision.Kind)
        {
            case LifecycleActionKind.Transition:
                var moved = version with { StorageClass = decision.StorageClass };
                AtomicFile.WriteJson(JsonPath(KeyDirectory(state, version.Key), moved.StorageId), moved, StorageJson.Default.ObjectVersion);
                versions[index] = moved;
                outcome.Transitioned++;
                break;
            case LifecycleActionKind.ExpireCurrent when state.Record.Versioning == VersioningStatus.Enabled:
                CommitLocked(state, new ObjectVersion { Key = version.Key, LastModified = run }, null, null);
                outcome.Expired++;
                break;
            case LifecycleActionKind.ExpireCurrent when state.Record.Versioning == VersioningStatus.Suspended:
                // The null delete marker replaces a current "null" version (CommitLocked removes it); any other stays noncurrent.
                if (version.VersionId == VersionIds.Null && ObjectLockPolicy.BlocksLifecycleDeletion(version, run))
                {
                    return;
                }

                CommitLocked(state, new ObjectVersion { Key = version.Key, LastModified = run }, null, VersionIds.Null);
                outcome.Expired++;
                break;
            case LifecycleActionKind.ExpireCurrent:
            case LifecycleActionKind.DeleteVersion:
            case LifecycleActionKind.RemoveExpiredDeleteMarker:
                if (ObjectLockPolicy.BlocksLifecycleDeletion(version, run))
                {
                    outcome.KeptByObjectLock++;
                    return;
                }

                RemoveVersionLocked(state, versions, index);
                outcome.Removed++;
                break;
        }
    }

    /// <summary>Latest versions in key order, after <paramref name="startAfter"/>, rolled up by delimiter.</summary>
    public ObjectPage ListObjects(string bucket, string prefix, string? delimiter, string? startAfter, int maxKeys)
    {
        var state = GetBucket(bucket);
        var objects = new List<ObjectVersion>();
        var prefixes = new List<string>();
        string? last = null;
        var truncated = false;
        lock (state.Gate)
        {
            foreach (var key in KeysFrom(state, prefix, startAfter))
            {
                if (startAfter is not null && KeyOrder.Instance.Compare(key, startAfter) <= 0)
                {
                    continue;
                }

                var latest = state.Versions[key][0];
                if (latest.IsDeleteMarker)
                {
                    continue;
                }

                var commonPrefix = CommonPrefixOf(key, prefix, delimiter);
                if (commonPrefix is not null)
                {
                    if (commonPrefix == last || (startAfter is not null && KeyOrder.Instance.Compare(commonPrefix, startAfter) <= 0))
                    {
                        continue;
                    }
                }

                if (objects.Count + prefixes.Count >= maxKeys)
                {
                    truncated = true;
                    break;
                }

                if (commonPrefix is not null)
                {
                    prefixes.Add(commonPrefix);
                    last = commonPrefix;
                }
                else
                {
                    objects.Add(latest);
                    last = key;
                }
            }
        }

        return new ObjectPage(objects, prefixes, truncated, last);
    }

    /// <summary>Every version and delete marker in key order, newest first within a key.</summary>
    public VersionPage ListVersions(string bucket, string prefix, string? delimiter, string? keyMarker, string? versionIdMarker, int maxKeys)
    {
        var state = GetBucket(bucket);
        var entries = new List<(ObjectVersion, bool)>();
        var prefixes = new List<string>();
        string? lastKey = null, lastVersionId = null, lastPrefix = null;
        var truncated = false;
        lock (state.Gate)
        {
            foreach (var key in KeysFrom(state, prefix, keyMarker))
            {
                var versions = state.Versions[key];
                var first = 0;
                if (keyMarker is not null)
                {
                    var order = KeyOrder.Instance.Compare(key, keyMarker);
                    if (order < 0 || (order == 0 && versionIdMarker is null))
                    {
                        continue;
                    }

                    if (order == 0)
                    {
                        first = versions.FindIndex(version => version.VersionId == versionIdMarker) + 1;
                        if (first == 0)
                        {
                            continue;
                        }
                    }
                }

                var commonPrefix = CommonPrefixOf(key, prefix, delimiter);
                if (commonPrefix is not null)
                {
                    if (commonPrefix == lastPrefix || (keyMarker is not null && KeyOrder.Instance.Compare(commonPrefix, keyMarker) <= 0))
                    {
                        continue;
                    }

                    if (entries.Count + prefixes.Count >= maxKeys)
                    {
                        truncated = true;
                        break;
                    }

                    prefixes.Add(commonPrefix);
                    lastPrefix = commonPrefix;
                    lastKey = commonPrefix;
                    lastVersionId = null;
                    continue;
                }

                for (var i = first; i < versions.Count; i++)
                {
                    if (entries.Count + prefixes.Count >= maxKeys)
                    {
                        truncated = true;
                        break;
                    }

                    entries.Add((versions[i], i == 0));
                    lastKey = key;
                    lastVersionId = versions[i].VersionId;
                }

                if (truncated)
                {
                    break;
                }
            }
        }

        return new VersionPage(entries, prefixes, truncated, truncated ? lastKey : null, truncated ? lastVersionId : null);
    }

    public bool HasAnyVersion(string bucket)
    {
        var state = GetBucket(bucket);
        lock (state.Gate)
        {
            return state.Versions.Count > 0;
        }
    }

    /// <summary>Keys in order starting at the later of the prefix and the marker, stopping after the prefix range.</summary>
    private static IEnumerable<string> KeysFrom(BucketState state, string prefix, string? marker)
    {
        var lower = marker is not null && KeyOrder.Instance.Compare(marker, prefix) > 0 ? marker : prefix;
        foreach (var key in state.Keys.GetViewBetween(lower, KeyOrder.Max))
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (KeyOrder.Instance.Compare(key, prefix) > 0)
                {
                    yield break;
                }

                continue;
            }

            yield return key;
        }
    }

    private static string? CommonPrefixOf(string key, string prefix, string? delimiter)
    {
        if (string.IsNullOrEmpty(delimiter))
        {
            return null;
        }

        var index = key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        return index < 0 ? null : key[..(index + delimiter.Length)];
    }

    private static ObjectVersion FindLocked(BucketState state, string key, string? versionId)
    {
        if (!state.Versions.TryGetValue(key, out var versions))
        {
            throw versionId is null
                ? new S3Exception(S3Errors.NoSuchKey).WithDetail("Key", key)
                : new S3Exception(S3Errors.NoSuchVersion).WithDetail("Key", key).WithDetail("VersionId", versionId);
        }

        if (versionId is null)
        {
            return versions[0];
        }

        return versions.Find(version => version.VersionId == versionId)
            ?? throw new S3Exception(S3Errors.NoSuchVersion).WithDetail("Key", key).WithDetail("VersionId", versionId);
    }

    private static void EnsureLive(BucketState state)
    {
        if (state.IsDeleted)
        {
            throw new S3Exception(S3Errors.NoSuchBucket).WithDetail("BucketName", state.Record.Name);
        }
    }

    /// <summary>The folder of a key: a hash of its UTF-8 bytes, so no key can name a path.</summary>
    private static string KeyDirectory(BucketState state, string key) =>
        Path.Combine(state.ObjectsDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))));

    private static string DataPath(string keyDirectory, string storageId) => Path.Combine(keyDirectory, storageId + ".data");

    private static string JsonPath(string keyDirectory, string storageId) => Path.Combine(keyDirectory, storageId + ".json");

    private static void RemoveFiles(string keyDirectory, ObjectVersion version)
    {
        // Metadata first: a crash in between leaves an orphan data file, which the next start removes.
        AtomicFile.TryDelete(JsonPath(keyDirectory, version.StorageId));
        if (!version.IsDeleteMarker)
        {
            AtomicFile.TryDelete(DataPath(keyDirectory, version.StorageId));
        }
    }

    // ---- Start-up ------------------------------------------------------------------------------

    /// <summary>Rebuilds the index from disk and clears what an interrupted run left behind.</summary>
    private void Load()
    {
        foreach (var leftover in Directory.EnumerateFiles(TempDirectory))
        {
            AtomicFile.TryDelete(leftover);
        }

        foreach (var bucketDirectory in Directory.EnumerateDirectories(bucketsDirectory))
        {
            var record = AtomicFile.ReadJson(Path.Combine(bucketDirectory, BucketFileName), StorageJson.Default.BucketRecord);
            if (record is null || record.Name != Path.GetFileName(bucketDirectory))
            {
                continue;
            }

            var state = new BucketState(bucketDirectory, record);
            Directory.CreateDirectory(state.ObjectsDirectory);
            Directory.CreateDirectory(state.UploadsDirectory);
            foreach (var keyDirectory in Directory.EnumerateDirectories(state.ObjectsDirectory))
            {
                LoadKeyDirectory(state, keyDirectory);
            }

            buckets[record.Name] = state;
        }
    }

    private void LoadKeyDirectory(BucketState state, string keyDirectory)
    {
        var loaded = new List<ObjectVersion>();
        foreach (var file in Directory.EnumerateFiles(keyDirectory))
        {
            if (file.EndsWith(".tmp", StringComparison.Ordinal))
            {
                AtomicFile.TryDelete(file);
                continue;
            }

            if (!file.EndsWith(".json", StringComparison.Ordinal))
            {
                continue;
            }

            var version = AtomicFile.ReadJson(file, StorageJson.Default.ObjectVersion);
            if (version is null || (!version.IsDeleteMarker && !File.Exists(DataPath(keyDirectory, version.StorageId))))
            {
                continue;
            }

            loaded.Add(version);
        }

        var referenced = loaded.Where(version => !version.IsDeleteMarker).Select(version => version.StorageId + ".data").ToHashSet(StringComparer.Ordinal);
        foreach (var dataFile in Directory.EnumerateFiles(keyDirectory, "*.data"))
        {
            if (!referenced.Contains(Path.GetFileName(dataFile)))
            {
                AtomicFile.TryDelete(dataFile);
            }
        }

        // A crash while replacing a "null" version can leave two: the newer one wins.
        var versions = new List<ObjectVersion>();
        var seenNull = false;
        foreach (var version in loaded.OrderByDescending(version => version.Sequence))
        {
            if (version.VersionId == VersionIds.Null)
            {
                if (seenNull)
                {
                    RemoveFiles(keyDirectory, version);
                    continue;
                }

                seenNull = true;
            }

            versions.Add(version);
        }

        if (versions.Count == 0)
        {
            return;
        }

        sequence = Math.Max(sequence, versions[0].Sequence);
        state.Versions[versions[0].Key] = versions;
        state.Keys.Add(versions[0].Key);
    }
}
