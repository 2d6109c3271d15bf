using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>
/// What goes wrong, through the RedisBackup function: refused replication, bad credentials, no server, a connection dropped,
/// a server restarted, the deadline, a damaged RDB. Each leaves no listed backup and one audit <c>failed</c> event.
/// </summary>
public sealed class RedisBackupFaultTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;

    public async Task InitializeAsync() => _kit = await RedisBackupKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Backup_WhenTheUserMayNotReplicate_ShouldFailWithDatabaseOperationExceptionAndListNoBackup()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("user reader on >reader-pass ~* -@all +info +replconf +get");
        _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("127.0.0.1", server.Port, "reader-pass", "reader"));

        // Act
        var error = await Assert.ThrowsAsync<DatabaseOperationException>(() => _kit.InvokeAsync(_kit.Backup(), "{}"));

        // Assert
        Assert.Contains("NOPERM", error.Message, StringComparison.Ordinal);
        await AssertFailedAndNothingListedAsync(nameof(DatabaseOperationException));
    }

    [Fact]
    public async Task Backup_WhenThePasswordIsWrong_ShouldFailWithDatabaseAuthenticationExceptionWithoutLeakingIt()
    {
        // Arrange
        var local = LocalServers.Redis;
        _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor(local.Host, local.Port, "not-the-password-42"));

        // Act
        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => _kit.InvokeAsync(_kit.Backup(), "{}"));

        // Assert
        Assert.DoesNotContain("not-the-password-42", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-42", _kit.Log.ToString(), StringComparison.Ordinal);
        await AssertFailedAndNothingListedAsync(nameof(DatabaseAuthenticationException));
    }

    [Fact]
    public async Task Backup_WhenTheHostIsUnreachable_ShouldFailWithDatabaseUnreachableException()
    {
        // Arrange
        var port = RedisServerProcess.FreePort();
        _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("127.0.0.1", port, "x"));

        // Act
        var error = await Assert.ThrowsAsync<DatabaseUnreachableException>(() => _kit.InvokeAsync(_kit.Backup(), "{}"));

        // Assert
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        await AssertFailedAndNothingListedAsync(nameof(DatabaseUnreachableException));
    }

    [Fact]
    public async Task Backup_WhenTheServerDropsTheConnectionMidTransfer_ShouldFailWithDatabaseConnectionLostException()
    {
        // Arrange: the replica's connection is killed once the inspector has seen 1 MiB.
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync yes", "repl-diskless-sync-delay 0");
        await RedisData.PopulateAsync(server.Admin, 300_000, 200);
        _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("127.0.0.1", server.Port, RedisServerProcess.Password));
        var inspector = new ByteCountingInspector(strikeAfterBytes: 1 << 20,
            strike: () => server.Admin.GetServers()[0].Execute("CLIENT", "KILL", "TYPE", "replica"));

        // Act
        await Assert.ThrowsAsync<DatabaseConnectionLostException>(() => _kit.InvokeAsync(_kit.Backup(inspector), "{}"));

        // Assert
        await AssertFailedAndNothingListedAsync(nameof(DatabaseConnectionLostException));
    }

    [Fact]
    public async Task Backup_WhenTheServerRestartsMidTransfer_ShouldFailWithDatabaseConnectionLostException()
    {
        // Arrange
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync no");
        await RedisData.PopulateAsync(server.Admin, 300_000, 200);
        _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("127.0.0.1", server.Port, RedisServerProcess.Password));
        var inspector = new ByteCountingInspector(strikeAfterBytes: 1 << 20, strike: () => server.RestartAsync().GetAwaiter().GetResult());

        // Act
        await Assert.ThrowsAsync<DatabaseConnectionLostException>(() => _kit.InvokeAsync(_kit.Backup(inspector), "{}"));

        // Assert
        await AssertFailedAndNothingListedAsync(nameof(DatabaseConnectionLostException));
    }

    [Fact]
    public async Task Backup_WhenTheDeadlineComesMidTransfer_ShouldFailAsDeadlineExceededAndListNoBackup()
    {
        // Arrange: the invocation's clock jumps past its deadline once the inspector has seen 1 MiB.
        await using var server = await RedisServerProcess.StartAsync("repl-diskless-sync no");
        await RedisData.PopulateAsync(server.Admin, 300_000, 200);
        _kit.Secrets.Put(RedisBackupKit.SecretId, RedisBackupKit.SecretFor("127.0.0.1", server.Port, RedisServerProcess.Password));
        var contextClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var inspector = new ByteCountingInspector(strikeAfterBytes: 1 << 20, strike: () => contextClock.Advance(TimeSpan.FromMinutes(11)));

        // Act
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => _kit.InvokeAsync(_kit.Backup(inspector), "{}", contextClock));

        // Assert
        Assert.Contains("the backup", error.Message, StringComparison.Ordinal);
        await AssertFailedAndNothingListedAsync(nameof(DeadlineExceededException));
    }

    [Fact]
    public async Task Backup_WhenTheInspectorFindsTheRdbDamaged_ShouldFailWithItsErrorAndListNoBackup()
    {
        // Arrange
        var inspector = new ByteCountingInspector(failAfterBytes: 10);

        // Act
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _kit.InvokeAsync(_kit.Backup(inspector), "{}"));

        // Assert
        Assert.Contains("offset 10", error.Message, StringComparison.Ordinal);
        await AssertFailedAndNothingListedAsync(nameof(InvalidDataException));
    }

    private async Task AssertFailedAndNothingListedAsync(string errorType)
    {
        Assert.Empty(await _kit.Catalog.ListBackupsAsync(BackupEngine.Redis, RedisBackupKit.Source));
        Assert.Empty(await _kit.S3.ListKeysAsync(_kit.BackupBucket, "backups/"));
        var audit = Assert.Single(await _kit.AuditRecordsAsync());
        Assert.Equal(("backup", "failed", $"redis/{RedisBackupKit.Source}"), (audit.Action, audit.Result, audit.Resource));
        Assert.Equal(errorType, audit.Details["errorType"]);
        Assert.Equal(RedisBackupKit.SecretId, audit.Details["redisSecretId"]);
    }
}
