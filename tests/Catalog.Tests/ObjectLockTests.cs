using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

public sealed class ObjectLockTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Commit_WhenBucketHasObjectLock_ShouldRetainEveryObjectForItsTier()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(objectLock: true);
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var started = _s3.Clock.GetUtcNow();

        // Act
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(tier: RetentionTier.Weekly),
            ("dump.sql", CatalogTestKit.Sql(10), Compression.Zstd));

        // Assert
        Assert.Equal(RetentionPolicy.RetainUntil(RetentionTier.Weekly, started), manifest.RetainUntil);
        Assert.True(manifest.RetainUntil > started.AddDays(90).AddSeconds(-1));
        Assert.Equal("COMPLIANCE", manifest.LockMode);
        foreach (var key in await _s3.ListKeysAsync(bucket))
        {
            var head = await _s3.Client.GetObjectMetadataAsync(bucket, key);
            Assert.Equal(ObjectLockMode.Compliance, head.ObjectLockMode);
            Assert.True(head.ObjectLockRetainUntilDate > started.UtcDateTime.AddDays(89), key);
        }
    }

    [Fact]
    public async Task DeleteBackup_WhenTheBackupIsLocked_ShouldThrowLockedAndDeleteNothing()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(objectLock: true);
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(tier: RetentionTier.Daily),
            ("dump.sql", CatalogTestKit.Sql(10), Compression.None));
        var before = await _s3.ListVersionsAsync(bucket);
        _s3.Clock.Advance(TimeSpan.FromDays(29));

        // Act
        var error = await Assert.ThrowsAsync<BackupLockedException>(() =>
            catalog.DeleteBackupAsync(BackupEngine.Postgres, CatalogTestKit.Source, manifest.BackupId));

        // Assert
        Assert.Equal(manifest.BackupId.Value, error.BackupId);
        Assert.Equal("COMPLIANCE", error.Mode);
        Assert.Equal(manifest.RetainUntil, error.RetainUntil);
        Assert.EndsWith("manifest.json", error.Key, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListVersionsAsync(bucket));
        Assert.Single(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source));
    }

    [Fact]
    public async Task DeleteBackup_WhenRetentionHasEnded_ShouldRemoveEveryVersionAndUnlistIt()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(objectLock: true);
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var kept = await CatalogTestKit.WriteBackupAsync(
            catalog, CatalogTestKit.Request(source: "kept"), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(10), Compression.None));
        await catalog.RecordVerificationAsync(manifest, new BackupVerification
        {
            BackupId = manifest.BackupId, Passed = true, Checks = [], VerifiedBy = "test", VerifiedAt = _s3.Clock.GetUtcNow(),
        });
        _s3.Clock.Advance(TimeSpan.FromDays(31));

        // Act
        var deletion = await catalog.DeleteBackupAsync(BackupEngine.Postgres, CatalogTestKit.Source, manifest.BackupId);

        // Assert
        Assert.Equal(5, deletion.DeletedVersions); // data, manifest, verification, committed and verified index entries
        Assert.Empty(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source));
        Assert.Empty(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source, verifiedOnly: true));
        Assert.DoesNotContain(await _s3.ListVersionsAsync(bucket), v => v.Contains(manifest.BackupId.Value, StringComparison.Ordinal));
        Assert.Single(await catalog.ListBackupsAsync(BackupEngine.Postgres, "kept"));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => catalog.ReadManifestAsync(BackupEngine.Postgres, CatalogTestKit.Source, manifest.BackupId));
        Assert.NotNull(kept);
    }

    [Fact]
    public async Task DeleteBackup_WhenTheBucketHasNoObjectLock_ShouldDeleteEverythingAtOnce()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(
            catalog, CatalogTestKit.Request(), ("a.sql", CatalogTestKit.Sql(3), Compression.None), ("b.sql", CatalogTestKit.Sql(3), Compression.Gzip));

        // Act
        var deletion = await catalog.DeleteBackupAsync(BackupEngine.Postgres, CatalogTestKit.Source, manifest.BackupId);

        // Assert
        Assert.Equal(4, deletion.DeletedVersions); // two objects, the manifest, the committed index entry
        Assert.Empty(await _s3.ListVersionsAsync(bucket));
    }

    [Fact]
    public async Task DeleteBackup_WhenTheBackupDoesNotExist_ShouldThrowBackupNotFound()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);

        // Act
        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() =>
            catalog.DeleteBackupAsync(BackupEngine.Postgres, CatalogTestKit.Source, BackupId.Parse("20250101T000000Z-deadbeef", "backupId")));

        // Assert
        Assert.Contains("20250101T000000Z-deadbeef", error.Message, StringComparison.Ordinal);
    }
}
