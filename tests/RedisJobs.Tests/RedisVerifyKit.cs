using System.Text.Json;
using DisasterRecovery.Catalog;
using DisasterRecovery.Functions.RedisVerify;
using DisasterRecovery.Lambda;
using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// What the RedisVerify tests share over a <see cref="RedisBackupKit"/>: a source server of their own (disk transfers, so a backup
/// takes no diskless-sync delay) named by the stack's Redis secret, the RedisVerify function wired as its entry point wires it,
/// and backups written straight into the catalog with an RDB of the test's choosing (damaged ones).
/// </summary>
internal static class RedisVerifyKit
{
    /// <summary>The secret of servers started by the tests (their password), for mode <c>restored-server</c>.</summary>
    public const string RestoredSecretId = "restored/redis";

    /// <summary>Starts a source server with <see cref="RedisData.WriteMixedAsync"/>'s dataset and points the stack's secret at it.</summary>
    public static async Task<RedisServerProcess> StartSourceAsync(RedisBackupKit kit)
    {
        var server = await RedisServerProcess.StartAsync("repl-diskless-sync no");
        await RedisData.WriteMixedAsync(server.Admin);
        await server.Admin.GetDatabase(0).StringSetAsync("marker", "verify-me!");
        kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("127.0.0.1", server.Port, RedisServerProcess.Password));
        kit.Secrets.Put(RestoredSecretId, RedisBackupKit.SecretFor("127.0.0.1", 1, RedisServerProcess.Password));
        return server;
    }

    /// <summary>The RedisVerify function over the kit's services.</summary>
    public static ILambdaFunction Verify(this RedisBackupKit kit) => RedisVerifyEntryPoint.Create(kit.Services(new RdbFileInspector()));

    /// <summary>
    /// Backs the stack's Redis up through the RedisBackup function, a minute after the previous backup on the kit's clock (so the
    /// newest is one backup, not a tie); returns the backup's manifest.
    /// </summary>
    public static async Task<BackupManifest> BackUpAsync(this RedisBackupKit kit)
    {
        kit.S3.Clock.Advance(TimeSpan.FromMinutes(1));
        var result = await kit.InvokeAsync(kit.Backup(), "{}");
        var backupId = BackupId.Parse(result.GetProperty("backupId").GetString(), "backupId");
        return await kit.Catalog.ReadManifestAsync(BackupEngine.Redis, RedisBackupKit.Source, backupId);
    }

    /// <summary>
    /// Commits a backup whose <c>dump.rdb</c> is <paramref name="rdb"/> (stored as given, so its checksums match) beside the
    /// <paramref name="info"/> and the manifest <paramref name="contents"/> of a real one.
    /// </summary>
    public static async Task<BackupManifest> CommitBackupAsync(
        this RedisBackupKit kit, byte[] rdb, RedisBackupInfo info, IReadOnlyList<ContentCount>? contents)
    {
        await using var writer = await kit.Catalog.BeginBackupAsync(new BackupRequest
        {
            Engine = BackupEngine.Redis,
            Source = RedisBackupKit.Source,
            Kind = BackupKind.Snapshot,
            RetentionTier = RetentionTier.Hourly,
            CreatedBy = "RedisVerifyTests",
            Tool = new ToolInfo(RedisBackupObjects.ToolName, "test"),
        });
        await using (var stored = writer.OpenObject(RedisBackupObjects.Rdb, new BackupObjectOptions { Compression = Compression.Zstd }))
        {
            await stored.WriteAsync(rdb);
            await stored.CompleteAsync();
        }

        using (var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(info, RedisJobsJsonContext.Default.RedisBackupInfo)))
        {
            await writer.WriteObjectAsync(RedisBackupObjects.Info, json, new BackupObjectOptions { ContentType = "application/json" });
        }

        var committed = await writer.CommitAsync(new BackupCompletion
        {
            ConsistencyPoint = new RedisConsistencyPoint(info.ReplicationId, info.ReplicationOffset),
            Contents = contents,
            ServerVersion = info.ServerVersion,
        });
        return committed.Manifest;
    }

    /// <summary>A backup's <c>dump.info.json</c>.</summary>
    public static async Task<RedisBackupInfo> ReadInfoAsync(this RedisBackupKit kit, BackupManifest manifest) =>
        JsonSerializer.Deserialize(await kit.ReadObjectAsync(manifest, RedisBackupObjects.Info), RedisJobsJsonContext.Default.RedisBackupInfo)!;

    /// <summary>The verification records stored beside a backup's manifest.</summary>
    public static async Task<List<BackupVerification>> VerificationsAsync(this RedisBackupKit kit, BackupManifest manifest)
    {
        var folder = BackupKeys.BackupFolder(BackupEngine.Redis, RedisBackupKit.Source, manifest.BackupId) + BackupKeys.VerificationsFolder;
        var records = new List<BackupVerification>();
        foreach (var key in await kit.S3.ListKeysAsync(kit.BackupBucket, folder))
        {
            records.Add(JsonSerializer.Deserialize(await kit.S3.GetBytesAsync(kit.BackupBucket, key), CatalogJsonContext.Default.BackupVerification)!);
        }

        return records;
    }

    /// <summary>The backups in the verified index, newest first.</summary>
    public static async Task<List<BackupId>> VerifiedAsync(this RedisBackupKit kit) =>
        [.. (await kit.Catalog.ListBackupsAsync(BackupEngine.Redis, RedisBackupKit.Source, verifiedOnly: true)).Select(entry => entry.BackupId)];

    /// <summary>A check of a function result by name.</summary>
    public static JsonElement Check(JsonElement result, string name) =>
        Assert.Single(result.GetProperty("checks").EnumerateArray(), check => check.GetProperty("name").GetString() == name);

    /// <summary>A connection to a server started by a test.</summary>
    public static IDatabase Database(RedisServerProcess server, int database = 0) => server.Admin.GetDatabase(database);
}
