using System.Text.Json;
using DisasterRecovery.Catalog;
using DisasterRecovery.TestSupport;
using StackExchange.Redis;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>The RedisBackup function end to end: a real server's RDB lands in the catalog (LocalS3), audited.</summary>
public sealed class RedisBackupTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;

    public async Task InitializeAsync() => _kit = await RedisBackupKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Backup_WhenTheStacksRedisHasData_ShouldCommitItsRdbWithTheRedisSectionAndAuditIt()
    {
        // Arrange: keys of this test's own on the local/servers Redis (shared: nothing else is touched).
        var local = LocalServers.Redis;
        using var redis = RdbFiles.Connect(local.Host, local.Port, local.Password);
        var prefix = "dr-backup-test-" + Guid.NewGuid().ToString("N")[..8] + ":";
        await redis.GetDatabase(0).StringSetAsync(prefix + "string", "value");
        await redis.GetDatabase(3).HashSetAsync(prefix + "hash", [new HashEntry("a", 1), new HashEntry("b", 2)]);
        await redis.GetDatabase(15).ListRightPushAsync(prefix + "list", ["x", "y"]);
        var expected = Only(await RedisData.DumpsAsync(redis), prefix);
        var inspector = new ByteCountingInspector();

        // Act
        var result = await _kit.InvokeAsync(_kit.Backup(inspector), "{}");
        var manifest = await _kit.SingleManifestAsync();
        var rdb = await _kit.ReadObjectAsync(manifest, RedisBackupObjects.Rdb);
        var info = JsonDocument.Parse(await _kit.ReadObjectAsync(manifest, RedisBackupObjects.Info)).RootElement;
        var loaded = Only(await RdbFiles.LoadAndDumpAsync(rdb), prefix);
        var audit = Assert.Single(await _kit.AuditRecordsAsync());

        // Assert: the manifest
        Assert.Equal(BackupEngine.Redis, manifest.Engine);
        Assert.Equal(BackupKind.Snapshot, manifest.Kind);
        Assert.Equal(RetentionPolicy.HourlyTierFor(manifest.StartedAt), manifest.RetentionTier);
        var point = Assert.IsType<RedisConsistencyPoint>(manifest.ConsistencyPoint);
        Assert.Equal(redis.GetServers()[0].Version.ToString(3), manifest.ServerVersion);
        Assert.Equal([("db0", 7L), ("db3", 2L)], manifest.Contents!.Select(c => (c.Name, c.Count)));
        var stored = manifest.FindObject(RedisBackupObjects.Rdb)!;
        Assert.Equal(Compression.Zstd, stored.Compression);
        Assert.Equal(rdb.Length, stored.Size);
        Assert.Equal(rdb.Length, inspector.Bytes);

        // the Redis section
        Assert.Equal(point.ReplicationOffset, info.GetProperty("replicationOffset").GetInt64());
        Assert.Equal(point.ReplicationId, info.GetProperty("replicationId").GetString());
        Assert.Equal(10, info.GetProperty("rdbVersion").GetInt32());
        Assert.Equal(rdb.Length, info.GetProperty("rdbBytes").GetInt64());
        Assert.Contains("keys=", info.GetProperty("keyspaceAtStart").GetProperty("db15").GetString(), StringComparison.Ordinal);
        Assert.Equal(7, info.GetProperty("keysInRdb").GetProperty("db0").GetInt64());

        // the data, the result and the audit event
        Assert.Equal(3, expected.Count);
        RedisData.AssertSame(expected, loaded);
        Assert.Equal(manifest.BackupId.Value, result.GetProperty("backupId").GetString());
        Assert.Equal(9, result.GetProperty("keys").GetInt64());
        Assert.Equal(("backup", "succeeded", $"redis/{RedisBackupKit.Source}/{manifest.BackupId.Value}"), (audit.Action, audit.Result, audit.Resource));
        Assert.Equal(point.ReplicationOffset.ToString(System.Globalization.CultureInfo.InvariantCulture), audit.Details["replicationOffset"]);
        Assert.DoesNotContain(local.Password, _kit.Log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("repl-diskless-sync yes", "diskless")]
    [InlineData("repl-diskless-sync no", "disk")]
    public async Task Backup_WhenTheRequestNamesAnotherServer_ShouldStoreAnRdbThatLoadsWithEveryKeyInEitherTransferMode(string mode, string transfer)
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync(mode, "repl-diskless-sync-delay 0");
        await RedisData.WriteMixedAsync(server.Admin);
        await RedisData.PopulateAsync(server.Admin, 50_000, 100);
        var expected = await RedisData.DumpsAsync(server.Admin);
        _kit.Secrets.Put("other/redis", RedisBackupKit.SecretFor("127.0.0.1", server.Port, RedisServerProcess.Password));

        // Act
        var result = await _kit.InvokeAsync(_kit.Backup(), """{"redis": {"secretId": "other/redis"}, "retentionTier": "six-hourly"}""");
        var manifest = await _kit.SingleManifestAsync();
        var rdb = await _kit.ReadObjectAsync(manifest, RedisBackupObjects.Rdb);

        var reference = await RdbFiles.RedisCliRdbAsync(server.Port, RedisServerProcess.Password);

        // Assert: the stored RDB is redis-cli's of the same unchanged dataset but for the save time and the checksum over it.
        Assert.Equal(reference.Length, rdb.Length);
        Assert.InRange(RdbFiles.DifferingBytes(reference, rdb), 0, 12);
        Assert.Equal(transfer, result.GetProperty("transferMode").GetString());
        Assert.Equal("six-hourly", result.GetProperty("retentionTier").GetString());
        Assert.Equal(RetentionTier.SixHourly, manifest.RetentionTier);
        Assert.True(manifest.FindObject(RedisBackupObjects.Rdb)!.StoredSize < rdb.Length, "the RDB is stored zstd-compressed");
        RedisData.AssertSame(expected, await RdbFiles.LoadAndDumpAsync(rdb));

        // the RDB reader's verification ran on the stream: the manifest counts the keys per database the server holds.
        var perDatabase = expected.Keys.Where(k => k != "functions")
            .GroupBy(k => int.Parse(k[..k.IndexOf('/')], System.Globalization.CultureInfo.InvariantCulture)).OrderBy(g => g.Key)
            .Select(g => ($"db{g.Key}", (long)g.Count()));
        Assert.Equal(perDatabase, manifest.Contents!.Select(c => (c.Name, c.Count)));
    }

    [Fact]
    public async Task Backup_WhenTheSecretNamesAnAclUserOverTls_ShouldStoreTheRdb()
    {
        // Arrange
        var tlsPort = RedisServerProcess.FreePort();
        var folder = Directory.CreateTempSubdirectory("dr-tls-");
        try
        {
            var certificates = await TestCertificates.CreateAsync(folder.FullName);
            await using var server = await RedisServerProcess.StartAsync(
                $"tls-port {tlsPort}", $"tls-cert-file {certificates.CertificateFile}", $"tls-key-file {certificates.KeyFile}",
                $"tls-ca-cert-file {certificates.CaFile}", "tls-auth-clients no", "user backup on >backup-pass -@all +psync +replconf +info");
            await RedisData.WriteMixedAsync(server.Admin);
            var expected = await RedisData.DumpsAsync(server.Admin);
            _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("localhost", tlsPort, "backup-pass", "backup", true, certificates.CaPem));

            // Act
            await _kit.InvokeAsync(_kit.Backup(), "{}");
            var manifest = await _kit.SingleManifestAsync();

            // Assert
            RedisData.AssertSame(expected, await RdbFiles.LoadAndDumpAsync(await _kit.ReadObjectAsync(manifest, RedisBackupObjects.Rdb)));
            Assert.Contains("backup@localhost", (await _kit.AuditRecordsAsync())[0].Details["redis"], StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static SortedDictionary<string, string> Only(SortedDictionary<string, string> dumps, string prefix)
    {
        var hexPrefix = Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(prefix));
        return new(dumps.Where(pair => pair.Key.Split('/', 2) is [_, var key] && key.StartsWith(hexPrefix, StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => pair.Value), StringComparer.Ordinal);
    }
}
