using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

/// <summary>
/// The backup bucket's lifecycle, read from template.yaml, run by LocalS3 on its fake clock against backups the catalog
/// wrote: old weekly and monthly backups must stay readable (issue 11 §2 item 6), and every tier must expire on time.
/// </summary>
public sealed class TierLifecycleTests : IAsyncLifetime
{
    private const string BackupBucket = "BackupBucket";
    private const int DumpBytes = 300_000;
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Read_WhenAMonthlyBackupIsSixtyDaysOldUnderTheTemplatesLifecycle_ShouldBeInGlacierInstantRetrievalAndReadAndVerify()
    {
        // Arrange
        var (catalog, bucket) = await CatalogWithTemplateLifecycleAsync(TemplateLifecycle.Of(BackupBucket, string.Empty));
        var dump = CatalogTestKit.Bytes(DumpBytes, seed: 60);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(tier: RetentionTier.Monthly),
            ("dump.sql", dump, Compression.Zstd), ("dump.index.json", CatalogTestKit.Sql(5), Compression.None));

        // Act
        _s3.Clock.Advance(TimeSpan.FromDays(60));
        var dumpClass = await StorageClassAsync(bucket, manifest.FindObject("dump.sql")!);
        var indexClass = await StorageClassAsync(bucket, manifest.FindObject("dump.index.json")!);
        var entry = await catalog.FindLatestAsync(BackupEngine.Postgres, CatalogTestKit.Source, _s3.Clock.GetUtcNow(), verifiedOnly: false);
        var found = await catalog.ReadManifestAsync(entry!);
        var read = await CatalogTestKit.ReadAllAsync(catalog.OpenReader(found), "dump.sql");
        var checks = await catalog.OpenReader(found).VerifyAllObjectsAsync();

        // Assert: the large object moved; objects under 128 KB (here the index, and the manifest) stay where they were.
        Assert.Equal("GLACIER_IR", dumpClass);
        Assert.Equal("STANDARD_IA", indexClass);
        Assert.Equal(manifest.BackupId, found.BackupId);
        Assert.Equal(dump, read);
        Assert.All(checks, check => Assert.True(check.Passed, check.Detail));
        Assert.Equal(2, checks.Count);
    }

    [Fact]
    public async Task Read_WhenTheLifecycleMovesMonthlyBackupsToGlacierAsBeforeIssue11_ShouldFailWithInvalidObjectState()
    {
        // Arrange: the template's rules with the storage class the bucket had before (GLACIER, Flexible Retrieval).
        var before = TemplateLifecycle.Of(BackupBucket, string.Empty);
        foreach (var transition in before.Configuration.Rules.SelectMany(rule => rule.Transitions ?? []))
        {
            transition.StorageClass = S3StorageClass.Glacier;
        }

        var (catalog, bucket) = await CatalogWithTemplateLifecycleAsync(before);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(tier: RetentionTier.Monthly),
            ("dump.sql", CatalogTestKit.Bytes(DumpBytes, seed: 61), Compression.Zstd));
        var reader = catalog.OpenReader(manifest);

        // Act
        _s3.Clock.Advance(TimeSpan.FromDays(60));
        var dumpClass = await StorageClassAsync(bucket, manifest.FindObject("dump.sql")!);
        var failure = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => reader.OpenObjectAsync("dump.sql"));
        var verification = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => reader.VerifyAllObjectsAsync());

        // Assert
        Assert.Equal("GLACIER", dumpClass);
        Assert.Equal("InvalidObjectState", failure.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, failure.StatusCode);
        Assert.Equal("InvalidObjectState", verification.ErrorCode);
    }

    [Fact]
    public async Task Lifecycle_WhenTheTemplatesRulesRun_ShouldExpireEachTierTheDayAfterItsRetentionEnds()
    {
        // Arrange: one backup of each tier, started together.
        var (catalog, _) = await CatalogWithTemplateLifecycleAsync(TemplateLifecycle.Of(BackupBucket, string.Empty));
        foreach (var tier in new[] { RetentionTier.Daily, RetentionTier.Weekly, RetentionTier.Monthly })
        {
            await CatalogTestKit.WriteBackupAsync(
                catalog, CatalogTestKit.Request(tier: tier), ("dump.sql", CatalogTestKit.Bytes(DumpBytes, seed: (int)tier), Compression.Zstd));
        }

        // Act: S3 runs lifecycle at midnight UTC, counting from the creation time rounded up to the next midnight.
        var start = _s3.Clock.GetUtcNow();
        var tiersAt = new Dictionary<int, List<RetentionTier>>();
        foreach (var day in new[] { 31, 32, 91, 92, 366, 367 })
        {
            _s3.Clock.SetUtcNow(start.AddDays(day));
            tiersAt[day] = [.. (await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source)).Select(entry => entry.RetentionTier).Order()];
        }

        // Assert: plan §1.1 retention (30 d / 90 d / 1 y); each expires at the first run after its Object Lock ends.
        Assert.Equal([RetentionTier.Daily, RetentionTier.Weekly, RetentionTier.Monthly], tiersAt[31]);
        Assert.Equal([RetentionTier.Weekly, RetentionTier.Monthly], tiersAt[32]);
        Assert.Equal([RetentionTier.Weekly, RetentionTier.Monthly], tiersAt[91]);
        Assert.Equal([RetentionTier.Monthly], tiersAt[92]);
        Assert.Equal([RetentionTier.Monthly], tiersAt[366]);
        Assert.Empty(tiersAt[367]);
    }

    /// <summary>An Object Lock bucket with the given lifecycle, as the stack deploys BackupBucket.</summary>
    private async Task<(BackupCatalog Catalog, string Bucket)> CatalogWithTemplateLifecycleAsync(PutLifecycleConfigurationRequest lifecycle)
    {
        var bucket = await _s3.CreateBucketAsync(objectLock: true);
        lifecycle.BucketName = bucket;
        await _s3.Client.PutLifecycleConfigurationAsync(lifecycle);
        return (CatalogTestKit.Catalog(_s3, bucket), bucket);
    }

    /// <summary>The storage class HeadObject reports for the manifest's version of an object.</summary>
    private async Task<string> StorageClassAsync(string bucket, BackupObject entry)
    {
        var head = await _s3.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = entry.Key, VersionId = entry.VersionId });
        return head.StorageClass?.Value ?? "STANDARD";
    }
}
