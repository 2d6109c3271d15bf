using System.Text.Json;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>The daily cycle through the three functions: back up, verify, restore the newest verified backup.</summary>
public sealed class BackupRestoreVerifyTests : IAsyncLifetime
{
    private PostgresFunctionKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PostgresFunctionKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Backup_WhenScheduledWithEmptyInput_ShouldCommitAManifestWithSnapshotCountsAndAnAuditEvent()
    {
        // Act: what the 02:00 UTC schedule sends.
        var result = await _kit.InvokeAsync(_kit.Backup(), "{}");

        // Assert: the manifest records the same snapshot's counts, hashes, WAL position and server version.
        var backupId = result.GetProperty("backupId").GetString()!;
        var manifest = await _kit.Catalog.ReadManifestAsync(BackupEngine.Postgres, PostgresFunctionKit.Source, BackupId.Parse(backupId, "backupId"));
        var contents = manifest.Contents!.ToDictionary(c => c.Name, c => c);
        Assert.Equal(2_000, contents["public.jobs"].Count);
        Assert.Equal(200, contents["public.technicians"].Count);
        Assert.Equal(300, contents["\"Sales\".\"Order Items\""].Count);
        Assert.All(manifest.Contents!, c => Assert.StartsWith("xxh3-sum:", c.ContentHash, StringComparison.Ordinal));
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", ((PostgresConsistencyPoint)manifest.ConsistencyPoint!).Lsn);
        Assert.StartsWith("15.", manifest.ServerVersion, StringComparison.Ordinal);
        Assert.Equal([PostgresBackupObjects.Dump, PostgresBackupObjects.Index], manifest.Objects.Select(o => o.Name).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(RetentionPolicy.TierFor(manifest.StartedAt), manifest.RetentionTier);
        Assert.Equal(4, result.GetProperty("tables").GetInt32());
        var audit = Assert.Single(await _kit.AuditRecordsAsync());
        Assert.Equal(("backup", "succeeded", $"postgres/{PostgresFunctionKit.Source}/{backupId}"), (audit.Action, audit.Result, audit.Resource));
        Assert.DoesNotContain(PostgresTestServer.Server.Password, _kit.Log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_WhenTablesAreOverTheContentHashLimit_ShouldRecordOnlyTheirCountsAndStillVerify()
    {
        // Act: every table with data is over 0 MiB on disk, so none is hashed.
        var result = await _kit.InvokeAsync(_kit.Backup(), """{"contentHashMaxTableMb": 0}""");
        var verified = await _kit.InvokeAsync(_kit.Verify(), "{}");

        // Assert
        var manifest = await _kit.Catalog.ReadManifestAsync(
            BackupEngine.Postgres, PostgresFunctionKit.Source, BackupId.Parse(result.GetProperty("backupId").GetString(), "backupId"));
        var jobs = manifest.Contents!.Single(c => c.Name == "public.jobs");
        Assert.Equal(2_000, jobs.Count);
        Assert.Null(jobs.ContentHash);
        Assert.True(verified.GetProperty("passed").GetBoolean(), verified.ToString());
    }

    [Fact]
    public async Task Restore_WhenOnlyUnverifiedBackupsExist_ShouldRefuseUntilVerifyHasPassed()
    {
        // Arrange
        var backup = await _kit.InvokeAsync(_kit.Backup(), """{"retentionTier": "weekly"}""");
        var backupId = backup.GetProperty("backupId").GetString()!;
        var target = _kit.NewDatabaseName("dr_fn_tgt");
        var restoreInput = $$$"""{"target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}""";

        // Act 1: the newest verified backup is wanted, and there is none yet.
        var refused = await Assert.ThrowsAsync<BackupNotFoundException>(() => _kit.InvokeAsync(_kit.Restore(), restoreInput));
        var targetExistsAfterRefusal = await PostgresTestServer.DatabaseExistsAsync(target);

        // Act 2: the daily verification, then the same restore.
        var verified = await _kit.InvokeAsync(_kit.Verify(), "{}");
        var restored = await _kit.InvokeAsync(_kit.Restore(), restoreInput);

        // Assert
        Assert.Contains("no verified PostgreSQL backup", refused.Message, StringComparison.Ordinal);
        Assert.False(targetExistsAfterRefusal);
        Assert.True(verified.GetProperty("passed").GetBoolean());
        Assert.Equal(backupId, verified.GetProperty("backupId").GetString());
        var checkNames = verified.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("checksum:dump.sql.zst", checkNames);
        Assert.Contains("table-contents", checkNames);
        Assert.Contains("restore", checkNames);
        Assert.NotNull(await _kit.Catalog.FindLatestAsync(BackupEngine.Postgres, PostgresFunctionKit.Source, _kit.S3.Clock.GetUtcNow(), verifiedOnly: true));
        Assert.Equal(backupId, restored.GetProperty("backupId").GetString());
        Assert.Equal(await PostgresTestServer.SchemaAsync(_kit.SourceDatabase), await PostgresTestServer.SchemaAsync(target));
        Assert.Equal(await PostgresTestServer.DataAsync(_kit.SourceDatabase), await PostgresTestServer.DataAsync(target));
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(_kit.Log.ToString()));
        Assert.Equal(["backup:succeeded", "restore:failed", "verification:succeeded", "restore:succeeded"],
            (await _kit.AuditRecordsAsync()).Select(r => $"{r.Action}:{r.Result}"));
    }

    [Fact]
    public async Task Restore_WhenTargetHasTables_ShouldRefuseAndLeaveItAloneUnlessReplaceIsSet()
    {
        // Arrange: production itself as the target.
        var backupId = (await _kit.InvokeAsync(_kit.Backup(), "{}")).GetProperty("backupId").GetString()!;
        await PostgresTestServer.ExecuteAsync(_kit.SourceDatabase, "DELETE FROM jobs WHERE id <= 500");
        var input = $$$"""
            {"backupId": "{{{backupId}}}",
             "target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{_kit.SourceDatabase}}}"}}
            """;

        // Act
        var refused = await Assert.ThrowsAsync<RestoreTargetNotEmptyException>(() => _kit.InvokeAsync(_kit.Restore(), input));
        var rowsAfterRefusal = await PostgresTestServer.ScalarAsync<long>(_kit.SourceDatabase, "SELECT count(*) FROM jobs");
        var replaced = await _kit.InvokeAsync(_kit.Restore(), input.Replace("\"target\"", "\"replace\": true, \"target\"", StringComparison.Ordinal));

        // Assert
        Assert.Contains("It was not touched", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1_500, rowsAfterRefusal);
        Assert.True(replaced.GetProperty("replacedExisting").GetBoolean());
        Assert.Equal(2_000, await PostgresTestServer.ScalarAsync<long>(_kit.SourceDatabase, "SELECT count(*) FROM jobs"));
    }

    [Fact]
    public async Task Verify_WhenARestoredDatabaseDiffersFromItsBackup_ShouldFailNamingTheTable()
    {
        // Arrange: a restore, then a change the backup does not have.
        var backupId = (await _kit.InvokeAsync(_kit.Backup(), "{}")).GetProperty("backupId").GetString()!;
        var target = _kit.NewDatabaseName("dr_fn_chk");
        await _kit.InvokeAsync(_kit.Restore(), $$$"""
            {"backupId": "{{{backupId}}}", "target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}
            """);
        var check = $$$"""{"backupId": "{{{backupId}}}", "database": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}""";
        var passed = await _kit.InvokeAsync(_kit.Verify(), check);
        await PostgresTestServer.ExecuteAsync(target, "UPDATE technicians SET name = 'changed' WHERE id = 7");

        // Act
        var failed = await Assert.ThrowsAsync<BackupVerificationFailedException>(() => _kit.InvokeAsync(_kit.Verify(), check));

        // Assert
        Assert.Equal("restored-database", passed.GetProperty("mode").GetString());
        Assert.True(passed.GetProperty("passed").GetBoolean());
        Assert.Contains("table-contents", failed.Message, StringComparison.Ordinal);
        Assert.Contains("public.technicians", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("public.jobs:", failed.Message, StringComparison.Ordinal);
    }
}
