using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

public sealed class BackupRoundTripTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task WriteAndRead_WhenObjectsUseEachCompression_ShouldReturnTheSameBytesVerified()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var plain = CatalogTestKit.Bytes(100_000, 1);
        var sql = CatalogTestKit.Sql(5_000);
        var empty = Array.Empty<byte>();

        // Act
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(),
            ("plain.bin", plain, Compression.None),
            ("dump.sql", sql, Compression.Zstd),
            ("schema/roles.sql", sql, Compression.Gzip),
            ("empty.bin", empty, Compression.None));
        var reader = catalog.OpenReader(await catalog.ReadManifestAsync(BackupEngine.Postgres, CatalogTestKit.Source, manifest.BackupId));

        // Assert
        Assert.Equal(plain, await CatalogTestKit.ReadAllAsync(reader, "plain.bin"));
        Assert.Equal(sql, await CatalogTestKit.ReadAllAsync(reader, "dump.sql"));
        Assert.Equal(sql, await CatalogTestKit.ReadAllAsync(reader, "schema/roles.sql"));
        Assert.Empty(await CatalogTestKit.ReadAllAsync(reader, "empty.bin"));
        var zstd = manifest.FindObject("dump.sql")!;
        Assert.Equal(sql.Length, zstd.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sql)), zstd.Sha256);
        Assert.True(zstd.StoredSize < zstd.Size / 5, $"zstd stored {zstd.StoredSize} of {zstd.Size} bytes");
        Assert.Equal(Compression.Zstd, zstd.Compression);
        Assert.Equal(manifest.Objects.Select(o => o.Name), reader.Manifest.Objects.Select(o => o.Name));
    }

    [Fact]
    public async Task WriteAndRead_When40MiBObjectIsStreamed_ShouldUploadPartsAsDataArrivesAndVerifyOnRead()
    {
        // Arrange
        const long size = 40L * 1024 * 1024;
        var bucket = await _s3.CreateBucketAsync();
        var source = new DeterministicStream(7, size);
        var sourcePositionAtPart = new List<(int Part, long SourcePosition)>();
        var catalog = CatalogTestKit.Catalog(_s3, bucket, partUploaded: part =>
        {
            lock (sourcePositionAtPart)
            {
                sourcePositionAtPart.Add((part.PartNumber, source.Position));
            }
        });
        string expectedSha;
        using (var hash = SHA256.Create())
        {
            expectedSha = Convert.ToHexStringLower(await hash.ComputeHashAsync(new DeterministicStream(7, size)));
        }

        // Act
        BackupManifest manifest;
        await using (var backup = await catalog.BeginBackupAsync(CatalogTestKit.Request()))
        {
            await backup.WriteObjectAsync("base.tar", source);
            manifest = (await backup.CommitAsync()).Manifest;
        }

        string readSha;
        long readBytes;
        await using (var stream = await catalog.OpenReader(manifest).OpenObjectAsync("base.tar"))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[1024 * 1024];
            int read;
            readBytes = 0;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                readBytes += read;
            }

            readSha = Convert.ToHexStringLower(hash.GetHashAndReset());
            Assert.True(stream.Verified);
        }

        // Assert
        var entry = manifest.FindObject("base.tar")!;
        Assert.Equal(5, entry.PartCount); // 40 MiB in 8 MiB parts
        Assert.Equal(size, entry.Size);
        Assert.Equal(expectedSha, entry.Sha256);
        Assert.Equal(size, readBytes);
        Assert.Equal(expectedSha, readSha);
        Assert.Contains(sourcePositionAtPart, p => p.Part == 1 && p.SourcePosition < size); // uploaded before the source was drained
        var tags = await _s3.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = entry.Key });
        Assert.Contains(tags.Tagging, t => t.Key == "retention-tier" && t.Value == "daily");
    }

    [Fact]
    public async Task Write_WhenStoring_ShouldUseStandardIaForDataAndStandardForCatalogObjects()
    {
        // Arrange: LocalS3 does not keep storage classes, so the requests themselves are inspected.
        var bucket = await _s3.CreateBucketAsync();
        using var client = _s3.CreateClient();
        var sent = new List<Amazon.Runtime.AmazonWebServiceRequest>();
        client.BeforeRequestEvent += (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs web)
            {
                lock (sent)
                {
                    sent.Add(web.Request);
                }
            }
        };
        var catalog = CatalogTestKit.Catalog(_s3, bucket, client);

        // Act
        await using (var backup = await catalog.BeginBackupAsync(CatalogTestKit.Request()))
        {
            await backup.WriteObjectAsync("small.sql", new MemoryStream(CatalogTestKit.Sql(3)));
            await backup.WriteObjectAsync("large.bin", new DeterministicStream(1, 9 * 1024 * 1024));
            await backup.CommitAsync();
        }

        // Assert
        var puts = sent.OfType<PutObjectRequest>().ToList();
        var small = puts.Single(p => p.Key.EndsWith("/data/small.sql", StringComparison.Ordinal));
        Assert.Equal(Amazon.S3.S3StorageClass.StandardInfrequentAccess, small.StorageClass);
        Assert.Equal(Amazon.S3.S3StorageClass.StandardInfrequentAccess, sent.OfType<InitiateMultipartUploadRequest>().Single().StorageClass);
        Assert.Equal(Amazon.S3.S3StorageClass.Standard, puts.Single(p => p.Key.EndsWith("/manifest.json", StringComparison.Ordinal)).StorageClass);
        Assert.Equal(Amazon.S3.S3StorageClass.Standard, puts.Single(p => p.Key.StartsWith("catalog/", StringComparison.Ordinal)).StorageClass);
        Assert.All(puts, p => Assert.Equal("*", p.IfNoneMatch));
        Assert.Equal("*", sent.OfType<CompleteMultipartUploadRequest>().Single().IfNoneMatch);
        Assert.All(puts, p => Assert.Equal(Amazon.S3.ServerSideEncryptionMethod.AES256, p.ServerSideEncryptionMethod));
    }

    [Fact]
    public async Task Commit_WhenCommitted_ShouldStoreCamelCaseManifestV1WithTagsAndIndexEntry()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);

        // Act
        var manifest = await CatalogTestKit.WriteBackupAsync(
            catalog, CatalogTestKit.Request(tier: RetentionTier.Weekly), ("dump.sql", CatalogTestKit.Sql(10), Compression.Zstd));

        // Assert
        var id = manifest.BackupId;
        var folder = $"backups/postgres/{CatalogTestKit.Source}/{id.StartedAt:yyyy}/{id.StartedAt:MM}/{id.StartedAt:dd}/{manifest.BackupId}/";
        var keys = await _s3.ListKeysAsync(bucket);
        Assert.Contains(folder + "manifest.json", keys);
        Assert.Contains(folder + "data/dump.sql", keys);
        Assert.Single(keys, k => k.StartsWith($"catalog/postgres/{CatalogTestKit.Source}/committed/", StringComparison.Ordinal)
            && k.Contains(manifest.BackupId.Value, StringComparison.Ordinal));

        using var json = JsonDocument.Parse(await _s3.GetBytesAsync(bucket, folder + "manifest.json"));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("postgres", root.GetProperty("engine").GetString());
        Assert.Equal("full", root.GetProperty("kind").GetString());
        Assert.Equal("weekly", root.GetProperty("retentionTier").GetString());
        Assert.Equal("SSE-S3", root.GetProperty("encryption").GetProperty("mode").GetString());
        Assert.Equal("postgres", root.GetProperty("consistencyPoint").GetProperty("type").GetString());
        Assert.Equal("0/3000060", root.GetProperty("consistencyPoint").GetProperty("lsn").GetString());
        Assert.Equal("zstd", root.GetProperty("objects")[0].GetProperty("compression").GetString());
        Assert.Equal(42, root.GetProperty("contents")[0].GetProperty("count").GetInt64());

        foreach (var key in new[] { folder + "manifest.json", folder + "data/dump.sql" })
        {
            var tags = await _s3.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key });
            Assert.Contains(tags.Tagging, t => t.Key == "retention-tier" && t.Value == "weekly");
        }
    }

    [Fact]
    public async Task OpenObject_WhenNameNotInManifest_ShouldThrowBackupNotFound()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(10), Compression.None));

        // Act
        var error = await Assert.ThrowsAsync<Core.BackupNotFoundException>(() => catalog.OpenReader(manifest).OpenObjectAsync("other.sql"));

        // Assert
        Assert.Contains("other.sql", error.Message, StringComparison.Ordinal);
    }
}
