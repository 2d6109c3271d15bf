using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>A finished restore of a catalog backup.</summary>
public sealed record PostgresCatalogRestoreOutcome(BackupManifest Manifest, Postgres.PostgresRestoreResult Result);

/// <summary>
/// Restores a catalog backup into a named database: the index read and checked against the manifest, then the
/// restorer's parallel load from ranged reads of the pinned dump version, every range checked as it streams. The
/// target is refused when it has tables (unless replacing), and is either wholly restored or untouched.
/// </summary>
public sealed class PostgresCatalogRestore(BackupCatalog catalog, PostgresRestorer restorer, JsonLogger? logger = null)
{
    /// <summary>Restores <paramref name="manifest"/>'s backup into <paramref name="target"/>.</summary>
    public async Task<PostgresCatalogRestoreOutcome> RunAsync(BackupManifest manifest, PostgresEndpoint target, PostgresRestoreOptions options,
        CancellationToken cancellationToken)
    {
        var index = await new PostgresBackupLocator(catalog).ReadIndexAsync(manifest, cancellationToken).ConfigureAwait(false);
        logger?.Info("restoring backup", ("backupId", manifest.BackupId), ("completedAt", manifest.CompletedAt), ("target", target.ToString()),
            ("replace", options.Replace));
        var result = await restorer.RestoreAsync(new CatalogDumpSource(catalog.OpenReader(manifest)), index, target, options,
            cancellationToken).ConfigureAwait(false);
        return new PostgresCatalogRestoreOutcome(manifest, result);
    }
}
