namespace DisasterRecovery.Catalog;

/// <summary>
/// The outcome of verifying a backup (checksums, a test restore, row counts), stored beside its manifest
/// under <c>verifications/</c>. A passed one also puts the backup in the <c>verified/</c> index.
/// </summary>
public sealed record BackupVerification
{
    public required BackupId BackupId { get; init; }

    public required bool Passed { get; init; }

    /// <summary>Each check that ran, in order.</summary>
    public required IReadOnlyList<VerificationCheck> Checks { get; init; }

    /// <summary>Counts observed by the verification (e.g. rows per table after a test restore).</summary>
    public IReadOnlyList<ContentCount>? Counts { get; init; }

    /// <summary>Who ran it: a state machine execution, a person.</summary>
    public required string VerifiedBy { get; init; }

    public required DateTimeOffset VerifiedAt { get; init; }
}

/// <summary>One check of a verification.</summary>
public sealed record VerificationCheck(string Name, bool Passed, string? Detail = null);

/// <summary>
/// A backup as the index lists it: everything here is read from the index key itself, so listing
/// needs no GET per backup. Read the manifest with <see cref="BackupCatalog.ReadManifestAsync(BackupEntry, CancellationToken)"/>.
/// </summary>
public sealed record BackupEntry(
    BackupEngine Engine,
    string Source,
    BackupId BackupId,
    BackupKind Kind,
    RetentionTier RetentionTier,
    DateTimeOffset CompletedAt,
    bool Verified,
    string IndexKey)
{
    /// <summary>The key of this backup's manifest.</summary>
    public string ManifestKey => BackupKeys.Manifest(Engine, Source, BackupId);
}

/// <summary>The small object an index key points at: where the manifest is and what it hashes to.</summary>
public sealed record BackupIndexRecord(
    BackupId BackupId,
    string ManifestKey,
    string? ManifestVersionId,
    string ManifestSha256,
    DateTimeOffset CompletedAt,
    string? VerificationKey);

/// <summary>What <see cref="BackupCatalog.DeleteBackupAsync"/> removed.</summary>
public sealed record BackupDeletion(BackupId BackupId, int DeletedVersions);
