using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>What a catalog backup of one database is filed as.</summary>
/// <param name="Source">The catalog source name (e.g. <c>technician-marketplace</c>).</param>
/// <param name="Tier">The retention tier (GFS).</param>
/// <param name="CreatedBy">Who asked: the execution ARN or the function's request id.</param>
/// <param name="BackupId">A chosen backup id (a retried step writes the same backup), or null for a new one.</param>
/// <param name="Dump">How the dump runs.</param>
public sealed record PostgresBackupSpec(string Source, RetentionTier Tier, string CreatedBy, BackupId? BackupId, PostgresDumpOptions Dump);

/// <summary>A committed PostgreSQL backup: its manifest (with the keys it was committed under) and the dump's index.</summary>
public sealed record PostgresBackupOutcome(CommittedBackup Committed, PostgresDumpIndex Index)
{
    public BackupManifest Manifest => Committed.Manifest;
}

/// <summary>
/// Dumps a database into the backup catalog: the dump streamed into <see cref="PostgresBackupObjects.Dump"/>,
/// then the index as <see cref="PostgresBackupObjects.Index"/>, then the commit, whose manifest records the
/// consistency point (WAL position, snapshot, timeline), the server version and every table's rows and content
/// hash from the same snapshot. Anything failing before the commit leaves no listed backup: the upload is
/// abandoned and the manifest never written.
/// </summary>
public sealed class PostgresCatalogBackup(BackupCatalog catalog, PostgresDumper dumper, PostgresTools tools, JsonLogger? logger = null)
{
    /// <summary>Backs <paramref name="database"/> up and commits the backup.</summary>
    public async Task<PostgresBackupOutcome> RunAsync(PostgresEndpoint database, PostgresBackupSpec spec, CancellationToken cancellationToken)
    {
        var pgDumpVersion = await tools.VersionAsync("pg_dump", cancellationToken).ConfigureAwait(false);
        await using var writer = await catalog.BeginBackupAsync(new BackupRequest
        {
            Engine = BackupEngine.Postgres,
            Source = spec.Source,
            Kind = BackupKind.Full,
            RetentionTier = spec.Tier,
            CreatedBy = spec.CreatedBy,
            Tool = new ToolInfo("pg_dump", pgDumpVersion),
            BackupId = spec.BackupId,
        }, cancellationToken).ConfigureAwait(false);
        logger?.Info("backup started", ("backupId", writer.BackupId), ("source", spec.Source), ("database", database.ToString()));

        PostgresDumpIndex index;
        await using (var dump = writer.OpenObject(PostgresBackupObjects.Dump, new BackupObjectOptions
        {
            Compression = Compression.None,
            ContentType = PostgresBackupObjects.DumpContentType
        }))
        {
            index = await dumper.DumpAsync(database, new CatalogDumpSink(dump), spec.Dump, cancellationToken).ConfigureAwait(false);
        }

        JobPhase.Enter(logger, JobPhase.Upload, ("backupId", writer.BackupId), ("object", PostgresBackupObjects.Index));
        using (var indexJson = new MemoryStream(index.ToJson(), writable: false))
        {
            await writer.WriteObjectAsync(PostgresBackupObjects.Index, indexJson, new BackupObjectOptions { ContentType = "application/json" },
                cancellationToken).ConfigureAwait(false);
        }

        JobPhase.Enter(logger, JobPhase.Commit, ("backupId", writer.BackupId));
        var committed = await writer.CommitAsync(new BackupCompletion
        {
            ConsistencyPoint = new PostgresConsistencyPoint(index.WalLsn ?? "unknown", index.SnapshotId, index.Timeline),
            Contents = [.. index.Tables.Select(t => new ContentCount(t.Name, t.Rows, t.ContentHash))],
            ServerVersion = index.ServerVersion,
        }, cancellationToken).ConfigureAwait(false);
        logger?.Info("backup committed", ("backupId", committed.BackupId), ("tables", index.Tables.Count), ("rows", index.Tables.Sum(t => t.Rows)),
            ("storedBytes", index.StoredLength), ("walLsn", index.WalLsn));
        return new PostgresBackupOutcome(committed, index);
    }
}
