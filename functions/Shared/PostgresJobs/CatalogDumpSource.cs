using DisasterRecovery.Catalog;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Reads a committed backup's dump by byte ranges (ranged GETs of the version the manifest pinned), so the
/// restore fetches tables in parallel; every range is checked against the index's per-segment SHA-256 by the
/// restorer, and the index itself was checked against the manifest when it was read.
/// </summary>
public sealed class CatalogDumpSource(BackupReader reader) : IDumpSource
{
    /// <inheritdoc />
    public string BackupId => reader.Manifest.BackupId.Value;

    /// <inheritdoc />
    public string ObjectName => PostgresBackupObjects.Dump;

    /// <inheritdoc />
    public string Key => reader.Manifest.FindObject(PostgresBackupObjects.Dump)?.Key ?? PostgresBackupObjects.Dump;

    /// <inheritdoc />
    public Task<Stream> OpenRangeAsync(long offset, long length, CancellationToken cancellationToken) =>
        reader.OpenStoredRangeAsync(PostgresBackupObjects.Dump, offset, length, cancellationToken);
}
