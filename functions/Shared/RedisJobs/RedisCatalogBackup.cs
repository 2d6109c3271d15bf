using System.Globalization;
using System.Text.Json;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.RedisJobs;

/// <summary>What a catalog backup of one Redis server is filed as.</summary>
/// <param name="Source">The catalog source name.</param>
/// <param name="Tier">The retention tier (hourly or six-hourly for the schedule).</param>
/// <param name="CreatedBy">Who asked.</param>
/// <param name="BackupId">A chosen backup id (a retried step writes the same backup), or null for a new one.</param>
public sealed record RedisBackupSpec(string Source, RetentionTier Tier, string CreatedBy, BackupId? BackupId);

/// <summary>A committed Redis backup: its manifest (with the keys it was committed under) and the Redis section.</summary>
public sealed record RedisBackupOutcome(CommittedBackup Committed, RedisBackupInfo Info)
{
    public BackupManifest Manifest => Committed.Manifest;
}

/// <summary>
/// Fetches a server's RDB into the backup catalog: <c>INFO</c> first (version, keyspace at the start), then the replication
/// transfer streamed into <see cref="RedisBackupObjects.Rdb"/> (zstd frames, SHA-256 of the RDB's bytes) while the
/// <see cref="IRdbInspector"/> reads the same bytes, then <see cref="RedisBackupObjects.Info"/>, then the commit, whose manifest
/// records the server version, the replication id and offset, and the keys per database found in the RDB. Anything failing
/// before the commit (a refused command, a dropped connection, a damaged RDB, the deadline) leaves no listed backup.
/// <see cref="ImportAsync"/> files an RDB read from elsewhere (an ElastiCache export) the same way, through the same steps.
/// </summary>
public sealed class RedisCatalogBackup(BackupCatalog catalog, IRdbInspector inspector, RedisReplicationOptions? options = null, JsonLogger? logger = null)
{
    /// <summary>The AUX fields an RDB names its writer and its replication position with.</summary>
    private const string VersionAux = "redis-ver";
    private const string CreatedAux = "ctime";
    private const string ReplicationIdAux = "repl-id";
    private const string ReplicationOffsetAux = "repl-offset";

    /// <summary>Backs <paramref name="server"/> up and commits the backup.</summary>
    public async Task<RedisBackupOutcome> RunAsync(RedisEndpoint server, RedisBackupSpec spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(spec);
        JobPhase.Enter(logger, JobPhase.Connect, ("redis", server.ToString()));
        await using var client = await RedisReplicationClient.ConnectAsync(server, options, cancellationToken).ConfigureAwait(false);
        var info = await client.ReadInfoAsync(cancellationToken).ConfigureAwait(false);

        await using var writer = await BeginAsync(spec, RedisBackupObjects.ToolName, cancellationToken).ConfigureAwait(false);
        logger?.Info("backup started", ("backupId", writer.BackupId), ("source", spec.Source), ("redis", server.ToString()),
            ("serverVersion", info.Version));

        JobPhase.Enter(logger, JobPhase.Dump, ("backupId", writer.BackupId));
        await using var rdb = await client.StartRdbTransferAsync(cancellationToken).ConfigureAwait(false);
        var (inspection, _) = await StoreRdbAsync(writer, rdb, now, cancellationToken).ConfigureAwait(false);
        var section = Section(inspection, now) with
        {
            ServerVersion = info.Version,
            ReplicationId = rdb.ReplicationId,
            ReplicationOffset = rdb.ReplicationOffset,
            TransferMode = rdb.Mode == RdbTransferMode.Disk ? "disk" : "diskless",
            RdbBytes = rdb.BytesRead,
            KeyspaceAtStart = info.Keyspace.ToDictionary(pair => DatabaseName(pair.Key), pair => pair.Value, StringComparer.Ordinal),
        };
        return await FinishAsync(writer, section, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Files <paramref name="rdb"/> (an RDB read from elsewhere: the object an ElastiCache snapshot export wrote) as a backup,
    /// exactly as <see cref="RunAsync"/> files a transfer: the same object, inspector and commit. The server version and the
    /// replication position come from the RDB's AUX fields (empty and 0 when it has none); there is no INFO keyspace.
    /// </summary>
    public async Task<RedisBackupOutcome> ImportAsync(Stream rdb, RedisBackupSpec spec, RedisImportOrigin origin, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rdb);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(origin);
        await using var writer = await BeginAsync(spec, RedisBackupObjects.ImportToolName, cancellationToken).ConfigureAwait(false);
        logger?.Info("import started", ("backupId", writer.BackupId), ("source", spec.Source), ("bucket", origin.Bucket), ("key", origin.Key),
            ("snapshot", origin.SnapshotName));

        JobPhase.Enter(logger, JobPhase.Dump, ("backupId", writer.BackupId));
        var (inspection, bytes) = await StoreRdbAsync(writer, rdb, now, cancellationToken).ConfigureAwait(false);
        var aux = inspection.Aux ?? new Dictionary<string, string>();
        var section = Section(inspection, now) with
        {
            ServerVersion = aux.GetValueOrDefault(VersionAux, string.Empty),
            ReplicationId = aux.GetValueOrDefault(ReplicationIdAux, string.Empty),
            ReplicationOffset = long.TryParse(aux.GetValueOrDefault(ReplicationOffsetAux), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                ? offset : 0,
            TransferMode = "export",
            RdbBytes = bytes,
            ImportedFrom = origin,
        };
        return await FinishAsync(writer, section, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The name a database has in the manifest's contents and the Redis section (<c>db3</c>, as INFO keyspace writes it).</summary>
    public static string DatabaseName(int database) => "db" + database.ToString(CultureInfo.InvariantCulture);

    private Task<BackupWriter> BeginAsync(RedisBackupSpec spec, string tool, CancellationToken cancellationToken) =>
        catalog.BeginBackupAsync(new BackupRequest
        {
            Engine = BackupEngine.Redis,
            Source = spec.Source,
            Kind = BackupKind.Snapshot,
            RetentionTier = spec.Tier,
            CreatedBy = spec.CreatedBy,
            Tool = new ToolInfo(tool, typeof(RedisCatalogBackup).Assembly.GetName().Version?.ToString() ?? "0"),
            BackupId = spec.BackupId,
        }, cancellationToken);

    /// <summary>Streams the RDB into <see cref="RedisBackupObjects.Rdb"/> (zstd) while the inspector reads the same bytes.</summary>
    private async Task<(RdbInspection Inspection, long Bytes)> StoreRdbAsync(BackupWriter writer, Stream rdb, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var stored = writer.OpenObject(RedisBackupObjects.Rdb, new BackupObjectOptions
        {
            Compression = Compression.Zstd,
            ContentType = RedisBackupObjects.RdbContentType,
        });
        var copied = await RdbTee.CopyAsync(rdb, stored, inspector, now, cancellationToken).ConfigureAwait(false);
        await stored.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return copied;
    }

    /// <summary>What the inspection found, as the Redis section records it; the caller adds where the RDB came from.</summary>
    private static RedisBackupInfo Section(RdbInspection inspection, DateTimeOffset now) => new()
    {
        ServerVersion = string.Empty,
        RdbVersion = inspection.RdbVersion,
        ReplicationId = string.Empty,
        ReplicationOffset = 0,
        TransferMode = string.Empty,
        RdbBytes = 0,
        KeyspaceAtStart = new Dictionary<string, string>(StringComparer.Ordinal),
        KeysInRdb = inspection.KeysPerDatabase?.OrderBy(pair => pair.Key)
            .ToDictionary(pair => DatabaseName(pair.Key), pair => pair.Value, StringComparer.Ordinal),
        InspectedAt = now,
        ExpiredKeys = inspection.ExpiredKeys,
        Functions = inspection.Functions,
        ChecksumVerified = inspection.ChecksumVerified,
        RdbCreatedAt = inspection.Aux?.GetValueOrDefault(CreatedAux) is { } created
            && long.TryParse(created, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
    };

    /// <summary>Writes <see cref="RedisBackupObjects.Info"/> and commits, the consistency point being the RDB's replication position.</summary>
    private async Task<RedisBackupOutcome> FinishAsync(BackupWriter writer, RedisBackupInfo section, CancellationToken cancellationToken)
    {
        JobPhase.Enter(logger, JobPhase.Upload, ("backupId", writer.BackupId), ("object", RedisBackupObjects.Info));
        using (var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(section, RedisJobsJsonContext.Default.RedisBackupInfo), writable: false))
        {
            await writer.WriteObjectAsync(RedisBackupObjects.Info, json, new BackupObjectOptions { ContentType = "application/json" }, cancellationToken)
                .ConfigureAwait(false);
        }

        JobPhase.Enter(logger, JobPhase.Commit, ("backupId", writer.BackupId));
        var committed = await writer.CommitAsync(new BackupCompletion
        {
            ConsistencyPoint = new RedisConsistencyPoint(section.ReplicationId, section.ReplicationOffset),
            Contents = section.KeysInRdb is { } keys ? [.. keys.Select(pair => new ContentCount(pair.Key, pair.Value))] : null,
            ServerVersion = section.ServerVersion.Length > 0 ? section.ServerVersion : null,
        }, cancellationToken).ConfigureAwait(false);
        logger?.Info("backup committed", ("backupId", committed.BackupId), ("rdbBytes", section.RdbBytes), ("replicationOffset", section.ReplicationOffset),
            ("transfer", section.TransferMode));
        return new RedisBackupOutcome(committed, section);
    }
}
