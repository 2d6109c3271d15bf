using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Catalog.Tests;

/// <summary>
/// Multipart uploads a killed backup left: aborted once no part renewed them for the idle limit; a fresh upload, or an old
/// one still receiving parts, is kept.
/// </summary>
public sealed class AbandonedUploadTests : IAsyncLifetime
{
    private LocalS3Host _s3 = null!;
    private string _bucket = string.Empty;

    public async Task InitializeAsync()
    {
        _s3 = await LocalS3Host.StartAsync();
        _bucket = await _s3.CreateBucketAsync(objectLock: true);
    }

    public async Task DisposeAsync() => await _s3.DisposeAsync();

    [Fact]
    public async Task AbortExpiredAsync_WhenAnUploadIsIdleLongerThanTheLimit_ShouldAbortItAndKeepTheLiveOnes()
    {
        // Arrange: one abandoned upload (a part, then two idle hours), one started before the idle hours but still writing, one fresh.
        var abandoned = await StartUploadAsync("backups/postgres/shop/2026/12/07/abandoned/data/dump.sql", withPart: true);
        var stillWriting = await StartUploadAsync("backups/postgres/shop/2026/12/07/writing/data/dump.sql", withPart: false);
        _s3.Clock.Advance(TimeSpan.FromHours(2));
        await UploadPartAsync(stillWriting, 1);
        var fresh = await StartUploadAsync("backups/postgres/shop/2026/12/07/fresh/data/dump.sql", withPart: false);
        var outside = await StartUploadAsync("elsewhere/not-a-backup.bin", withPart: false);
        _s3.Clock.Advance(TimeSpan.FromMinutes(5));

        // Act
        var swept = await new AbandonedUploads(_s3.Client, _bucket, _s3.Clock).AbortExpiredAsync(cancellationToken: CancellationToken.None);

        // Assert
        var aborted = Assert.Single(swept);
        Assert.Equal($"{abandoned.Key}#{abandoned.UploadId}", aborted.Name);
        Assert.Equal(SweptTemporary.Removed, aborted.Outcome);
        Assert.Equal("multipart-upload", aborted.Kind);
        var left = (await _s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket })).MultipartUploads
            .Select(u => u.UploadId).ToHashSet();
        Assert.DoesNotContain(abandoned.UploadId, left);
        Assert.Contains(stillWriting.UploadId, left);
        Assert.Contains(fresh.UploadId, left);
        Assert.Contains(outside.UploadId, left);
    }

    [Fact]
    public async Task AbortExpiredAsync_WhenTheIdleLimitIsZero_ShouldAbortEveryUploadUnderThePrefix()
    {
        // Arrange
        var one = await StartUploadAsync("backups/postgres/shop/2026/12/07/one/data/dump.sql", withPart: false);
        var other = await StartUploadAsync("backups/postgres/other/2026/12/07/two/data/dump.sql", withPart: false);

        // Act
        var swept = await new AbandonedUploads(_s3.Client, _bucket, _s3.Clock).AbortExpiredAsync("backups/postgres/shop/", TimeSpan.Zero);

        // Assert
        Assert.Equal($"{one.Key}#{one.UploadId}", Assert.Single(swept).Name);
        var left = (await _s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _bucket })).MultipartUploads;
        Assert.Equal(other.UploadId, Assert.Single(left).UploadId);
    }

    private async Task<(string Key, string UploadId)> StartUploadAsync(string key, bool withPart)
    {
        var started = await _s3.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key });
        var upload = (key, started.UploadId);
        if (withPart)
        {
            await UploadPartAsync(upload, 1);
        }

        return upload;
    }

    private async Task UploadPartAsync((string Key, string UploadId) upload, int number)
    {
        using var body = new MemoryStream(new byte[1024]);
        await _s3.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _bucket, Key = upload.Key, UploadId = upload.UploadId, PartNumber = number, InputStream = body,
        });
    }
}
