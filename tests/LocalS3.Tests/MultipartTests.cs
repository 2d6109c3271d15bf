using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class MultipartTests
{
    private const string Bucket = "multipart";
    private const int FiveMiB = 5 * 1024 * 1024;

    [Fact]
    public async Task CompleteMultipartUpload_WhenPartsUploadedInParallel_ShouldJoinThemWithS3MultipartEtag()
    {
        // Arrange
        await using var host = await StartAsync();
        var part1 = TestData.Bytes(FiveMiB, seed: 1);
        var part2 = TestData.Bytes(1024 * 1024, seed: 2);
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket, Key = "joined.bin",
            ContentType = "application/x-dump"
        });

        // Act
        var responses = await Task.WhenAll(
            UploadPartAsync(host, upload.UploadId, "joined.bin", 2, part2),
            UploadPartAsync(host, upload.UploadId, "joined.bin", 1, part1));
        var complete = await host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "joined.bin",
            UploadId = upload.UploadId,
            PartETags = responses.OrderBy(response => response.PartNumber).Select(response => new PartETag(response)).ToList(),
        });
        using var get = await host.Client.GetObjectAsync(Bucket, "joined.bin");
        var body = await TestData.ReadAllAsync(get.ResponseStream);

        // Assert
        var expectedEtag = Convert.ToHexStringLower(MD5.HashData([.. MD5.HashData(part1), .. MD5.HashData(part2)])) + "-2";
        Assert.Equal($"\"{expectedEtag}\"", complete.ETag);
        Assert.Equal($"\"{expectedEtag}\"", get.ETag);
        Assert.Equal([.. part1, .. part2], body);
        Assert.Equal("application/x-dump", get.Headers.ContentType);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(host.StateDirectory, "buckets", Bucket, "uploads")));
    }

    [Fact]
    public async Task GetObject_WhenPartNumberRequested_ShouldServeThatPartOnly()
    {
        // Arrange
        await using var host = await StartAsync();
        var part1 = TestData.Bytes(FiveMiB, seed: 3);
        var part2 = TestData.Bytes(1000, seed: 4);
        await CompleteAsync(host, "parts.bin", part1, part2);

        // Act
        using var get = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "parts.bin", PartNumber = 2 });
        var body = await TestData.ReadAllAsync(get.ResponseStream);

        // Assert
        Assert.Equal(part2, body);
        Assert.Equal(2, get.PartsCount);
    }

    [Fact]
    public async Task CompleteMultipartUpload_WhenPartsAreOutOfOrder_ShouldFailWithInvalidPartOrder()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "k" });
        var first = await UploadPartAsync(host, upload.UploadId, "k", 1, TestData.Bytes(FiveMiB));
        var second = await UploadPartAsync(host, upload.UploadId, "k", 2, TestData.Bytes(10));

        // Act + Assert
        var request = new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "k",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(2, second.ETag), new PartETag(1, first.ETag)],
        };
        await TestData.AssertS3ErrorAsync("InvalidPartOrder", HttpStatusCode.BadRequest, () => SendUnsortedCompleteAsync(host, request));
    }

    [Fact]
    public async Task CompleteMultipartUpload_WhenEtagDoesNotMatchThePart_ShouldFailWithInvalidPart()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "k" });
        await UploadPartAsync(host, upload.UploadId, "k", 1, TestData.Bytes(100));

        // Act + Assert
        await TestData.AssertS3ErrorAsync("InvalidPart", HttpStatusCode.BadRequest, () =>
            host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = "k",
                UploadId = upload.UploadId,
                PartETags = [new PartETag(1, "\"00000000000000000000000000000000\"")],
            }));
    }

    [Fact]
    public async Task CompleteMultipartUpload_WhenNonLastPartIsTooSmall_ShouldFailWithEntityTooSmall()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "k" });
        var first = await UploadPartAsync(host, upload.UploadId, "k", 1, TestData.Bytes(100));
        var second = await UploadPartAsync(host, upload.UploadId, "k", 2, TestData.Bytes(100));

        // Act + Assert
        await TestData.AssertS3ErrorAsync("EntityTooSmall", HttpStatusCode.BadRequest, () =>
            host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = "k",
                UploadId = upload.UploadId,
                PartETags = [new PartETag(first), new PartETag(second)],
            }));
    }

    [Fact]
    public async Task UploadPart_WhenChecksumIsCorrupted_ShouldFailWithBadDigest()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "k" });
        var data = TestData.Bytes(64 * 1024);
        var corrupted = TestData.Crc32Base64([.. data, 0]);

        // Act + Assert
        await TestData.AssertS3ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => host.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = "k",
            UploadId = upload.UploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(data),
            ChecksumCRC32 = corrupted,
        }));
        var parts = await host.Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "k", UploadId = upload.UploadId });
        Assert.Empty(parts.Parts ?? []);
    }

    [Fact]
    public async Task UploadPart_WhenSdkDefaultChecksumUsed_ShouldEchoTheCrc32AndListIt()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "k" });
        var data = TestData.Bytes(70_000);

        // Act
        var part = await UploadPartAsync(host, upload.UploadId, "k", 1, data);
        var parts = await host.Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "k", UploadId = upload.UploadId });

        // Assert
        Assert.Equal(TestData.Crc32Base64(data), part.ChecksumCRC32);
        var listed = Assert.Single(parts.Parts);
        Assert.Equal(70_000, listed.Size);
        Assert.Equal($"\"{TestData.Md5Hex(data)}\"", listed.ETag);
    }

    [Fact]
    public async Task AbortMultipartUpload_WhenInProgress_ShouldRemoveItFromTheListing()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "aborted" });
        await UploadPartAsync(host, upload.UploadId, "aborted", 1, TestData.Bytes(10));
        var before = await host.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket });

        // Act
        await host.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = "aborted", UploadId = upload.UploadId });
        var after = await host.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket });

        // Assert
        Assert.Equal(upload.UploadId, Assert.Single(before.MultipartUploads).UploadId);
        Assert.Empty(after.MultipartUploads ?? []);
        await TestData.AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () =>
            UploadPartAsync(host, upload.UploadId, "aborted", 2, TestData.Bytes(10)));
    }

    [Fact]
    public async Task CompleteMultipartUpload_WhenIfNoneMatchStarAndKeyExists_ShouldFailWithPreconditionFailed()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "exists", ContentBody = "first" });
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "exists" });
        var part = await UploadPartAsync(host, upload.UploadId, "exists", 1, TestData.Bytes(10));

        // Act + Assert
        await TestData.AssertS3ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () =>
            host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = "exists",
                UploadId = upload.UploadId,
                PartETags = [new PartETag(part)],
                IfNoneMatch = "*",
            }));
        using var get = await host.Client.GetObjectAsync(Bucket, "exists");
        Assert.Equal("first", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task CopyPart_WhenSourceRangeGiven_ShouldBuildTheObjectFromExistingBytes()
    {
        // Arrange
        await using var host = await StartAsync();
        var source = TestData.Bytes(FiveMiB + 100, seed: 5);
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "source", InputStream = new MemoryStream(source) });
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = "assembled" });

        // Act
        var first = await host.Client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = Bucket,
            SourceKey = "source",
            DestinationBucket = Bucket,
            DestinationKey = "assembled",
            UploadId = upload.UploadId,
            PartNumber = 1,
            FirstByte = 0,
            LastByte = FiveMiB - 1,
        });
        var second = await host.Client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = Bucket,
            SourceKey = "source",
            DestinationBucket = Bucket,
            DestinationKey = "assembled",
            UploadId = upload.UploadId,
            PartNumber = 2,
            FirstByte = FiveMiB,
            LastByte = FiveMiB + 99,
        });
        await host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "assembled",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(first), new PartETag(second)],
        });
        using var get = await host.Client.GetObjectAsync(Bucket, "assembled");

        // Assert
        Assert.Equal(source, await TestData.ReadAllAsync(get.ResponseStream));
    }

    [Fact]
    public async Task TransferUtility_WhenUploadingAndDownloadingAFile_ShouldRoundTripItThroughMultipart()
    {
        // Arrange
        await using var host = await StartAsync();
        var data = TestData.Bytes(12 * 1024 * 1024, seed: 9);
        var source = Path.Combine(host.StateDirectory, "..", Guid.NewGuid().ToString("N") + ".src");
        var target = source + ".downloaded";
        await File.WriteAllBytesAsync(source, data);
        using var transfer = new TransferUtility(host.Client, new TransferUtilityConfig { MinSizeBeforePartUpload = FiveMiB });

        try
        {
            // Act
            await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = Bucket, Key = "tu/file.bin", FilePath = source, PartSize = FiveMiB });
            await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = Bucket, Key = "tu/file.bin", FilePath = target });
            var head = await host.Client.GetObjectMetadataAsync(Bucket, "tu/file.bin");

            // Assert
            Assert.Equal(data, await File.ReadAllBytesAsync(target));
            Assert.EndsWith("-3\"", head.ETag);
        }
        finally
        {
            File.Delete(source);
            File.Delete(target);
        }
    }

    internal static async Task<UploadPartResponse> UploadPartAsync(LocalS3Host host, string uploadId, string key, int partNumber, byte[] data) =>
        await host.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = new MemoryStream(data),
        });

    private static async Task CompleteAsync(LocalS3Host host, string key, params byte[][] parts)
    {
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key });
        var responses = new List<UploadPartResponse>();
        for (var i = 0; i < parts.Length; i++)
        {
            responses.Add(await UploadPartAsync(host, upload.UploadId, key, i + 1, parts[i]));
        }

        await host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = key,
            UploadId = upload.UploadId,
            PartETags = responses.Select(response => new PartETag(response)).ToList(),
        });
    }

    /// <summary>The SDK sorts PartETags before sending; a raw request keeps the wrong order on the wire.</summary>
    private static async Task SendUnsortedCompleteAsync(LocalS3Host host, CompleteMultipartUploadRequest request)
    {
        var xml = "<CompleteMultipartUpload>" + string.Concat(request.PartETags.Select(part =>
            $"<Part><PartNumber>{part.PartNumber}</PartNumber><ETag>{part.ETag}</ETag></Part>")) + "</CompleteMultipartUpload>";
        var body = System.Text.Encoding.UTF8.GetBytes(xml);
        var raw = RawRequests.Signed(HttpMethod.Post, host.Server.Endpoint, $"/{Bucket}/{request.Key}", body,
            Convert.ToHexStringLower(SHA256.HashData(body)), query: "uploadId=" + request.UploadId);
        using var http = new HttpClient();
        using var response = await http.SendAsync(raw);
        var text = await response.Content.ReadAsStringAsync();
        var code = System.Text.RegularExpressions.Regex.Match(text, "<Code>(.*?)</Code>").Groups[1].Value;
        if (!response.IsSuccessStatusCode)
        {
            throw new AmazonS3Exception(text, Amazon.Runtime.ErrorType.Sender, code, null, response.StatusCode);
        }
    }

    private static async Task<LocalS3Host> StartAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
