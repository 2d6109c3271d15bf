using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

public sealed class CommitProtocolTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;

    public async Task InitializeAsync() => _s3 = await LocalS3Host.StartAsync();

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task Commit_WhenCommitted_ShouldReturnTheKeysTheManifestAndIndexEntryAreStoredUnder()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync(versioned: true);
        var catalog = CatalogTestKit.Catalog(_s3, bucket);

        // Act
        var committed = await CatalogTestKit.CommitBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(3), Compression.None));

        // Assert
        var listed = Assert.Single(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source));
        Assert.Equal(listed.BackupId, committed.BackupId);
        Assert.Equal(listed.IndexKey, committed.IndexKey);
        Assert.Equal(listed.ManifestKey, committed.ManifestKey);
        Assert.Equal(BackupKeys.Manifest(BackupEngine.Postgres, CatalogTestKit.Source, committed.BackupId), committed.ManifestKey);
        var head = await _s3.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = committed.ManifestKey });
        Assert.Equal(head.VersionId, committed.ManifestVersionId);
        Assert.Equal(ManifestSerializer.Serialize(committed.Manifest), ManifestSerializer.Serialize(await catalog.ReadManifestAsync(listed)));
    }

    [Fact]
    public async Task Commit_WhenProcessKilledBetweenParts_ShouldLeaveNoManifestAndNoListedBackup()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var lines = new BlockingCollection<string>();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RepositoryPaths.BuiltAssembly("tests/Fixtures/BackupWriterProcess", "BackupWriterProcess"));
        info.Environment["FIXTURE_S3_ENDPOINT"] = _s3.Endpoint;
        info.Environment["FIXTURE_BUCKET"] = bucket;
        info.Environment["FIXTURE_SOURCE"] = CatalogTestKit.Source;
        info.Environment["FIXTURE_ACCESS_KEY_ID"] = LocalS3Host.AccessKeyId;
        info.Environment["FIXTURE_SECRET_ACCESS_KEY"] = LocalS3Host.SecretAccessKey;
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lines.Add(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lines.Add("stderr: " + e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Act: kill the writer as soon as its first part is stored.
        var seen = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (!seen.Contains("part-uploaded 1"))
            {
                seen.Add(lines.Take(timeout.Token));
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var listedAfterKill = await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source);
        var latestAfterKill = await catalog.FindLatestAsync(
            BackupEngine.Postgres, CatalogTestKit.Source, _s3.Clock.GetUtcNow().AddDays(1), verifiedOnly: false);
        var keysAfterKill = await _s3.ListKeysAsync(bucket);
        var uploads = await _s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        var fresh = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(100), Compression.Zstd));
        var listedAfterFresh = await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source);

        // Assert
        Assert.Contains(seen, l => l.StartsWith("begun ", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, l => l.StartsWith("committed ", StringComparison.Ordinal));
        Assert.Empty(listedAfterKill);
        Assert.Null(latestAfterKill);
        Assert.DoesNotContain(keysAfterKill, k => k.EndsWith("/manifest.json", StringComparison.Ordinal));
        Assert.DoesNotContain(keysAfterKill, k => k.StartsWith("catalog/", StringComparison.Ordinal));
        Assert.Single(uploads.MultipartUploads); // the killed upload: invisible, removed by the AbortIncompleteMultipartUpload rule
        Assert.Equal([fresh.BackupId], listedAfterFresh.Select(b => b.BackupId));
    }

    [Fact]
    public async Task Commit_WhenRetriedWithTheSameManifest_ShouldSucceedAndKeepOneIndexEntry()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        await using var backup = await catalog.BeginBackupAsync(CatalogTestKit.Request());
        await backup.WriteObjectAsync("dump.sql", new MemoryStream(CatalogTestKit.Sql(50)));
        var first = await backup.CommitAsync();
        var keysAfterFirst = await _s3.ListVersionsAsync(bucket);

        // Act: the writer retried, and a later step committing the same manifest again.
        var again = await backup.CommitAsync();
        var fromElsewhere = await catalog.CommitAsync(first.Manifest);

        // Assert
        Assert.Equal(first, again);
        Assert.Equal(first, fromElsewhere);
        Assert.Equal(keysAfterFirst, await _s3.ListVersionsAsync(bucket));
        Assert.Single(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source));
    }

    [Fact]
    public async Task Commit_WhenRetriedAfterManifestWrittenButIndexMissing_ShouldCompleteTheIndex()
    {
        // Arrange: a commit that stopped after the manifest (its index entry never written).
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(5), Compression.None));
        var indexKey = (await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source)).Single().IndexKey;
        await _s3.Client.DeleteObjectAsync(bucket, indexKey);
        var listedBeforeRetry = await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source);

        // Act
        await catalog.CommitAsync(manifest);

        // Assert
        Assert.Empty(listedBeforeRetry);
        Assert.Equal([manifest.BackupId], (await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source)).Select(b => b.BackupId));
    }

    [Fact]
    public async Task Commit_WhenADifferentManifestHasTheSameBackupId_ShouldThrowConflictAndKeepTheOriginal()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(5), Compression.None));
        var before = await _s3.ListVersionsAsync(bucket);

        // Act
        var error = await Assert.ThrowsAsync<BackupConflictException>(() => catalog.CommitAsync(manifest with { CreatedBy = "someone-else" }));

        // Assert
        Assert.Contains(manifest.BackupId.Value, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListVersionsAsync(bucket));
        var stored = await catalog.ReadManifestAsync(BackupEngine.Postgres, CatalogTestKit.Source, manifest.BackupId);
        Assert.Equal(ManifestSerializer.Serialize(manifest), ManifestSerializer.Serialize(stored));
    }

    [Fact]
    public async Task Commit_WhenAnObjectOfTheManifestIsNotStored_ShouldThrowNotFoundAndWriteNothing()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        var manifest = await CatalogTestKit.WriteBackupAsync(catalog, CatalogTestKit.Request(), ("dump.sql", CatalogTestKit.Sql(5), Compression.None));
        var id = BackupId.New(_s3.Clock.GetUtcNow().AddMinutes(5));
        var stray = manifest with
        {
            BackupId = id,
            Objects = [manifest.Objects[0] with { Key = BackupKeys.DataObject(BackupEngine.Postgres, CatalogTestKit.Source, id, "dump.sql") }],
        };
        var before = await _s3.ListKeysAsync(bucket);

        // Act
        var error = await Assert.ThrowsAsync<BackupNotFoundException>(() => catalog.CommitAsync(stray));

        // Assert
        Assert.Contains("dump.sql", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _s3.ListKeysAsync(bucket));
    }

    [Fact]
    public async Task OpenObject_WhenDisposedWithoutComplete_ShouldAbortTheUploadAndListNothing()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket, partSize: BackupCatalogOptions.MinimumPartSize);
        var parts = 0;

        // Act: 12 MiB written (two parts uploaded), then an "exception" before CompleteAsync.
        await using (var backup = await catalog.BeginBackupAsync(CatalogTestKit.Request()))
        {
            await using var stream = backup.OpenObject("dump.bin");
            await new DeterministicStream(1, 12 * 1024 * 1024).CopyToAsync(stream);
            parts = await CountUploadedPartsAsync(bucket);
        }

        // Assert
        Assert.True(parts >= 1, $"expected parts in flight before the abandon, saw {parts}");
        Assert.Empty((await _s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads ?? []);
        Assert.Empty(await _s3.ListKeysAsync(bucket));
        Assert.Empty(await catalog.ListBackupsAsync(BackupEngine.Postgres, CatalogTestKit.Source));
    }

    [Fact]
    public async Task Commit_WhenAnObjectIsStillOpen_ShouldRefuseAndWriteNoManifest()
    {
        // Arrange
        var bucket = await _s3.CreateBucketAsync();
        var catalog = CatalogTestKit.Catalog(_s3, bucket);
        await using var backup = await catalog.BeginBackupAsync(CatalogTestKit.Request());
        await backup.WriteObjectAsync("a.sql", new MemoryStream(CatalogTestKit.Sql(3)));
        await using var open = backup.OpenObject("b.sql");
        await open.WriteAsync(CatalogTestKit.Sql(3));

        // Act
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => backup.CommitAsync());

        // Assert
        Assert.Contains("'b.sql'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await _s3.ListKeysAsync(bucket), k => k.EndsWith("manifest.json", StringComparison.Ordinal));
    }

    private async Task<int> CountUploadedPartsAsync(string bucket)
    {
        var uploads = await _s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        var upload = (uploads.MultipartUploads ?? []).SingleOrDefault();
        if (upload is null)
        {
            return 0;
        }

        var parts = await _s3.Client.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = upload.Key, UploadId = upload.UploadId });
        return parts.Parts?.Count ?? 0;
    }
}
