using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

public sealed class IntegrityTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task OpenObject_WhenAStoredByteIsFlipped_ShouldThrowChecksumMismatchNamingTheObjectAtTheEnd()
    {
        // Arrange: an unversioned bucket, so overwriting the key replaces what the manifest points at.
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var data = CatalogTestKit.Bytes(300_000, 3);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.bin", data, Compression.None));
        var key = manifest.FindObject("dump.bin")!.Key;
        var tampered = (byte[])data.Clone();
        tampered[150_000] ^= 0x01;
        await _s3.PutBytesAsync(bucket, key, tampered);

        // Act
        await using var stream = await catalog.OpenReader(manifest).OpenObjectAsync("dump.bin");
        var buffer = new byte[64 * 1024];
        long readBeforeError = 0;
        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(async () =>
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                readBeforeError += read;
            }
        });

        // Assert
        Assert.Equal("dump.bin", error.ObjectName);
        Assert.Equal(manifest.BackupId.Value, error.BackupId);
        Assert.Equal(key, error.Key);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Equal(data.Length, readBeforeError); // every byte was delivered; the verdict came with the end
        Assert.False(stream.Verified);
    }

    [Fact]
    public async Task OpenObject_WhenTheStoredFileIsDamagedOnDisk_ShouldThrowChecksumMismatch()
    {
        // Arrange: versioned bucket, so the reader pins the manifest's version; damage that version's bytes.
        var bucket = await _s3.CreateBucketAsync(versioned: true);
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(20_000), Compression.Zstd));
        var entry = manifest.FindObject("dump.sql")!;
        Assert.NotNull(entry.VersionId);
        var file = Assert.Single(_s3.DataFilesOf(bucket, entry.Key));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(file, bytes);

        // Act
        var error = await Assert.ThrowsAsync<ChecksumMismatchException>(() => catalog.OpenReader(manifest).VerifyObjectAsync("dump.sql"));

        // Assert
        Assert.Equal("dump.sql", error.ObjectName);
        Assert.Equal(manifest.BackupId.Value, error.BackupId);
    }

    [Fact]
    public async Task VerifyAllObjects_WhenOneObjectIsDamaged_ShouldReportItAsAFailedCheck()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(),
            ("good.sql", CatalogTestKit.Sql(100), Compression.Gzip),
            ("bad.bin", CatalogTestKit.Bytes(10_000, 9), Compression.None));
        var truncated = CatalogTestKit.Bytes(10_000, 9)[..9_999];
        await _s3.PutBytesAsync(bucket, manifest.FindObject("bad.bin")!.Key, truncated);

        // Act
        var checks = await catalog.OpenReader(manifest).VerifyAllObjectsAsync();

        // Assert
        Assert.Collection(
            checks,
            good => Assert.True(good.Passed, good.Detail),
            bad =>
            {
                Assert.False(bad.Passed);
                Assert.Equal("checksum:bad.bin", bad.Name);
                Assert.Contains("size", bad.Detail, StringComparison.Ordinal);
            });
    }
}
