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
/// </summary>
public sealed class RedisCatalogBackup(BackupCatalog catalog, IRdbInspector inspector, RedisReplicationOptions? options = null, JsonLogger? logger = null)
{
    /// <summary>Backs <paramref name="server"/> up and commits the backup.</summary>
    public async Task<RedisBackupOutcome> RunAsync(RedisEndpoint server, RedisBackupSpec spec, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(spec);
        JobPhase.Enter(logger, JobPhase.Connect, ("redis", server.ToString()));
        await using var client = await RedisReplicationClient.ConnectAsync(server, options, cancellationToken).ConfigureAwait(false);
        var info = await client.ReadInfoAsync(cancellationToken).ConfigureAwait(false);

        await using var writer = await catalog.BeginBackupAsync(new BackupRequest
        {
            Engine = BackupEngine.Redis,
            Source = spec.Source,
            Kind = BackupKind.Snapshot,
            RetentionTier = spec.Tier,
            CreatedBy = spec.CreatedBy,
            Tool = new ToolInfo(RedisBackupObjects.ToolName, typeof(RedisCatalogBackup).Assembly.GetName().Version?.ToString() ?? "0"),
            BackupId = spec.BackupId,
        }, cancellationToken).ConfigureAwait(false);
        logger?.Info("backup started", ("backupId", writer.BackupId), ("source", spec.Source), ("redis", server.ToString()),
            ("serverVersion", info.Version));

        JobPhase.Enter(logger, JobPhase.Dump, ("backupId", writer.BackupId));
        await using var rdb = await client.StartRdbTransferAsync(cancellationToken).ConfigureAwait(false);
        RdbInspection inspection;
        await using (var stored = writer.OpenObject(RedisBackupObjects.Rdb, new BackupObjectOptions
        {
            Compression = Compression.Zstd,
            ContentType = RedisBackupObjects.RdbContentType,
        }))
        {
            (inspection, _) = await RdbTee.CopyAsync(rdb, stored, inspector, now, cancellationToken).ConfigureAwait(false);
            await stored.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        var section = new RedisBackupInfo
        {
            ServerVersion = info.Version,
            RdbVersion = inspection.RdbVersion,
            ReplicationId = rdb.ReplicationId,
            ReplicationOffset = rdb.ReplicationOffset,
            TransferMode = rdb.Mode == RdbTransferMode.Disk ? "disk" : "diskless",
            RdbBytes = rdb.BytesRead,
            KeyspaceAtStart = info.Keyspace.ToDictionary(pair => DatabaseName(pair.Key), pair => pair.Value, StringComparer.Ordinal),
            KeysInRdb = inspection.KeysPerDatabase?.OrderBy(pair => pair.Key)
                .ToDictionary(pair => DatabaseName(pair.Key), pair => pair.Value, StringComparer.Ordinal),
            InspectedAt = now,
            ExpiredKeys = inspection.ExpiredKeys,
            Functions = inspection.Functions,
            ChecksumVerified = inspection.ChecksumVerified,
        };

        JobPhase.Enter(logger, JobPhase.Upload, ("backupId", writer.BackupId), ("object", RedisBackupObjects.Info));
        using (var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(section, RedisJobsJsonContext.Default.RedisBackupInfo), writable: false))
        {
            await writer.WriteObjectAsync(RedisBackupObjects.Info, json, new BackupObjectOptions { ContentType = "application/json" }, cancellationToken)
                .ConfigureAwait(false);
        }

        JobPhase.Enter(logger, JobPhase.Commit, ("backupId", writer.BackupId));
        var committed = await writer.CommitAsync(new BackupCompletion
        {
            ConsistencyPoint = new RedisConsistencyPoint(rdb.ReplicationId, rdb.ReplicationOffset),
            Contents = section.KeysInRdb is { } keys ? [.. keys.Select(pair => new ContentCount(pair.Key, pair.Value))] : null,
            ServerVersion = info.Version,
        }, cancellationToken).ConfigureAwait(false);
        logger?.Info("backup committed", ("backupId", committed.BackupId), ("rdbBytes", section.RdbBytes), ("replicationOffset", section.ReplicationOffset),
            ("transfer", section.TransferMode));
        return new RedisBackupOutcome(committed, section);
    }

    /// <summary>The name a database has in the manifest's contents and the Redis section (<c>db3</c>, as INFO keyspace writes it).</summary>
    public static string DatabaseName(int database) => "db" + database.ToString(CultureInfo.InvariantCulture);
}
