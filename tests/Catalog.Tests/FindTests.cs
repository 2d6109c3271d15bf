using Amazon.Runtime;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

public sealed class FindTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task FindLatest_WhenNewerBackupsAreUnverified_ShouldPickTheNewestVerifiedAtOrBeforeTWithOneListing()
    {
        // Arrange: four backups an hour apart; 1 and 3 verified, 2 failed verification, 4 not verified.
        var bucket = await _s3.CreateBucketAsync();
        using var client = _s3.CreateClient();
        var requests = new List<string>();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is WebServiceRequestEventArgs web)
            {
                lock (requests)
                {
                    requests.Add(web.Request.GetType().Name);
                }
            }
        };
        var catalog = CatalogTestKit.Catalog(_s3, bucket, client);
        var backups = new List<BackupManifest>();
        for (var i = 0; i < 4; i++)
        {
            _s3.Clock.Advance(TimeSpan.FromHours(1));
            backups.Add(await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(10 + i), Compression.Zstd)));
        }

        await RecordAsync(catalog, backups[0], passed: true);
        await RecordAsync(catalog, backups[1], passed: false);
        await RecordAsync(catalog, backups[2], passed: true);
        var now = _s3.Clock.GetUtcNow();

        // Act
        lock (requests)
        {
            requests.Clear();
        }

        var latestVerified = await catalog.FindLatestAsync(BackupEngine.Postgres, CatalogTestKit.Source, now, verifiedOnly: true);
        string[] requestsOfOneFind;
        lock (requests)
        {
            requestsOfOneFind = [.. requests];
        }

        var verifiedBeforeThird = await catalog.FindLatestAsync(
            BackupEngine.Postgres, CatalogTestKit.Source, backups[2].CompletedAt.AddTicks(-1), verifiedOnly: true);
        var verifiedAtThird = await catalog.FindLatestAsync(BackupEngine.Postgres, CatalogTestKit.Source, backups[2].CompletedAt, verifiedOnly: true);
        var beforeAll = await catalog.FindLatestAsync(BackupEngine.Postgres, CatalogTestKit.Source, backups[0].CompletedAt.AddMinutes(-1), verifiedOnly: true);
        var latestAny = await catalog.FindLatestAsync(BackupEngine.Postgres, CatalogTestKit.Source, now, verifiedOnly: false);

        // Assert
        Assert.Equal(backups[2].BackupId, latestVerified?.BackupId);
        Assert.True(latestVerified!.Verified);
        Assert.Equal(backups[2].CompletedAt, latestVerified.CompletedAt);
        Assert.Equal(["ListObjectsV2Request"], requestsOfOneFind);
        Assert.Equal(backups[0].BackupId, verifiedBeforeThird?.BackupId);
        Assert.Equal(backups[2].BackupId, verifiedAtThird?.BackupId);
        Assert.Null(beforeAll);
        Assert.Equal(backups[3].BackupId, latestAny?.BackupId);
    }

    [Fact]
    public async Task ListBackups_WhenARangeIsGiven_ShouldReturnThoseInRangeNewestFirst()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var backups = new List<BackupManifest>();
        for (var i = 0; i < 5; i++)
        {
            _s3.Clock.Advance(TimeSpan.FromDays(1));
            backups.Add(await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.None)));
        }

        var other = await CatalogTestKit.WriteBackupAsync(
            catalog, CatalogTestKit.Request(source: "technician-marketplace-replica"), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));

        // Act
        var all = await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source);
        var middle = await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source, from: backups[1].CompletedAt, to: backups[3].CompletedAt);

        // Assert
        Assert.Equal(backups.Select(b => b.BackupId).Reverse(), all.Select(b => b.BackupId));
        Assert.Equal([backups[3].BackupId, backups[2].BackupId, backups[1].BackupId], middle.Select(b => b.BackupId));
        Assert.DoesNotContain(all, b => b.BackupId == other.BackupId);
        Assert.All(all, b => Assert.Equal(BackupKind.Full, b.Kind));
    }

    [Fact]
    public async Task RecordVerification_WhenPassed_ShouldStoreTheResultBesideTheManifestAndIndexIt()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.Zstd));
        var checks = await catalog.OpenReader(manifest).VerifyAllObjectsAsync();

        // Act
        var key = await catalog.RecordVerificationAsync(manifest, new BackupVerification
        {
            BackupId = manifest.BackupId,
            Passed = checks.All(c => c.Passed),
            Checks = [.. checks, new VerificationCheck("row-counts", true, "public.technicians 42 = 42")],
            Counts = [new ContentCount("public.technicians", 42)],
            VerifiedBy = "verify-backup execution 1",
            VerifiedAt = _s3.Clock.GetUtcNow(),
        });

        // Assert
        var manifestFolder = manifest.Objects[0].Key[..manifest.Objects[0].Key.IndexOf("data/", StringComparison.Ordinal)];
        Assert.StartsWith(manifestFolder + "verifications/", key, StringComparison.Ordinal);
        var stored = System.Text.Encoding.UTF8.GetString(await _s3.GetBytesAsync(bucket, key));
        Assert.Contains("\"passed\": true", stored, StringComparison.Ordinal);
        Assert.Contains("\"verifiedBy\": \"verify-backup execution 1\"", stored, StringComparison.Ordinal);
        var verified = Assert.Single(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source, verifiedOnly: true));
        Assert.Equal(manifest.BackupId, verified.BackupId);
    }

    [Fact]
    public async Task RecordVerification_WhenTheBackupIsNotCommitted_ShouldThrowNotFoundAndWriteNothing()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));
        var uncommitted = manifest with { BackupId = BackupId.New(_s3.Clock.GetUtcNow().AddHours(1)), Objects = [] };
        var before = await _s3.ListKeysAsync(bucket);

        // Act
        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() => catalog.RecordVerificationAsync(uncommitted, new BackupVerification
        {
            BackupId = uncommitted.BackupId,
            Passed = true,
            Checks = [],
            VerifiedBy = "test",
            VerifiedAt = _s3.Clock.GetUtcNow(),
        }));

        // Assert
        Assert.Contains(uncommitted.BackupId.Value, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListKeysAsync(bucket));
    }

    private async Task RecordAsync(BackupCatalog catalog, BackupManifest manifest, bool passed) =>
        await catalog.RecordVerificationAsync(manifest, new BackupVerification
        {
            BackupId = manifest.BackupId,
            Passed = passed,
            Checks = [new VerificationCheck("test-restore", passed, passed ? null : "row count mismatch")],
            VerifiedBy = "test",
            VerifiedAt = _s3.Clock.GetUtcNow(),
        });
}
