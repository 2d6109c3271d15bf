using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class ObjectTests
{
    private const string Bucket = "objects";

    [Fact]
    public async Task PutObject_WhenSdkUsesDefaultFlexibleChecksums_ShouldStoreExactlyTheDecodedBytes()
    {
        // Arrange: 300 KB spans several aws-chunked chunks with the SDK's default chunk size.
        await using var host = await StartWithBucketAsync();
        var data = TestData.Bytes(300 * 1024);

        // Act
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "blob.bin", InputStream = new MemoryStream(data) });
        using var get = await host.Client.GetObjectAsync(Bucket, "blob.bin");
        var roundTripped = await TestData.ReadAllAsync(get.ResponseStream);

        // Assert: the client's bytes, and on disk the same bytes with no chunk framing or trailer.
        Assert.Equal(data, roundTripped);
        var dataFile =
            Assert.Single(Directory.GetFiles(Path.Combine(host.StateDirectory, "buckets", Bucket, "objects"), "*.data", SearchOption.AllDirectories));
        Assert.Equal(data, await File.ReadAllBytesAsync(dataFile));
        Assert.Equal("\"" + TestData.Md5Hex(data) + "\"", get.ETag);
    }

    [Fact]
    public async Task GetObject_WhenChecksumModeIsEnabledByTheSdk_ShouldReturnTheCrc32TheSdkSent()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var data = Encoding.UTF8.GetBytes("Hello World");
        var put = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "hello.txt", InputStream = new MemoryStream(data) });

        // Act
        using var get = await host.Client.GetObjectAsync(Bucket, "hello.txt");
        await TestData.ReadAllAsync(get.ResponseStream);

        // Assert
        Assert.Equal("ShexVg==", TestData.Crc32Base64(data));
        Assert.Equal("ShexVg==", put.ChecksumCRC32);
        Assert.Equal("ShexVg==", get.ChecksumCRC32);
    }

    [Fact]
    public async Task PutObject_WhenContentTypeAndUserMetadataGiven_ShouldReturnThemOnHead()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var request = new PutObjectRequest { BucketName = Bucket, Key = "meta.json", ContentBody = "{}", ContentType = "application/json" };
        request.Metadata.Add("backup-id", "b-42");
        request.Metadata.Add("Source-Engine", "postgres");

        // Act
        await host.Client.PutObjectAsync(request);
        var head = await host.Client.GetObjectMetadataAsync(Bucket, "meta.json");

        // Assert
        Assert.Equal("application/json", head.Headers.ContentType);
        Assert.Equal("b-42", head.Metadata["backup-id"]);
        Assert.Equal("postgres", head.Metadata["source-engine"]);
        Assert.Equal(2, head.ContentLength);
    }

    [Fact]
    public async Task PutObject_WhenContentMd5DoesNotMatch_ShouldFailWithBadDigestAndStoreNothing()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var wrongMd5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData("other"u8.ToArray()));

        // Act + Assert
        await TestData.AssertS3ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => host.Client.PutObjectAsync(
            new PutObjectRequest { BucketName = Bucket, Key = "md5.txt", ContentBody = "payload", MD5Digest = wrongMd5 }));
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "md5.txt"));
    }

    [Fact]
    public async Task PutObject_WhenCrc32HeaderDoesNotMatch_ShouldFailWithBadDigest()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();

        // Act + Assert
        await TestData.AssertS3ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => host.Client.PutObjectAsync(
            new PutObjectRequest { BucketName = Bucket, Key = "crc.txt", ContentBody = "payload", ChecksumCRC32 = "AAAAAA==" }));
    }

    [Fact]
    public async Task PutObject_WhenSha256ChecksumRequested_ShouldVerifyAndReturnIt()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var data = TestData.Bytes(1000);

        // Act
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "sha.bin",
            InputStream = new MemoryStream(data),
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });
        using var get = await host.Client.GetObjectAsync(Bucket, "sha.bin");
        var body = await TestData.ReadAllAsync(get.ResponseStream);

        // Assert
        Assert.Equal(data, body);
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(data)), get.ChecksumSHA256);
    }

    [Fact]
    public async Task GetObject_WhenKeyIsMissing_ShouldFailWithNoSuchKey()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();

        // Act + Assert
        await TestData.AssertS3ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => host.Client.GetObjectAsync(Bucket, "absent"));
    }

    [Fact]
    public async Task DeleteObject_WhenUnversioned_ShouldRemoveTheObject()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "gone", ContentBody = "x" });

        // Act
        var delete = await host.Client.DeleteObjectAsync(Bucket, "gone");

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, delete.HttpStatusCode);
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "gone"));
    }

    [Fact]
    public async Task DeleteObjects_WhenSeveralKeysGiven_ShouldDeleteThemAll()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        foreach (var key in new[] { "a", "b", "c" })
        {
            await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = key });
        }

        // Act
        var result = await host.Client.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = Bucket,
            Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b" }],
        });
        var remaining = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });

        // Assert
        Assert.Equal(["a", "b"], result.DeletedObjects.Select(deleted => deleted.Key).Order().ToArray());
        Assert.Equal("c", Assert.Single(remaining.S3Objects).Key);
    }

    [Fact]
    public async Task CopyObject_WhenSourceKeyNeedsUrlEncoding_ShouldCopyBytesAndMetadata()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutBucketAsync("copy-target");
        const string sourceKey = "dir with space/ü+plus%percent.txt";
        var request = new PutObjectRequest { BucketName = Bucket, Key = sourceKey, ContentBody = "copy me", ContentType = "text/x-test" };
        request.Metadata.Add("origin", "source");
        await host.Client.PutObjectAsync(request);

        // Act
        var copy = await host.Client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = sourceKey,
            DestinationBucket = "copy-target",
            DestinationKey = "copied/" + sourceKey,
        });
        using var get = await host.Client.GetObjectAsync("copy-target", "copied/" + sourceKey);

        // Assert
        Assert.Equal("copy me", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        Assert.Equal("text/x-test", get.Headers.ContentType);
        Assert.Equal("source", get.Metadata["origin"]);
        Assert.Equal("\"" + TestData.Md5Hex("copy me"u8.ToArray()) + "\"", copy.ETag);
    }

    [Fact]
    public async Task CopyObject_WhenSourceVersionIdGiven_ShouldCopyThatOlderVersion()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var first = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "v", ContentBody = "first" });
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "v", ContentBody = "second" });

        // Act
        var copy = await host.Client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = "v",
            SourceVersionId = first.VersionId,
            DestinationBucket = Bucket,
            DestinationKey = "restored",
        });
        using var get = await host.Client.GetObjectAsync(Bucket, "restored");

        // Assert
        Assert.Equal("first", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        Assert.Equal(first.VersionId, copy.SourceVersionId);
    }

    [Fact]
    public async Task PutObject_WhenIfNoneMatchStarAndKeyExists_ShouldFailWithPreconditionFailed()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "once", ContentBody = "first", IfNoneMatch = "*" });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => host.Client.PutObjectAsync(
            new PutObjectRequest { BucketName = Bucket, Key = "once", ContentBody = "second", IfNoneMatch = "*" }));
        using var get = await host.Client.GetObjectAsync(Bucket, "once");
        Assert.Equal("first", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task PutObject_WhenIfMatchEtagIsStale_ShouldFailWithPreconditionFailed()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var first = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "cas", ContentBody = "1" });
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "cas", ContentBody = "2", IfMatch = first.ETag });

        // Act + Assert: the first ETag is no longer current.
        await TestData.AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => host.Client.PutObjectAsync(
            new PutObjectRequest { BucketName = Bucket, Key = "cas", ContentBody = "3", IfMatch = first.ETag }));
    }

    [Fact]
    public async Task GetObject_WhenIfNoneMatchMatchesEtag_ShouldAnswerNotModified()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var put = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "cached", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertStatusAsync(HttpStatusCode.NotModified,
            () => host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "cached", EtagToNotMatch = put.ETag }));
    }

    [Fact]
    public async Task GetObject_WhenIfMatchDiffers_ShouldFailWithPreconditionFailed()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "guarded", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed,
            () => host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "guarded", EtagToMatch = "\"0123\"" }));
    }

    [Fact]
    public async Task GetObject_WhenIfModifiedSinceIsAfterLastModified_ShouldAnswerNotModified()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "old", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertStatusAsync(HttpStatusCode.NotModified, () => host.Client.GetObjectAsync(new GetObjectRequest
        {
            BucketName = Bucket,
            Key = "old",
            ModifiedSinceDate = host.Clock.GetUtcNow().UtcDateTime.AddMinutes(5),
        }));
    }

    [Fact]
    public async Task GetObject_WhenResponseHeaderOverridesGiven_ShouldAnswerWithThem()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "report", ContentBody = "x", ContentType = "text/plain" });
        var request = new GetObjectRequest { BucketName = Bucket, Key = "report" };
        request.ResponseHeaderOverrides.ContentType = "application/pdf";
        request.ResponseHeaderOverrides.ContentDisposition = "attachment; filename=\"report.pdf\"";

        // Act
        using var get = await host.Client.GetObjectAsync(request);

        // Assert
        Assert.Equal("application/pdf", get.Headers.ContentType);
        Assert.Equal("attachment; filename=\"report.pdf\"", get.Headers.ContentDisposition);
    }

    [Fact]
    public async Task PutObject_WhenCustomerEncryptionKeyGiven_ShouldFailWithNotImplementedInsteadOfStoringInClear()
    {
        // Arrange
        await using var host = await StartWithBucketAsync();
        var key = Convert.ToBase64String(TestData.Bytes(32));

        // Act + Assert
        await TestData.AssertS3ErrorAsync("NotImplemented", HttpStatusCode.NotImplemented, () => host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "sse-c",
            ContentBody = "secret",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key,
        }));
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "sse-c"));
    }

    private static async Task<LocalS3Host> StartWithBucketAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
