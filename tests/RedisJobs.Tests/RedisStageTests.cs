using Amazon.S3.Model;
using DisasterRecovery.Core;

namespace DisasterRecovery.RedisJobs.Tests;

/// <summary>RedisStage on a real local S3: the catalog's RDB, decompressed and checksummed, as a plain object a redis-server loads.</summary>
public sealed class RedisStageTests : IAsyncLifetime
{
    private RedisBackupKit _kit = null!;

    public async Task InitializeAsync() => _kit = await RedisBackupKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Theory]
    [InlineData(100, 64)] // one PUT
    [InlineData(40_000, 600)] // beyond one 16 MiB part: a multipart upload
    public async Task Stage_WhenAVerifiedBackupExists_ShouldPutTheRdbThatARedisServerLoadsWithEveryKey(int keys, int valueBytes)
    {
        // Arrange
        await using var source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(source.Admin);
        await RedisData.PopulateAsync(source.Admin, keys, valueBytes);
        var expected = await RedisData.DumpsAsync(source.Admin);
        var manifest = await RedisRestoreWorld.BackUpAsync(_kit, source);
        var staging = await _kit.S3.CreateBucketAsync(objectLock: false);

        // Act
        var result = await _kit.InvokeAsync(RedisRestoreWorld.Stage(_kit, staging), """{"prefix": "restore/test"}""");

        // Assert
        var key = $"restore/test/{manifest.BackupId.Value}.rdb";
        Assert.Equal(key, result.GetProperty("key").GetString());
        Assert.Equal($"arn:aws:s3:::{staging}/{key}", result.GetProperty("snapshotArn").GetString());
        var staged = await _kit.S3.GetBytesAsync(staging, key);
        Assert.Equal(await _kit.ReadObjectAsync(manifest, RedisBackupObjects.Rdb), staged);
        Assert.Equal(staged.Length, result.GetProperty("bytes").GetInt64());
        Assert.Equal(manifest.Contents!.Single(c => c.Name == "db0").Count, result.GetProperty("keysPerDatabase").GetProperty("db0").GetInt64());
        RedisData.AssertSame(expected, await RdbFiles.LoadAndDumpAsync(staged));
        var audit = (await _kit.AuditRecordsAsync()).Last();
        Assert.Equal(("restore", "succeeded", $"s3://{staging}/{key}"), (audit.Action, audit.Result, audit.Details["stagedTo"]));
    }

    [Fact]
    public async Task Stage_WhenTheStoredRdbIsDamaged_ShouldLeaveNoObjectAndAuditTheFailure()
    {
        // Arrange: the manifest's SHA-256 no longer matches what S3 holds (an object version replaced under the catalog).
        await using var source = await RedisServerProcess.StartAsync();
        await RedisData.WriteMixedAsync(source.Admin);
        await RedisData.PopulateAsync(source.Admin, 40_000, 600);
        var manifest = await RedisRestoreWorld.BackUpAsync(_kit, source);
        var staging = await _kit.S3.CreateBucketAsync(objectLock: false);
        var damaged = manifest with
        {
            Objects = [.. manifest.Objects.Select(o => o.Name == RedisBackupObjects.Rdb ? o with { Sha256 = new string('0', 64) } : o)],
        };
        var job = new RedisStageJob(_kit.Services(new RdbFileInspector()), new RedisStagingSettings(staging, null));

        // Act
        var error = await Assert.ThrowsAnyAsync<DisasterRecoveryException>(() => StageManifestAsync(job, damaged, staging));

        // Assert
        Assert.IsType<ChecksumMismatchException>(error);
        Assert.Empty((await _kit.S3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = staging })).S3Objects ?? []);
        var uploads = await _kit.S3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = staging });
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task Stage_WhenNoBucketIsConfiguredOrNamed_ShouldFailNamingTheVariable()
    {
        // Act
        var error = await Assert.ThrowsAsync<FunctionConfigurationException>(() => _kit.InvokeAsync(RedisRestoreWorld.Stage(_kit, null), "{}"));

        // Assert
        Assert.Contains(RedisStagingSettings.BucketVariable, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"bucket": "Not_A_Bucket"}""", "bucket")]
    [InlineData("""{"prefix": "/leading"}""", "prefix")]
    [InlineData("""{"backupId": "20261207T120000Z-abcdef", "time": "2026-12-07T12:00:00Z"}""", "time")]
    public async Task Stage_WhenTheRequestIsInvalid_ShouldRefuseNamingTheField(string payload, string field)
    {
        // Act
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _kit.InvokeAsync(RedisRestoreWorld.Stage(_kit, "staging"), payload));

        // Assert
        Assert.Equal(field, error.Field);
    }

    /// <summary>Runs the job's execution on a given manifest, as a located one (the catalog would not hand out a damaged one).</summary>
    private async Task StageManifestAsync(RedisStageJob job, Catalog.BackupManifest manifest, string bucket)
    {
        var plan = new RedisStageJob.Plan(manifest, bucket, $"restore/test/{manifest.BackupId.Value}.rdb");
        await job.CopyAsync(plan, CancellationToken.None);
    }
}
