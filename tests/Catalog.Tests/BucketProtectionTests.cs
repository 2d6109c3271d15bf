using DisasterRecovery.Core;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

/// <summary>No silent loss of immutability: a backup into a bucket without versioning or Object Lock is refused unless allowed.</summary>
public sealed class BucketProtectionTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task BeginBackup_WhenTheBucketHasNeitherVersioningNorObjectLock_ShouldRefuseNamingTheBucketAndBothSettings()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = new BackupCatalog(_s3.Client, new BackupCatalogOptions { Bucket = bucket }, _s3.Clock);

        // Act
        var error = await Assert.ThrowsAsync<BucketNotProtectedException>(() => catalog.BeginBackupAsync(CatalogTestKit.Request()));

        // Assert
        Assert.Contains($"bucket '{bucket}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("VersioningConfiguration.Status", error.Message, StringComparison.Ordinal);
        Assert.Contains("ObjectLockEnabled", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowUnprotectedBackups", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _s3.ListVersionsAsync(bucket));
    }

    [Fact]
    public async Task BeginBackup_WhenTheBucketIsVersionedWithoutObjectLock_ShouldRefuseNamingObjectLockOnly()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(versioned: true);
        var catalog = new BackupCatalog(_s3.Client, new BackupCatalogOptions { Bucket = bucket }, _s3.Clock);

        // Act
        var error = await Assert.ThrowsAsync<BucketNotProtectedException>(() => catalog.BeginBackupAsync(CatalogTestKit.Request()));

        // Assert
        Assert.Contains("Object Lock is not enabled (ObjectLockEnabled)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("VersioningConfiguration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginBackup_WhenUnprotectedBackupsAreAllowed_ShouldWriteTheBackupWithoutRetention()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = new BackupCatalog(_s3.Client, new BackupCatalogOptions { Bucket = bucket, AllowUnprotectedBackups = true }, _s3.Clock);

        // Act
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));

        // Assert
        Assert.Null(manifest.RetainUntil);
        Assert.NotEmpty(await _s3.ListKeysAsync(bucket));
    }

    [Fact]
    public async Task BeginBackup_WhenTheBucketHasObjectLock_ShouldWriteWithoutBeingAllowedAnything()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(objectLock: true);
        var catalog = new BackupCatalog(_s3.Client, new BackupCatalogOptions { Bucket = bucket }, _s3.Clock);

        // Act
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));

        // Assert
        Assert.NotNull(manifest.RetainUntil);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("true", true)]
    public void AllowedBy_WhenTheVariableIsTrueFalseOrAbsent_ShouldReadIt(string? value, bool expected)
    {
        var environment = value is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [BucketProtection.AllowVariable] = value };

        Assert.Equal(expected, BucketProtection.AllowedBy(environment));
    }

    [Fact]
    public void AllowedBy_WhenTheVariableIsNeitherTrueNorFalse_ShouldNameIt()
    {
        var environment = new Dictionary<string, string> { [BucketProtection.AllowVariable] = "yes" };

        var error = Assert.Throws<FunctionConfigurationException>(() => BucketProtection.AllowedBy(environment));

        Assert.Contains("ALLOW_UNPROTECTED_BACKUPS", error.Message, StringComparison.Ordinal);
    }
}
