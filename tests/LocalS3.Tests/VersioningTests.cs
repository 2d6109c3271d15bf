using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class VersioningTests
{
    private const string Bucket = "versioned";

    [Fact]
    public async Task GetBucketVersioning_WhenNeverConfiguredThenEnabled_ShouldReportOffThenEnabled()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);

        // Act
        var before = await host.Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket });
        await EnableAsync(host, VersionStatus.Enabled);
        var after = await host.Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket });

        // Assert
        Assert.Equal(VersionStatus.Off, before.VersioningConfig.Status);
        Assert.Equal(VersionStatus.Enabled, after.VersioningConfig.Status);
    }

    [Fact]
    public async Task ListVersions_WhenKeyWrittenThreeTimes_ShouldListNewestFirstAndGetEachById()
    {
        // Arrange
        await using var host = await StartVersionedAsync();
        var ids = new List<string>();
        foreach (var body in new[] { "one", "two", "three" })
        {
            ids.Add((await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = body })).VersionId);
        }

        // Act
        var versions = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });
        using var oldest = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "doc", VersionId = ids[0] });

        // Assert
        Assert.Equal(3, ids.Distinct().Count());
        Assert.DoesNotContain("null", ids);
        Assert.Equal(ids.AsEnumerable().Reverse().ToArray(), versions.Versions.Select(version => version.VersionId).ToArray());
        Assert.Equal([true, false, false], versions.Versions.Select(version => version.IsLatest == true).ToArray());
        Assert.Equal("one", await new StreamReader(oldest.ResponseStream).ReadToEndAsync());
        Assert.Equal(ids[0], oldest.VersionId);
    }

    [Fact]
    public async Task GetObject_WhenVersionIdIsUnknown_ShouldFailWithNoSuchVersion()
    {
        // Arrange
        await using var host = await StartVersionedAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("NoSuchVersion", HttpStatusCode.NotFound,
            () => host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "doc", VersionId = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }));
    }

    [Fact]
    public async Task DeleteObject_WhenVersionedWithoutVersionId_ShouldAddDeleteMarkerThatHidesTheKey()
    {
        // Arrange
        await using var host = await StartVersionedAsync();
        var put = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = "kept" });

        // Act
        var delete = await host.Client.DeleteObjectAsync(Bucket, "doc");

        // Assert
        Assert.Equal("true", delete.DeleteMarker);
        Assert.False(string.IsNullOrEmpty(delete.VersionId));
        var error = await TestData.AssertS3ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => host.Client.GetObjectAsync(Bucket, "doc"));
        Assert.Equal("true", RawHeader(error, "x-amz-delete-marker"));
        var listing = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        Assert.Empty(listing.S3Objects ?? []);
        var versions = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });
        var marker = Assert.Single(versions.Versions, version => version.IsDeleteMarker == true);
        Assert.True(marker.IsLatest);
        using var old = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "doc", VersionId = put.VersionId });
        Assert.Equal("kept", await new StreamReader(old.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task DeleteObject_WhenDeleteMarkerVersionIsDeleted_ShouldBringTheObjectBack()
    {
        // Arrange
        await using var host = await StartVersionedAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = "back" });
        var marker = await host.Client.DeleteObjectAsync(Bucket, "doc");

        // Act
        var undelete = await host.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = "doc", VersionId = marker.VersionId });
        using var get = await host.Client.GetObjectAsync(Bucket, "doc");

        // Assert
        Assert.Equal("true", undelete.DeleteMarker);
        Assert.Equal("back", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task PutObject_WhenVersioningSuspended_ShouldReplaceTheNullVersionAndKeepOlderVersions()
    {
        // Arrange
        await using var host = await StartVersionedAsync();
        var enabledVersion = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = "versioned" });
        await EnableAsync(host, VersionStatus.Suspended);

        // Act
        var firstNull = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = "null-1" });
        var secondNull = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "doc", ContentBody = "null-2" });
        var versions = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });
        using var get = await host.Client.GetObjectAsync(Bucket, "doc");

        // Assert
        Assert.Equal("null", firstNull.VersionId);
        Assert.Equal("null", secondNull.VersionId);
        Assert.Equal(["null", enabledVersion.VersionId], versions.Versions.Select(version => version.VersionId).ToArray());
        Assert.Equal("null-2", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task ListVersions_WhenPagedWithKeyAndVersionIdMarkers_ShouldReturnEveryVersionOnce()
    {
        // Arrange
        await using var host = await StartVersionedAsync();
        var expected = new List<(string, string)>();
        foreach (var key in new[] { "a", "b" })
        {
            var ids = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                ids.Add((await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = $"{key}{i}" })).VersionId);
            }

            expected.AddRange(ids.AsEnumerable().Reverse().Select(id => (key, id)));
        }

        var seen = new List<(string, string)>();
        string? keyMarker = null, versionIdMarker = null;

        // Act
        while (true)
        {
            var page = await host.Client.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = Bucket,
                MaxKeys = 2,
                KeyMarker = keyMarker,
                VersionIdMarker = versionIdMarker,
            });
            seen.AddRange(page.Versions.Select(version => (version.Key, version.VersionId)));
            if (page.IsTruncated != true)
            {
                break;
            }

            keyMarker = page.NextKeyMarker;
            versionIdMarker = page.NextVersionIdMarker;
        }

        // Assert: every version once, keys in order and newest first within a key.
        Assert.Equal(expected, seen);
    }

    /// <summary>A header of the error response, which the SDK keeps on the inner HTTP exception.</summary>
    private static string? RawHeader(AmazonS3Exception error, string name) =>
        (error.InnerException as Amazon.Runtime.Internal.HttpErrorResponseException)?.Response.GetHeaderValue(name);

    private static async Task<LocalS3Host> StartVersionedAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        await EnableAsync(host, VersionStatus.Enabled);
        return host;
    }

    private static Task EnableAsync(LocalS3Host host, VersionStatus status) =>
        host.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = status },
        });
}
