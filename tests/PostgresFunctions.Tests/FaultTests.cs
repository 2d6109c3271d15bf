using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>Bad input and faults: each a named error, no partial backup listed, no target changed.</summary>
public sealed class FaultTests : IAsyncLifetime
{
    private PostgresFunctionKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PostgresFunctionKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Backup_WhenTheDatabaseCannotBeUsed_ShouldNameTheProblemAndListNoBackup()
    {
        // Arrange: one secret per problem.
        _kit.Secrets.Put("unknown-db", PostgresFunctionKit.SecretFor("dr_no_such_database"));
        _kit.Secrets.Put("wrong-password", PostgresFunctionKit.SecretFor(_kit.SourceDatabase, password: "not-the-password"));
        _kit.Secrets.Put("unreachable", PostgresFunctionKit.SecretFor(_kit.SourceDatabase, port: 1));
        _kit.Secrets.Put("not-json", "user=postgres password=x");

        // Act
        var unknown = await Assert.ThrowsAsync<DatabaseNotFoundException>(
            () => _kit.InvokeAsync(_kit.Backup(), """{"database": {"secretId": "unknown-db"}}"""));
        var password = await Assert.ThrowsAsync<DatabaseAuthenticationException>(
            () => _kit.InvokeAsync(_kit.Backup(), """{"database": {"secretId": "wrong-password"}}"""));
        var unreachable = await Assert.ThrowsAsync<DatabaseUnreachableException>(
            () => _kit.InvokeAsync(_kit.Backup(), """{"database": {"secretId": "unreachable"}}"""));
        var noSecret = await Assert.ThrowsAsync<SecretNotFoundException>(() => _kit.InvokeAsync(_kit.Backup(), """{"database": {"secretId": "missing"}}"""));
        var notJson = await Assert.ThrowsAsync<SecretFormatException>(() => _kit.InvokeAsync(_kit.Backup(), """{"database": {"secretId": "not-json"}}"""));

        // Assert
        Assert.Contains("dr_no_such_database", unknown.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", password.Message + _kit.Log, StringComparison.Ordinal);
        Assert.Contains(":1", unreachable.Message, StringComparison.Ordinal);
        Assert.Contains("missing", noSecret.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("password=x", notJson.Message + _kit.Log, StringComparison.Ordinal);
        Assert.Empty(await _kit.Catalog.ListBackupsAsync(BackupEngine.Postgres, PostgresFunctionKit.Source));
        Assert.All(await _kit.AuditRecordsAsync(), r => Assert.Equal("backup:failed", $"{r.Action}:{r.Result}"));
        Assert.Equal(5, (await _kit.AuditRecordsAsync()).Count);
    }

    [Theory]
    [InlineData("""{"retentionTier": "hourly"}""", "retentionTier")]
    [InlineData("""{"workers": 0}""", "workers")]
    [InlineData("""{"backupId": "yesterday"}""", "backupId")]
    [InlineData("""{"database": {"host": "x"}}""", "database.secretId")]
    [InlineData("""{"source": "../etc"}""", "source")]
    [InlineData("""{"contentHashMaxTableMb": -1}""", "contentHashMaxTableMb")]
    public async Task Backup_WhenInputIsBad_ShouldNameTheFieldBeforeDoingAnything(string input, string field)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _kit.InvokeAsync(_kit.Backup(), input));

        Assert.Equal(field, error.Field);
        Assert.Empty(await _kit.AuditRecordsAsync());
    }

    [Theory]
    [InlineData("""{"target": {"secretId": "s"}}""", "target.database")]
    [InlineData("""{"backupId": "20260101T000000Z-abc", "before": "2026-01-01T00:00:00Z", "target": {"secretId": "s", "database": "d"}}""", "before")]
    [InlineData("""{}""", "target")]
    [InlineData("""{"target": {"secretId": "s", "database": "d", "port": 70000}}""", "target.port")]
    public async Task Restore_WhenInputIsBad_ShouldNameTheField(string input, string field)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _kit.InvokeAsync(_kit.Restore(), input));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task Restore_WhenTheBackupIdIsUnknown_ShouldSaySoAndCreateNothing()
    {
        var target = _kit.NewDatabaseName("dr_fn_none");

        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() => _kit.InvokeAsync(_kit.Restore(),
            $$$"""{"backupId": "20260101T000000Z-feedbeef", "target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}"""));

        Assert.Contains("20260101T000000Z-feedbeef", error.Message, StringComparison.Ordinal);
        Assert.False(await PostgresTestServer.DatabaseExistsAsync(target));
    }

    [Fact]
    public async Task Damage_WhenTheStoredDumpRots_ShouldFailVerificationAndStopTheRestoreNamingTheObject()
    {
        // Arrange: a byte of the stored dump flipped on LocalS3's disk (bit rot under a valid version id).
        var backupId = (await _kit.InvokeAsync(_kit.Backup(), "{}")).GetProperty("backupId").GetString()!;
        var manifest = await _kit.Catalog.ReadManifestAsync(BackupEngine.Postgres, PostgresFunctionKit.Source, BackupId.Parse(backupId, "backupId"));
        var dump = manifest.FindObject(PostgresBackupObjects.Dump)!;
        var file = Assert.Single(_kit.S3.DataFilesOf(_kit.BackupBucket, dump.Key));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x5A;
        await File.WriteAllBytesAsync(file, bytes);
        var target = _kit.NewDatabaseName("dr_fn_rot");

        // Act
        var verify = await Assert.ThrowsAsync<BackupVerificationFailedException>(
            () => _kit.InvokeAsync(_kit.Verify(), $$$"""{"backupId": "{{{backupId}}}"}"""));
        var restore = await Assert.ThrowsAsync<ChecksumMismatchException>(() => _kit.InvokeAsync(_kit.Restore(),
            $$$"""{"backupId": "{{{backupId}}}", "target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}"""));

        // Assert
        Assert.Contains("checksum:dump.sql.zst", verify.Message, StringComparison.Ordinal);
        Assert.Null(await _kit.Catalog.FindLatestAsync(BackupEngine.Postgres, PostgresFunctionKit.Source, _kit.S3.Clock.GetUtcNow(), verifiedOnly: true));
        Assert.Equal(PostgresBackupObjects.Dump, restore.ObjectName);
        Assert.False(await PostgresTestServer.DatabaseExistsAsync(target));
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_kit.Log.ToString()));
    }
}
