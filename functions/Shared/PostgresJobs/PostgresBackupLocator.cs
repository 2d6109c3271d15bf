using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>Finds a PostgreSQL backup in the catalog and reads its index, checked against the manifest.</summary>
public sealed class PostgresBackupLocator(BackupCatalog catalog)
{
    /// <summary>
    /// The backup <paramref name="backupId"/>, or else the newest one completed at or before <paramref name="atOrBefore"/>
    /// (verified ones only when <paramref name="verifiedOnly"/>).
    /// </summary>
    /// <exception cref="BackupNotFoundException">No such backup, naming what was looked for.</exception>
    public async Task<BackupManifest> LocateAsync(string source, BackupId? backupId, DateTimeOffset atOrBefore, bool verifiedOnly,
        CancellationToken cancellationToken)
    {
        BackupManifest manifest;
        if (backupId is not null)
        {
            manifest = await catalog.ReadManifestAsync(BackupEngine.Postgres, source, backupId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var entry = await catalog.FindLatestAsync(BackupEngine.Postgres, source, atOrBefore, verifiedOnly, BackupKind.Full,
                cancellationToken).ConfigureAwait(false)
                ?? throw new BackupNotFoundException(
                    $"no {(verifiedOnly ? "verified " : string.Empty)}PostgreSQL backup of '{source}' completed at or before " +
                        $"{atOrBefore:yyyy-MM-ddTHH:mm:ssZ} in bucket '{catalog.Bucket}'");
            manifest = await catalog.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        if (manifest.FindObject(PostgresBackupObjects.Dump) is null || manifest.FindObject(PostgresBackupObjects.Index) is null)
        {
            throw new BackupNotFoundException(
                $"backup {manifest.BackupId} of '{source}' has no '{PostgresBackupObjects.Dump}' and '{PostgresBackupObjects.Index}'; it was not written by " +
                    $"PostgresBackup");
        }

        return manifest;
    }

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
