namespace DisasterRecovery.Catalog;

/// <summary>
/// What a commit stored: the manifest and the keys the catalog computed for it, so no caller rebuilds them.
/// </summary>
/// <param name="Manifest">The manifest as committed.</param>
/// <param name="ManifestKey">Where the manifest is (<c>backups/…/&lt;backupId&gt;/manifest.json</c>).</param>
/// <param name="ManifestVersionId">The manifest's S3 version (null in a bucket without versioning).</param>
/// <param name="IndexKey">The backup's entry in the <c>committed/</c> index.</param>
public sealed record CommittedBackup(BackupManifest Manifest, string ManifestKey, string? ManifestVersionId, string IndexKey)
{
    public BackupId BackupId => Manifest.BackupId;
}
