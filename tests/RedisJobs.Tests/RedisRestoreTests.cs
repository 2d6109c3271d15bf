using System.Text.Json;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>RedisRestore on real servers: a verified catalog backup into a running redis-server, each mode, audited.</summary>
public sealed class RedisRestoreTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;

    public async Task InitializeAsync() => _kit = await RedisBackupKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Restore_WhenFlushFirstIntoAServerWithOtherKeys_ShouldLeaveExactlyTheBackupsKeysAndAuditIt()
    {
        // Arrange
        await using var source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(source.Admin);
        await RedisData.PopulateAsync(source.Admin, 20_000, 64);
        var expected = await RedisData.DumpsAsync(source.Admin);
        var manifest = await RedisRestoreWorld.BackUpAsync(_kit, source);
        await using var target = await RedisServerProcess.StartAsync();
        await target.Admin.GetDatabase(0).StringSetAsync("stale", "goes");
        await target.Admin.GetDatabase(3).StringSetAsync("three", "replaced");
        await target.Admin.GetDatabase(0).ExecuteAsync("FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('other', function() return 1 end)");
        RedisRestoreWorld.NameTarget(_kit, target);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "mode": "flush-first"}""");

        // Assert
        RedisData.AssertSame(expected, await RedisData.DumpsAsync(target.Admin));
        Assert.Equal(manifest.BackupId.Value, result.GetProperty("backupId").GetString());
        Assert.Equal(expected.Count - 1, result.GetProperty("keysRestored").GetInt64());
        Assert.Equal(1, result.GetProperty("functionsRestored").GetInt32());
        Assert.Equal("flush-first", result.GetProperty("mode").GetString());
        var db0 = result.GetProperty("databases").EnumerateArray().First(d => d.GetProperty("database").GetInt32() == 0);
        Assert.Equal(1, db0.GetProperty("flushed").GetInt64());
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal(("restore", "succeeded", $"redis/{RedisBackupKit.Source}/{manifest.BackupId.Value}"), (audit.Action, audit.Result, audit.Resource));
        Assert.Equal($"127.0.0.1:{target.Port}", audit.Details["target"]);
        Assert.Equal((expected.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), audit.Details["keysRestored"]);
        Assert.DoesNotContain(RedisServerProcess.Password, _kit.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WhenKeepExistingWithAPatternAndADatabase_ShouldRestoreOnlyMatchingMissingKeys()
    {
        // Arrange
        await using var source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(source.Admin);
        await RedisRestoreWorld.BackUpAsync(_kit, source);
        await using var target = await RedisServerProcess.StartAsync();
        await target.Admin.GetDatabase(0).StringSetAsync("string", "the target's");
        RedisRestoreWorld.NameTarget(_kit, target);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "mode": "keep-existing", "pattern": "[sc]*", "databases": [0]}""");

        // Assert: string kept, counter and stream restored; nothing else, no database 3 or 15.
        var db0 = target.Admin.GetDatabase(0);
        Assert.Equal("the target's", await db0.StringGetAsync("string"));
        Assert.Equal(12345, (long)await db0.StringGetAsync("counter"));
        Assert.True(await db0.KeyExistsAsync("stream"));
        Assert.False(await db0.KeyExistsAsync("list"));
        Assert.False(await target.Admin.GetDatabase(3).KeyExistsAsync("three"));
        Assert.Equal(1, result.GetProperty("keysKept").GetInt64());
        Assert.Equal(2, result.GetProperty("keysRestored").GetInt64());
    }

    [Fact]
    public async Task Restore_WhenDryRun_ShouldReportTheChangesAndLeaveTheTargetAsItWas()
    {
        // Arrange
        await using var source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(source.Admin);
        var manifest = await RedisRestoreWorld.BackUpAsync(_kit, source);
        await using var target = await RedisServerProcess.StartAsync();
        await target.Admin.GetDatabase(0).StringSetAsync("string", "the target's");
        RedisRestoreWorld.NameTarget(_kit, target);
        var before = await RedisData.DumpsAsync(target.Admin);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "backupId": "{{manifest.BackupId.Value}}", "dryRun": true}""");

        // Assert
        RedisData.AssertSame(before, await RedisData.DumpsAsync(target.Admin));
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, result.GetProperty("keysRestored").GetInt64());
        var db0 = result.GetProperty("databases").EnumerateArray().First(d => d.GetProperty("database").GetInt32() == 0);
        Assert.Equal(1, db0.GetProperty("replaced").GetInt64());
        Assert.Equal(manifest.Contents!.Single(c => c.Name == "db0").Count - 1, db0.GetProperty("created").GetInt64());
    }

    [Fact]
    public async Task Restore_WhenNoBackupIsVerified_ShouldRefuseWithBackupNotFoundAndAuditTheFailure()
    {
        // Arrange
        await using var source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(source.Admin);
        await RedisRestoreWorld.BackUpAsync(_kit, source, verified: false);
        await using var target = await RedisServerProcess.StartAsync();
        RedisRestoreWorld.NameTarget(_kit, target);

        // Act
        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() => _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "mode": "flush-first"}"""));

        // Assert
        Assert.Contains("no verified Redis backup", error.Message, StringComparison.Ordinal);
        Assert.Empty(target.Admin.GetServers()[0].Keys(0));
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal(("restore", "failed", "BackupNotFoundException"), (audit.Action, audit.Result, audit.Details["errorType"]));
    }

    [Theory]
    [InlineData("""{"mode": "flush-first"}""", "target")]
    [InlineData("""{"target": {"secretId": "x"}, "mode": "overwrite"}""", "mode")]
    [InlineData("""{"target": {"secretId": "x"}, "databases": []}""", "databases")]
    [InlineData("""{"target": {"secretId": "x"}, "databases": [1, 1]}""", "databases")]
    [InlineData("""{"target": {"secretId": "x"}, "databases": [-1]}""", "databases")]
    [InlineData("""{"target": {"secretId": "x"}, "pattern": ""}""", "pattern")]
    [InlineData("""{"target": {"secretId": "x"}, "backupId": "20261207T120000Z-abcdef", "time": "2026-12-07T12:00:00Z"}""", "time")]
    [InlineData("""{"target": {"secretId": "x", "port": 0}}""", "target.port")]
    public async Task Restore_WhenTheRequestIsInvalid_ShouldRefuseNamingTheField(string payload, string field)
    {
        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit), payload));

        // Assert
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Restore_WhenTheResultIsSerialized_ShouldUseTheDocumentedFieldNames()
    {
        // Arrange
        await using var source = await RedisServerProcess.StartAsync();
        await source.Admin.GetDatabase(0).StringSetAsync("only", "key");
        await RedisRestoreWorld.BackUpAsync(_kit, source);
        await using var target = await RedisServerProcess.StartAsync();
        RedisRestoreWorld.NameTarget(_kit, target);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit), $$$"""{"target": {"secretId": "{{{RedisRestoreWorld.TargetSecret}}}"}}""");

        // Assert
        Assert.Equal(
            ["backupId", "source", "backupStartedAt", "backupCompletedAt", "target", "mode", "dryRun", "keysRestored", "keysKept", "keysSkippedExpired",
                "keysFiltered", "functionsRestored", "databases", "rdbBytes", "seconds"],
            result.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Array, result.GetProperty("databases").ValueKind);
        Assert.Equal("replace", result.GetProperty("mode").GetString());
        Assert.Equal("key", await target.Admin.GetDatabase(0).StringGetAsync("only"));
    }
}
