using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// The backup catalog of one bucket, shared by every engine: begin and commit backups, read them back
/// verified, find the latest (verified) one, record verifications, delete expired ones.
/// See README.md beside this file for the key scheme and the commit protocol.
/// </summary>
public sealed class BackupCatalog
{
    private readonly SemaphoreSlim _lockProbe = new(1, 1);
    private bool? _bucketHasObjectLock;

    /// <param name="s3">Any S3 client (the real one, or pointed at the local cloud).</param>
    /// <param name="options">Bucket and write settings.</param>
    /// <param name="time">The clock for start/completion times and retention dates.</param>
    public BackupCatalog(IAmazonS3 s3, BackupCatalogOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(s3);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        S3 = s3;
        Options = options;
        Time = time ?? TimeProvider.System;
    }

    public string Bucket => Options.Bucket;

    internal IAmazonS3 S3 { get; }

    internal BackupCatalogOptions Options { get; }

    internal TimeProvider Time { get; }

    // ------------------------------------------------------------------------------------------
    // Writing
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// Starts a backup. Validates the request and checks the bucket (existence, Object Lock) before
    /// anything is written; nothing is written until the first object's data arrives.
    /// </summary>
    public async Task<BackupWriter> BeginBackupAsync(BackupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = Time.GetUtcNow();
        var id = request.BackupId ?? BackupId.New(now);
        ValidateRequest(request);
        await BucketProtection.RequireAsync(S3, Bucket, "the backup catalog", Options.AllowUnprotectedBackups, false, cancellationToken).ConfigureAwait(false);
        var settings = await WriteSettingsAsync(request.RetentionTier, now, cancellationToken).ConfigureAwait(false);
        return new BackupWriter(this, request, id, now, settings);
    }

    /// <summary>
    /// Commits a backup whose objects are stored: writes the manifest with <c>If-None-Match: *</c>, then
    /// the <c>committed/</c> index entry, also conditionally. A retry with the same manifest succeeds
    /// (same bytes already there); a different manifest for the same id is a <see cref="BackupConflictException"/>.
    /// Returns the manifest with the keys it was stored under.
    /// </summary>
    public async Task<CommittedBackup> CommitAsync(BackupManifest manifest, CancellationToken cancellationToken = default)
    {
        var bytes = ManifestSerializer.Serialize(manifest);
        var id = manifest.BackupId;
        var settings = await ExistingBackupSettingsAsync(manifest, cancellationToken).ConfigureAwait(false);
        await EnsureObjectsStoredAsync(manifest, cancellationToken).ConfigureAwait(false);

        var manifestKey = BackupKeys.Manifest(manifest.Engine, manifest.Source, id);
        var manifestVersion = await PutOnceAsync(manifestKey, bytes, settings, id, "manifest", cancellationToken).ConfigureAwait(false);

        var index = new BackupIndexRecord(id, manifestKey, manifestVersion, Sha256Hex(bytes), manifest.CompletedAt, null);
        var indexKey = BackupKeys.IndexEntry(manifest.Engine, manifest.Source, false, id, manifest.CompletedAt, manifest.Kind, manifest.RetentionTier);
        var indexBytes = JsonSerializer.SerializeToUtf8Bytes(index, CatalogJsonContext.Default.BackupIndexRecord);
        await PutOnceAsync(indexKey, indexBytes, settings, id, "index entry", cancellationToken).ConfigureAwait(false);
        return new CommittedBackup(manifest, manifestKey, manifestVersion, indexKey);
    }

    // ------------------------------------------------------------------------------------------
    // Reading
    // ------------------------------------------------------------------------------------------

    /// <summary>Reads a backup's manifest; <see cref="BackupNotFoundException"/> when there is none.</summary>
    public async Task<BackupManifest> ReadManifestAsync(BackupEngine engine, string source, BackupId backupId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backupId);
        var key = BackupKeys.Manifest(engine, source, backupId);
        var bytes = await GetBytesAsync(key, null, cancellationToken).ConfigureAwait(false)
            ?? throw new BackupNotFoundException($"no committed backup {backupId} of {CatalogNames.Of(engine)}/{source} in bucket '{Bucket}' (no {key})");
        var manifest = ManifestSerializer.Parse(bytes, $"manifest {key}");
        if (manifest.BackupId != backupId || manifest.Engine != engine || manifest.Source != source)
        {
            throw new ManifestSchemaException(
                $"manifest {key} describes {CatalogNames.Of(manifest.Engine)}/{manifest.Source} {manifest.BackupId}, not the backup stored at its key");
        }

        return manifest;
    }

    /// <summary>Reads the manifest of a listed backup.</summary>
    public Task<BackupManifest> ReadManifestAsync(BackupEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ReadManifestAsync(entry.Engine, entry.Source, entry.BackupId, cancellationToken);
    }

    /// <summary>A reader for the backup's objects, each verified against the manifest as it is read.</summary>
    public BackupReader OpenReader(BackupManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new BackupReader(S3, Bucket, manifest);
    }

    // ------------------------------------------------------------------------------------------
    // Finding
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// The newest backup completed at or before <paramref name="atOrBefore"/> (only verified ones when
    /// <paramref name="verifiedOnly"/>); null when there is none. Without a kind filter this is one
    /// ListObjectsV2 request with StartAfter and MaxKeys 1.
    /// </summary>
    public async Task<BackupEntry?> FindLatestAsync(
        BackupEngine engine,
        string source,
        DateTimeOffset atOrBefore,
        bool verifiedOnly,
        BackupKind? kind = null,
        CancellationToken cancellationToken = default)
    {
        var folder = BackupKeys.IndexFolder(engine, source, verifiedOnly);
        var startAfter = BackupKeys.StartAfterForAtOrBefore(folder, atOrBefore);
        while (true)
        {
            var page = await ListIndexAsync(folder, startAfter, kind is null ? 1 : 100, null, cancellationToken).ConfigureAwait(false);
            foreach (var s3Object in page.S3Objects ?? [])
            {
                var entry = BackupKeys.ParseIndexEntry(engine, source, verifiedOnly, s3Object.Key);
                if (entry is not null && (kind is null || entry.Kind == kind))
                {
                    return entry;
                }

                startAfter = s3Object.Key;
            }

            if (page.IsTruncated != true)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Backups of a source completed between <paramref name="from"/> and <paramref name="to"/> (inclusive,
    /// either may be null for open-ended), newest first, read from the index keys alone.
    /// </summary>
    public async Task<IReadOnlyList<BackupEntry>> ListBackupsAsync(
        BackupEngine engine,
        string source,
        DateTimeOffset? from = null,
        DateTimeOffset? to = null,
        bool verifiedOnly = false,
        CancellationToken cancellationToken = default)
    {
        if (from is not null && to is not null && from > to)
        {
            throw new InvalidInputException("from", "must not be after 'to'");
        }

        var folder = BackupKeys.IndexFolder(engine, source, verifiedOnly);
        var startAfter = to is null ? null : BackupKeys.StartAfterForAtOrBefore(folder, to.Value);
        string? continuation = null;
        var result = new List<BackupEntry>();
        while (true)
        {
            var page = await ListIndexAsync(folder, continuation is null ? startAfter : null, 1000, continuation, cancellationToken).ConfigureAwait(false);
            foreach (var s3Object in page.S3Objects ?? [])
            {
                if (BackupKeys.ParseIndexEntry(engine, source, verifiedOnly, s3Object.Key) is not { } entry)
                {
                    continue;
                }

                if (from is not null && entry.CompletedAt < from)
                {
                    return result;
                }

                result.Add(entry);
            }

            if (page.IsTruncated != true)
            {
                return result;
            }

            continuation = page.NextContinuationToken;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Verification results
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// Stores a verification result beside the manifest (<c>verifications/&lt;time&gt;-&lt;hex&gt;.json</c>)
    /// and, when it passed, adds the backup to the <c>verified/</c> index. Returns the record's key.
    /// </summary>
    public async Task<string> RecordVerificationAsync(BackupManifest manifest, BackupVerification verification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(verification);
        ValidateVerification(manifest, verification);
        var id = manifest.BackupId;
        var committedKey = BackupKeys.IndexEntry(manifest.Engine, manifest.Source, false, id, manifest.CompletedAt, manifest.Kind, manifest.RetentionTier);
        if (await GetBytesAsync(committedKey, null, cancellationToken).ConfigureAwait(false) is not { } committedIndex)
        {
            throw new BackupNotFoundException(
                $"backup {manifest.BackupId} is not committed in bucket '{Bucket}' (no {committedKey}); only committed backups can be verified");
        }

        var indexRecord = JsonSerializer.Deserialize(committedIndex, CatalogJsonContext.Default.BackupIndexRecord)!;
        var settings = await ExistingBackupSettingsAsync(manifest, cancellationToken).ConfigureAwait(false);

        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        var key = BackupKeys.Verification(manifest.Engine, manifest.Source, id, verification.VerifiedAt, Convert.ToHexStringLower(random));
        var bytes = JsonSerializer.SerializeToUtf8Bytes(verification, CatalogJsonContext.Default.BackupVerification);
        await PutOnceAsync(key, bytes, settings, id, "verification", cancellationToken).ConfigureAwait(false);

        if (verification.Passed)
        {
            var verifiedKey = BackupKeys.IndexEntry(manifest.Engine, manifest.Source, true, id, manifest.CompletedAt, manifest.Kind, manifest.RetentionTier);
            var record = indexRecord with { VerificationKey = key };
            var put = new PutObjectRequest
            {
                Key = verifiedKey,
                InputStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(record, CatalogJsonContext.Default.BackupIndexRecord)),
                ContentType = "application/json",
                IfNoneMatch = "*",
            };
            settings.ApplyTo(put);
            try
            {
                await S3Failures.CallAsync(Bucket, () => S3.PutObjectAsync(put, cancellationToken)).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (S3Failures.IsConditionFailed(e))
            {
                // Verified before: the first passing verification stays the one the index points at.
            }
        }

        return key;
    }

    // ------------------------------------------------------------------------------------------
    // Deletion
    // ------------------------------------------------------------------------------------------

    /// <summary>
    /// Deletes a backup: every version of its index entries, data, verifications and manifest. When
    /// any of them is still under Object Lock retention (or legal hold) nothing is deleted and
    /// <see cref="BackupLockedException"/> says which and until when. GOVERNANCE retention is
    /// bypassed only when <paramref name="bypassGovernanceRetention"/> is set (and the caller may).
    /// </summary>
    public async Task<BackupDeletion> DeleteBackupAsync(
        BackupEngine engine, string source, BackupId backupId, bool bypassGovernanceRetention = false, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(engine, source, backupId, cancellationToken).ConfigureAwait(false);
        var indexKeys = new[]
        {
            BackupKeys.IndexEntry(engine, source, false, backupId, manifest.CompletedAt, manifest.Kind, manifest.RetentionTier),
            BackupKeys.IndexEntry(engine, source, true, backupId, manifest.CompletedAt, manifest.Kind, manifest.RetentionTier),
        };
        var manifestKey = BackupKeys.Manifest(engine, source, backupId);
        var versions = new List<S3ObjectVersion>();
        foreach (var indexKey in indexKeys)
        {
            versions.AddRange((await ListVersionsAsync(indexKey, cancellationToken).ConfigureAwait(false)).Where(v => v.Key == indexKey));
        }

        var folderVersions = await ListVersionsAsync(BackupKeys.BackupFolder(engine, source, backupId), cancellationToken).ConfigureAwait(false);
        versions.AddRange(folderVersions.Where(v => v.Key != manifestKey));
        versions.AddRange(folderVersions.Where(v => v.Key == manifestKey));

        if (await BucketHasObjectLockAsync(cancellationToken).ConfigureAwait(false))
        {
            // Manifest first: it is the most likely to be locked and the cheapest answer.
            foreach (var version in versions.OrderBy(v => v.Key == manifestKey ? 0 : 1))
            {
                if (version.IsDeleteMarker == true)
                {
                    continue;
                }

                await EnsureDeletableAsync(backupId, version, bypassGovernanceRetention, cancellationToken).ConfigureAwait(false);
            }
        }

        var deleted = 0;
        foreach (var version in versions)
        {
            try
            {
                await S3.DeleteObjectAsync(new DeleteObjectRequest
                {
                    BucketName = Bucket,
                    Key = version.Key,
                    VersionId = string.IsNullOrEmpty(version.VersionId) ? null : version.VersionId, // "null" names the null version
                    BypassGovernanceRetention = bypassGovernanceRetention ? true : null,
                }, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
            catch (AmazonS3Exception e) when (S3Failures.IsAccessDenied(e))
            {
                throw new BackupLockedException(backupId.Value, version.Key, null, null, false);
            }
        }

        return new BackupDeletion(backupId, deleted);
    }

    // ------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------

    internal async Task<bool> BucketHasObjectLockAsync(CancellationToken cancellationToken)
    {
        if (_bucketHasObjectLock is { } known)
        {
            return known;
        }

        await _lockProbe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_bucketHasObjectLock is { } raced)
            {
                return raced;
            }

            try
            {
                var response = await S3Failures.CallAsync(Bucket, () => S3.GetObjectLockConfigurationAsync(
                    new GetObjectLockConfigurationRequest { BucketName = Bucket }, cancellationToken)).ConfigureAwait(false);
                _bucketHasObjectLock = response.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
            {
                _bucketHasObjectLock = false;
            }

            return _bucketHasObjectLock.Value;
        }
        finally
        {
            _lockProbe.Release();
        }
    }

    private static void ValidateRequest(BackupRequest request)
    {
        if (!Enum.IsDefined(request.Engine))
        {
            throw new InvalidInputException("engine", $"has an unknown value {request.Engine}");
        }

        BackupKeys.ValidateSource(request.Source);
        if (!Enum.IsDefined(request.Kind))
        {
            throw new InvalidInputException("kind", $"has an unknown value {request.Kind}");
        }

        if (!Enum.IsDefined(request.RetentionTier))
        {
            throw new InvalidInputException("retentionTier", $"has an unknown value {request.RetentionTier}");
        }

        ManifestValidator.Text(request.CreatedBy, "createdBy");
        ManifestValidator.Text(request.Tool?.Name, "tool.name");
        ManifestValidator.Text(request.Tool?.Version, "tool.version");
        if (request.ServerVersion is not null)
        {
            ManifestValidator.Text(request.ServerVersion, "serverVersion");
        }

    }

    private static void ValidateVerification(BackupManifest manifest, BackupVerification verification)
    {
        if (verification.BackupId != manifest.BackupId)
        {
            throw new InvalidInputException("backupId", $"the verification is of {verification.BackupId}, the manifest of {manifest.BackupId}");
        }

        ManifestValidator.Text(verification.VerifiedBy, "verifiedBy");
        if (verification.Checks is null)
        {
            throw new InvalidInputException("checks", "is required");
        }

        for (var i = 0; i < verification.Checks.Count; i++)
        {
            ManifestValidator.Text(verification.Checks[i]?.Name, $"checks[{i}].name");
        }

        if (verification.Passed && verification.Checks.Any(c => !c.Passed))
        {
            throw new InvalidInputException("passed", "cannot be true while a check failed");
        }
    }

    private async Task<ObjectWriteSettings> WriteSettingsAsync(RetentionTier tier, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var locked = await BucketHasObjectLockAsync(cancellationToken).ConfigureAwait(false);
        return new ObjectWriteSettings(
            Bucket,
            Options.DataStorageClass,
            tier,
            Options.Encryption,
            locked ? Options.LockMode : null,
            locked ? RetentionPolicy.RetainUntil(tier, startedAt) : null);
    }

    /// <summary>
    /// Settings for a metadata object (manifest, index entry, verification) of a backup whose data is written:
    /// retained as long as the data, and not at all once that date has passed.
    /// </summary>
    private async Task<ObjectWriteSettings> ExistingBackupSettingsAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var settings = (await WriteSettingsAsync(manifest.RetentionTier, manifest.StartedAt, cancellationToken).ConfigureAwait(false)).ForMetadata();
        var retainUntil = manifest.RetainUntil is { } until && until > Time.GetUtcNow() ? until : (DateTimeOffset?)null;
        return settings with { RetainUntil = retainUntil, LockMode = retainUntil is null ? null : settings.LockMode };
    }

    /// <summary>A manifest may only be committed when every object it names is stored with the recorded size.</summary>
    private async Task EnsureObjectsStoredAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var entry in manifest.Objects)
        {
            GetObjectMetadataResponse head;
            try
            {
                var request = new GetObjectMetadataRequest { BucketName = Bucket, Key = entry.Key, VersionId = entry.VersionId };
                head = await S3Failures.CallAsync(Bucket, () => S3.GetObjectMetadataAsync(request, cancellationToken)).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
            {
                throw new BackupNotFoundException(
                    $"backup {manifest.BackupId}: object '{entry.Name}' ({entry.Key}) is not stored; the manifest cannot be committed", e);
            }

            if (head.ContentLength != entry.StoredSize)
            {
                throw new ChecksumMismatchException(manifest.BackupId.Value, entry.Name, entry.Key,
                    $"stored size is {head.ContentLength} bytes, the manifest says {entry.StoredSize}; the manifest cannot be committed");
            }
        }
    }

    /// <summary>
    /// Writes a catalog object that must never be overwritten. If the key exists with the same bytes
    /// (a retried commit) that is success; with other bytes, <see cref="BackupConflictException"/>.
    /// Returns the version id.
    /// </summary>
    private async Task<string?> PutOnceAsync(
        string key, byte[] bytes, ObjectWriteSettings settings, BackupId backupId, string what, CancellationToken cancellationToken)
    {
        var put = new PutObjectRequest
        {
            Key = key,
            InputStream = new MemoryStream(bytes, writable: false),
            ContentType = "application/json",
            IfNoneMatch = "*",
        };
        settings.ApplyTo(put);
        try
        {
            var response = await S3Failures.CallAsync(Bucket, () => S3.PutObjectAsync(put, cancellationToken)).ConfigureAwait(false);
            return ObjectUpload.NullIfNullVersion(response.VersionId);
        }
        catch (AmazonS3Exception e) when (S3Failures.IsConditionFailed(e))
        {
            using var existing = await S3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await existing.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (buffer.ToArray().AsSpan().SequenceEqual(bytes))
            {
                return ObjectUpload.NullIfNullVersion(existing.VersionId);
            }

            throw new BackupConflictException(
                $"backup {backupId} already has a different {what} at {key} " +
                $"(sha256 {Sha256Hex(buffer.ToArray())}, this one {Sha256Hex(bytes)}); nothing was overwritten");
        }
    }

    private async Task<byte[]?> GetBytesAsync(string key, string? versionId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await S3Failures.CallAsync(Bucket, () => S3.GetObjectAsync(
                new GetObjectRequest { BucketName = Bucket, Key = key, VersionId = versionId }, cancellationToken)).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
        {
            return null;
        }
    }

    private Task<ListObjectsV2Response> ListIndexAsync(
        string folder, string? startAfter, int maxKeys, string? continuation, CancellationToken cancellationToken) =>
        S3Failures.CallAsync(Bucket, () => S3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = Bucket,
            Prefix = folder,
            StartAfter = startAfter,
            MaxKeys = maxKeys,
            ContinuationToken = continuation,
        }, cancellationToken));

    private async Task<List<S3ObjectVersion>> ListVersionsAsync(string prefix, CancellationToken cancellationToken)
    {
        var result = new List<S3ObjectVersion>();
        string? keyMarker = null;
        string? versionMarker = null;
        while (true)
        {
            var page = await S3Failures.CallAsync(Bucket, () => S3.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = Bucket,
                Prefix = prefix,
                KeyMarker = keyMarker,
                VersionIdMarker = versionMarker,
            }, cancellationToken)).ConfigureAwait(false);
            result.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true)
            {
                return result;
            }

            keyMarker = page.NextKeyMarker;
            versionMarker = page.NextVersionIdMarker;
        }
    }

    private async Task EnsureDeletableAsync(BackupId backupId, S3ObjectVersion version, bool bypassGovernance, CancellationToken cancellationToken)
    {
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = Bucket,
            Key = version.Key,
            VersionId = ObjectUpload.NullIfNullVersion(version.VersionId),
        }, cancellationToken).ConfigureAwait(false);
        if (head.ObjectLockLegalHoldStatus == ObjectLockLegalHoldStatus.On)
        {
            throw new BackupLockedException(backupId.Value, version.Key, null, null, legalHold: true);
        }

        if (head.ObjectLockMode is { } mode && head.ObjectLockRetainUntilDate is { } until)
        {
            var retainUntil = new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc).ToUniversalTime(), TimeSpan.Zero);
            var governanceBypassed = mode == ObjectLockMode.Governance && bypassGovernance;
            if (retainUntil > Time.GetUtcNow() && !governanceBypassed)
            {
                throw new BackupLockedException(backupId.Value, version.Key, mode.Value, retainUntil, legalHold: false);
            }
        }
    }

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
