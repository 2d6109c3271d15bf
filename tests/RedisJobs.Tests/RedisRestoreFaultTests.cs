using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>RedisRestore's failures on real servers: each a clear error, one audit <c>failed</c> event, the target as promised.</summary>
public sealed class RedisRestoreFaultTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;
    private RedisServerProcess _source = null!;

    public async Task InitializeAsync()
    {
        _kit = await RedisBackupKit.CreateAsync();
        _source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(_source.Admin);
        await RedisRestoreWorld.BackUpAsync(_kit, _source);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        await _kit.DisposeAsync();
    }

    [Fact]
    public async Task Restore_WhenThePasswordIsWrong_ShouldFailWithAuthenticationAndNeverShowThePassword()
    {
        // Arrange
        await using var target = await RedisServerProcess.StartAsync();
        RedisRestoreWorld.NameTarget(_kit, target, "not-the-password-7x");

        // Act
        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => RestoreAsync("flush-first"));

        // Assert
        Assert.Contains($"127.0.0.1:{target.Port}", error.Message, StringComparison.Ordinal);
        await AssertFailedAuditAsync(nameof(DatabaseAuthenticationException));
        Assert.DoesNotContain("not-the-password-7x", _kit.Log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-7x", string.Join("", (await _kit.AuditRecordsAsync()).SelectMany(r => r.Details.Values)),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WhenTheTargetSecretIsMalformed_ShouldFailNamingTheFieldNotTheValue()
    {
        // Arrange
        _kit.Secrets.Put(RedisRestoreWorld.TargetSecret, """{"host": "127.0.0.1", "port": 6379, "passwd": "secret-value-q1"}""");

        // Act
        var error = await Assert.ThrowsAsync<SecretFormatException>(() => RestoreAsync("flush-first"));

        // Assert
        Assert.Contains("passwd", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-q1", error.Message, StringComparison.Ordinal);
        await AssertFailedAuditAsync(nameof(SecretFormatException));
    }

    [Fact]
    public async Task Restore_WhenTheTargetHasFewerDatabasesThanTheBackup_ShouldRefuseBeforeFlushingAnything()
    {
        // Arrange: the backup has keys in databases 0, 3 and 15; the target has 4.
        await using var target = await RedisServerProcess.StartAsync("databases 4");
        await target.Admin.GetDatabase(0).StringSetAsync("kept", "as it was");
        RedisRestoreWorld.NameTarget(_kit, target);

        // Act
        var error = await Assert.ThrowsAsync<DatabaseNotFoundException>(() => RestoreAsync("flush-first"));
        var requested = await Assert.ThrowsAsync<InvalidInputException>(() => RestoreAsync("flush-first", """, "databases": [0, 7]"""));

        // Assert
        Assert.Contains("database 15", error.Message, StringComparison.Ordinal);
        Assert.Equal("databases", requested.Field);
        Assert.Equal("as it was", await target.Admin.GetDatabase(0).StringGetAsync("kept"));
        await AssertFailedAuditAsync(nameof(InvalidInputException));
    }

    [Fact]
    public async Task Restore_WhenTheTargetRunsOutOfMemory_ShouldStopNamingTheKeysThatWentInAndAuditIt()
    {
        // Arrange: a backup larger than the target's maxmemory (noeviction).
        await using var big = await RedisServerProcess.StartAsync();
        await RedisData.PopulateAsync(big.Admin, 30_000, 200);
        await using var kit = await RedisBackupKit.CreateAsync();
        await RedisRestoreWorld.BackUpAsync(kit, big);
        await using var target = await RedisServerProcess.StartAsync("maxmemory 4mb", "maxmemory-policy noeviction");
        RedisRestoreWorld.NameTarget(kit, target);

        // Act
        var error = await Assert.ThrowsAsync<TargetOutOfMemoryException>(() => kit.InvokeAsync(RedisRestoreWorld.Restore(kit),
            $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "databases": [0]}"""));

        // Assert
        var keys = (long)await target.Admin.GetDatabase(0).ExecuteAsync("DBSIZE");
        Assert.InRange(keys, 1, 29_999);
        Assert.Contains($"{keys} keys were restored", error.Message, StringComparison.Ordinal);
        var audit = (await kit.AuditRecordsAsync()).Last();
        Assert.Equal(("failed", nameof(TargetOutOfMemoryException)), (audit.Result, audit.Details["errorType"]));
    }

    [Fact]
    public async Task Restore_WhenTheTargetIsDown_ShouldFailUnreachable()
    {
        // Arrange
        _kit.Secrets.Put(RedisRestoreWorld.TargetSecret, RedisBackupKit.SecretFor("127.0.0.1", RedisServerProcess.FreePort(), "p"));

        // Act
        var error = await Assert.ThrowsAsync<DatabaseUnreachableException>(() => RestoreAsync("replace"));

        // Assert
        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
        await AssertFailedAuditAsync(nameof(DatabaseUnreachableException));
    }

    private Task<System.Text.Json.JsonElement> RestoreAsync(string mode, string extra = "") => _kit.InvokeAsync(RedisRestoreWorld.Restore(_kit),
        $$"""{"target": {"secretId": "{{RedisRestoreWorld.TargetSecret}}"}, "mode": "{{mode}}"{{extra}}}""");

    private async Task AssertFailedAuditAsync(string errorType)
    {
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal(("restore", "failed", errorType), (audit.Action, audit.Result, audit.Details["errorType"]));
        Assert.Equal(RedisRestoreWorld.TargetSecret, audit.Details["targetSecretId"]);
    }
}
