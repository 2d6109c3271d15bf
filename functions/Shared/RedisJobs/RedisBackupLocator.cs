using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>Finds a Redis backup in the catalog: one named by id, or the newest (verified) one at or before a time.</summary>
public sealed class RedisBackupLocator(BackupCatalog catalog)
{
    private static readonly LocatableBackups Snapshots = new(BackupEngine.Redis, BackupKind.Snapshot, "Redis", "RedisBackup", [RedisBackupObjects.Rdb]);

    /// <inheritdoc cref="CatalogBackupLocator.LocateAsync"/>
    public Task<BackupManifest> LocateAsync(string source, BackupId? backupId, DateTimeOffset atOrBefore, bool verifiedOnly,
        CancellationToken cancellationToken) =>
        new CatalogBackupLocator(catalog, Snapshots).LocateAsync(source, backupId, atOrBefore, verifiedOnly, cancellationToken);
}
