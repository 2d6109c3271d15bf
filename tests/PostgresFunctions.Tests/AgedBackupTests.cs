using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>
/// Issue 11 §2 item 6: a backup older than 30 days must still restore. The backup bucket gets template.yaml's own
/// lifecycle rules, LocalS3 runs them as its clock passes each midnight, and the three functions run against real
/// PostgreSQL: a monthly backup 60 days old is verified and restored from S3 Glacier Instant Retrieval.
/// </summary>
public sealed class AgedBackupTests : IAsyncLifetime
{
    private PostgresFunctionKit _kit = null!;

    // Enough rows that the compressed dump is over 128 KB: smaller objects are never transitioned.
    public async Task InitializeAsync() => _kit = await PostgresFunctionKit.CreateAsync(bulkRows: 20_000);

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task VerifyAndRestore_WhenAMonthlyBackupIsSixtyDaysOld_ShouldReadItFromGlacierInstantRetrievalAndRestoreIt()
    {
        // Arrange: the bucket's lifecycle as the stack deploys it, and a monthly backup.
        var lifecycle = TemplateLifecycle.Of("BackupBucket", _kit.BackupBucket);
        await _kit.S3.Client.PutLifecycleConfigurationAsync(lifecycle);
        var backupId = (await _kit.InvokeAsync(_kit.Backup(), """{"retentionTier": "monthly"}""")).GetProperty("backupId").GetString()!;
        var manifest = await _kit.Catalog.ReadManifestAsync(BackupEngine.Postgres, PostgresFunctionKit.Source, BackupId.Parse(backupId, "backupId"));
        var dump = manifest.FindObject(PostgresBackupObjects.Dump)!;
        var target = _kit.NewDatabaseName("dr_fn_aged");

        // Act: 60 days later (60 lifecycle runs), the daily verification, then a restore of the newest verified backup.
        _kit.S3.Clock.Advance(TimeSpan.FromDays(60));
        var head = await _kit.S3.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = _kit.BackupBucket, Key = dump.Key, VersionId = dump.VersionId,
        });
        var verified = await _kit.InvokeAsync(_kit.Verify(), $$"""{"backupId": "{{backupId}}"}""");
        var restored = await _kit.InvokeAsync(_kit.Restore(), $$$"""
            {"target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}
            """);

        // Assert
        Assert.True(dump.StoredSize > 128 * 1024, $"the dump is {dump.StoredSize} bytes: too small for lifecycle to move it");
        Assert.Equal("GLACIER_IR", head.StorageClass?.Value);
        Assert.True(verified.GetProperty("passed").GetBoolean(), verified.ToString());
        Assert.Equal(backupId, restored.GetProperty("backupId").GetString());
        Assert.Equal(await PostgresTestServer.DataAsync(_kit.SourceDatabase), await PostgresTestServer.DataAsync(target));
        Assert.Equal(["backup:succeeded", "verification:succeeded", "restore:succeeded"],
            (await _kit.AuditRecordsAsync()).Select(r => $"{r.Action}:{r.Result}"));
    }
}
