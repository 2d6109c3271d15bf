using DisasterRecovery.Catalog;
using DisasterRecovery.Core;

namespace DisasterRecovery.Jobs;

/// <summary>What an engine's backups are in the catalog, for <see cref="CatalogBackupLocator"/>.</summary>
/// <param name="Engine">The catalog engine.</param>
/// <param name="Kind">The kind of backup a restore starts from (<see cref="BackupKind.Full"/>, <see cref="BackupKind.Snapshot"/>).</param>
/// <param name="EngineName">The engine's name in messages (<c>PostgreSQL</c>).</param>
/// <param name="WrittenBy">The function that writes them, named when a backup lacks its objects.</param>
/// <param name="RequiredObjects">The objects every such backup has.</param>
public sealed record LocatableBackups(BackupEngine Engine, BackupKind Kind, string EngineName, string WrittenBy, IReadOnlyList<string> RequiredObjects);

/// <summary>Finds one engine's backup in the catalog: one named by id, or the newest (verified) one at or before a time.</summary>
public sealed class CatalogBackupLocator(BackupCatalog catalog, LocatableBackups backups)
{
    /// <summary>
    /// The backup <paramref name="backupId"/>, or else the newest one completed at or before <paramref name="atOrBefore"/>
    /// (verified ones only when <paramref name="verifiedOnly"/>).
    /// </summary>
    /// <exception cref="BackupNotFoundException">No such backup, or one without the engine's objects, naming what was looked for.</exception>
    public async Task<BackupManifest> LocateAsync(string source, BackupId? backupId, DateTimeOffset atOrBefore, bool verifiedOnly,
        CancellationToken cancellationToken)
    {
        BackupManifest manifest;
        if (backupId is not null)
        {
            manifest = await catalog.ReadManifestAsync(backups.Engine, source, backupId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var entry = await catalog.FindLatestAsync(backups.Engine, source, atOrBefore, verifiedOnly, backups.Kind, cancellationToken)
                .ConfigureAwait(false)
                ?? throw new BackupNotFoundException(
                    $"no {(verifiedOnly ? "verified " : string.Empty)}{backups.EngineName} backup of '{source}' completed at or before " +
                        $"{atOrBefore:yyyy-MM-ddTHH:mm:ssZ} in bucket '{catalog.Bucket}'");
            manifest = await catalog.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        if (backups.RequiredObjects.Any(name => manifest.FindObject(name) is null))
        {
            throw new BackupNotFoundException(
                $"backup {manifest.BackupId} of '{source}' has no {string.Join(" and ", backups.RequiredObjects.Select(n => $"'{n}'"))}; it was not " +
                    $"written by {backups.WrittenBy}");
        }

        return manifest;
    }
}
