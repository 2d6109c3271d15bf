using DisasterRecovery.Catalog;
using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs;

/// <summary>Finds a Redis backup in the catalog: one named by id, or the newest (verified) one at or before a time.</summary>
public sealed class RedisBackupLocator(BackupCatalog catalog)
{
    /// <summary>
    /// The backup <paramref name="backupId"/>, or else the newest one completed at or before <paramref name="atOrBefore"/>
    /// (verified ones only when <paramref name="verifiedOnly"/>).
    /// </summary>
    /// <exception cref="BackupNotFoundException">No such backup, or one without an RDB, naming what was looked for.</exception>
    public async Task<BackupManifest> LocateAsync(string source, BackupId? backupId, DateTimeOffset atOrBefore, bool verifiedOnly,
        CancellationToken cancellationToken)
    {
        BackupManifest manifest;
        if (backupId is not null)
        {
            manifest = await catalog.ReadManifestAsync(BackupEngine.Redis, source, backupId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var entry = await catalog.FindLatestAsync(BackupEngine.Redis, source, atOrBefore, verifiedOnly, BackupKind.Snapshot,
                cancellationToken).ConfigureAwait(false)
                ?? throw new BackupNotFoundException(
                    $"no {(verifiedOnly ? "verified " : string.Empty)}Redis backup of '{source}' completed at or before " +
                        $"{atOrBefore:yyyy-MM-ddTHH:mm:ssZ} in bucket '{catalog.Bucket}'");
            manifest = await catalog.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        if (manifest.FindObject(RedisBackupObjects.Rdb) is null)
        {
            throw new BackupNotFoundException(
                $"backup {manifest.BackupId} of '{source}' has no '{RedisBackupObjects.Rdb}'; it was not written by RedisBackup");
        }

        return manifest;
    }
}
