using System.Globalization;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// RedisVerify in mode <c>restored-server</c>: a redis-server started on a backup's RDB (as a restore into a new server does) is
/// checked against the backup through INFO keyspace. Keys whose TTL ran out since the backup may be gone; a missing live key or an
/// extra one fails, audited, and nothing is recorded beside the manifest. The services' clock follows the real one here: the
/// servers expire keys by it.
/// </summary>
public sealed class RedisVerifyRestoredServerTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;
    private RedisServerProcess _source = null!;
    private readonly List<string> _folders = [];

    public async Task InitializeAsync()
    {
        _kit = await RedisBackupKit.CreateAsync();
        _source = await RedisVerifyKit.StartSourceAsync(_kit);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _kit.DisposeAsync();
        foreach (var folder in _folders)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Check_WhenAServerWasStartedOnTheBackupsRdb_ShouldPassWithItsKeysPerDatabase()
    {
        // Arrange
        var manifest = await BackUpAsync();
        await using var restored = await StartOnRdbAsync(manifest);

        // Act
        var result = await _kit.InvokeAsync(_kit.Verify(), Request(manifest, restored));

        // Assert
        Assert.True(result.GetProperty("passed").GetBoolean(), result.ToString());
        Assert.Equal("restored-server", result.GetProperty("mode").GetString());
        var names = result.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["checksum:dump.rdb", "rdb-format", "keys:db0", "keys:db15", "keys:db3"], names);
        var keys = result.GetProperty("keysPerDatabase").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        Assert.Equal(manifest.Contents!.ToDictionary(c => c.Name, c => c.Count), keys);
        Assert.False(result.TryGetProperty("verificationKey", out var key) && key.ValueKind != System.Text.Json.JsonValueKind.Null);
        Assert.Empty(await _kit.VerificationsAsync(manifest));
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal((AuditActions.Verification, AuditResults.Succeeded, "restored-server"), (audit.Action, audit.Result, audit.Details["mode"]));
        Assert.Equal($"127.0.0.1:{restored.Port}", audit.Details["redis"]);
    }

    [Fact]
    public async Task Check_WhenKeysExpiredBetweenTheBackupAndTheCheck_ShouldAcceptTheirAbsence()
    {
        // Arrange: five keys live when the backup counted them, expired before the new server loads the RDB.
        var db3 = RedisVerifyKit.Database(_source, 3);
        var expiry = DateTimeOffset.UtcNow.AddSeconds(4);
        foreach (var i in Enumerable.Range(0, 5))
        {
            await db3.StringSetAsync($"short-lived:{i}", "x", expiry.UtcDateTime - DateTime.UtcNow);
        }

        var manifest = await BackUpAsync();
        Assert.Equal(7, (await _kit.ReadInfoAsync(manifest)).KeysInRdb!["db3"]);
        var wait = expiry - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        await using var restored = await StartOnRdbAsync(manifest);

        // Act
        var result = await _kit.InvokeAsync(_kit.Verify(), Request(manifest, restored));

        // Assert
        Assert.True(result.GetProperty("passed").GetBoolean(), result.ToString());
        Assert.Equal("2 keys; the backup holds 7, 2 of them still live", RedisVerifyKit.Check(result, "keys:db3").GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Check_WhenTheServerMissesALiveKeyAndHoldsAnExtraDatabase_ShouldFailNamingBothAndRecordNothing()
    {
        // Arrange
        var manifest = await BackUpAsync();
        await using var restored = await StartOnRdbAsync(manifest);
        await RedisVerifyKit.Database(restored, 3).KeyDeleteAsync("three");
        await RedisVerifyKit.Database(restored, 7).StringSetAsync("stray", "1");
        var verifiedBefore = await _kit.VerifiedAsync();

        // Act
        var error = await Assert.ThrowsAsync<BackupVerificationFailedException>(() => _kit.InvokeAsync(_kit.Verify(), Request(manifest, restored)));

        // Assert
        Assert.StartsWith($"the Redis server restored from backup {manifest.BackupId} of '{RedisBackupKit.Source}' failed 2 check(s): ",
            error.Message, StringComparison.Ordinal);
        Assert.Contains("keys:db3: 1 keys, fewer than the 2 of the backup's 2 still live", error.Message, StringComparison.Ordinal);
        Assert.Contains("keys:db7: 1 keys, more than the 0 the backup holds", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _kit.VerificationsAsync(manifest));
        Assert.Equal(verifiedBefore, await _kit.VerifiedAsync());
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal((AuditActions.Verification, AuditResults.Failed), (audit.Action, audit.Result));
        Assert.Equal("keys:db3, keys:db7", audit.Details["failedChecks"]);
    }

    [Fact]
    public async Task Check_WhenTheRestoredServersPasswordIsWrong_ShouldFailWithDatabaseAuthenticationExceptionWithoutLeakingIt()
    {
        // Arrange
        var manifest = await BackUpAsync();
        await using var restored = await StartOnRdbAsync(manifest);
        _kit.Secrets.Put(RedisVerifyKit.RestoredSecretId, RedisBackupKit.SecretFor("127.0.0.1", 1, "wrong-pass-Kx7"));

        // Act
        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => _kit.InvokeAsync(_kit.Verify(), Request(manifest, restored)));

        // Assert
        Assert.DoesNotContain("wrong-pass-Kx7", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-pass-Kx7", _kit.Log.ToString(), StringComparison.Ordinal);
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal((AuditResults.Failed, nameof(DatabaseAuthenticationException)), (audit.Result, audit.Details["errorType"]));
        Assert.Equal(RedisVerifyKit.RestoredSecretId, audit.Details["redisSecretId"]);
        Assert.DoesNotContain(audit.Details.Values, value => value.Contains("wrong-pass-Kx7", StringComparison.Ordinal));
    }

    /// <summary>A backup taken with the services' clock at the real time (the counts are taken at that instant).</summary>
    private async Task<BackupManifest> BackUpAsync()
    {
        SyncClock();
        var result = await _kit.InvokeAsync(_kit.Backup(), "{}");
        SyncClock();
        var backupId = BackupId.Parse(result.GetProperty("backupId").GetString(), "backupId");
        return await _kit.Catalog.ReadManifestAsync(BackupEngine.Redis, RedisBackupKit.Source, backupId);
    }

    private void SyncClock()
    {
        var now = DateTimeOffset.UtcNow;
        if (now > _kit.S3.Clock.GetUtcNow())
        {
            _kit.S3.Clock.SetUtcNow(now);
        }
    }

    /// <summary>A new redis-server started on the backup's RDB, as a restore into a new server starts one.</summary>
    private async Task<RedisServerProcess> StartOnRdbAsync(BackupManifest manifest)
    {
        var folder = Path.Combine(Path.GetTempPath(), "dr-verify-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        _folders.Add(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "restored.rdb"), await _kit.ReadObjectAsync(manifest, RedisBackupObjects.Rdb));
        var server = await RedisServerProcess.StartAsync($"dir {folder}", "dbfilename restored.rdb");
        SyncClock();
        return server;
    }

    private static string Request(BackupManifest manifest, RedisServerProcess restored) => string.Create(CultureInfo.InvariantCulture,
        $$$"""
        {"backupId": "{{{manifest.BackupId}}}",
         "redis": {"secretId": "{{{RedisVerifyKit.RestoredSecretId}}}", "host": "127.0.0.1", "port": {{{restored.Port}}}}}
        """);
}
