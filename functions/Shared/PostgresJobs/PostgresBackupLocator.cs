using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>Finds a PostgreSQL backup in the catalog and reads its index, checked against the manifest.</summary>
public sealed class PostgresBackupLocator(BackupCatalog catalog)
{
    private static readonly LocatableBackups Dumps = new(
        BackupEngine.Postgres, BackupKind.Full, "PostgreSQL", "PostgresBackup", [PostgresBackupObjects.Dump, PostgresBackupObjects.Index]);

    /// <inheritdoc cref="CatalogBackupLocator.LocateAsync"/>
    public Task<BackupManifest> LocateAsync(string source, BackupId? backupId, DateTimeOffset atOrBefore, bool verifiedOnly,
        CancellationToken cancellationToken) =>
        new CatalogBackupLocator(catalog, Dumps).LocateAsync(source, backupId, atOrBefore, verifiedOnly, cancellationToken);

    /// <summary>
    /// Reads the dump's index (verified by the catalog as it is read) and checks that it describes the stored dump.
    /// </summary>
    /// <exception cref="ChecksumMismatchException">The index is damaged or describes other bytes than the manifest's dump.</exception>
    public async Task<PostgresDumpIndex> ReadIndexAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        byte[] json;
        await using (var stream = await catalog.OpenReader(manifest).OpenObjectAsync(PostgresBackupObjects.Index, cancellationToken).ConfigureAwait(false))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            json = buffer.ToArray();
        }

        var dump = manifest.FindObject(PostgresBackupObjects.Dump)!;
        PostgresDumpIndex index;
        try
        {
            index = PostgresDumpIndex.Parse(json, $"backup {manifest.BackupId} object '{PostgresBackupObjects.Index}'");
        }
        catch (ManifestSchemaException e)
        {
            throw new ChecksumMismatchException(manifest.BackupId.Value, PostgresBackupObjects.Index, manifest.FindObject(PostgresBackupObjects.Index)!.Key,
                e.Message, e);
        }

        if (index.StoredLength != dump.StoredSize || !string.Equals(index.StoredSha256, dump.StoredSha256, StringComparison.Ordinal))
        {
            throw new ChecksumMismatchException(manifest.BackupId.Value, PostgresBackupObjects.Dump, dump.Key,
                $"the index describes {index.StoredLength} bytes with SHA-256 {index.StoredSha256}; the manifest records {dump.StoredSize} bytes with " +
                    $"SHA-256 {dump.StoredSha256}");
        }

        return index;
    }
}
