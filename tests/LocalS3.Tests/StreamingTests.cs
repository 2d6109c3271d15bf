using System.Net;
using System.Text;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>
/// aws-chunked variants the SDK does not choose over plain HTTP (it signs every chunk there), sent by hand
/// as SDKs do over HTTPS: STREAMING-UNSIGNED-PAYLOAD-TRAILER with a trailing checksum.
/// </summary>
public class StreamingTests
{
    private const string Bucket = "streaming";

    [Fact]
    public async Task PutObject_WhenUnsignedTrailerCarriesTheRightCrc32_ShouldStoreOnlyThePayload()
    {
        // Arrange
        await using var host = await StartAsync();
        var payload = TestData.Bytes(50_000);

        // Act
        using var response = await SendUnsignedTrailerAsync(host, "good", payload, TestData.Crc32Base64(payload));
        using var get = await host.Client.GetObjectAsync(Bucket, "good");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TestData.Crc32Base64(payload), response.Headers.GetValues("x-amz-checksum-crc32").Single());
        Assert.Equal(payload, await TestData.ReadAllAsync(get.ResponseStream));
    }

    [Fact]
    public async Task PutObject_WhenUnsignedTrailerCarriesAWrongCrc32_ShouldFailWithBadDigestAndStoreNothing()
    {
        // Arrange
        await using var host = await StartAsync();
        var payload = TestData.Bytes(50_000);

        // Act
        using var response = await SendUnsignedTrailerAsync(host, "bad", payload, TestData.Crc32Base64([.. payload, 1]));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>BadDigest</Code>", await response.Content.ReadAsStringAsync());
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "bad"));
        Assert.Empty(Directory.GetFiles(Path.Combine(host.StateDirectory, "tmp")));
    }

    [Fact]
    public async Task PutObject_WhenDecodedLengthDisagreesWithTheChunks_ShouldFailWithIncompleteBody()
    {
        // Arrange
        await using var host = await StartAsync();
        var payload = TestData.Bytes(1000);

        // Act
        using var response = await SendUnsignedTrailerAsync(host, "short", payload, TestData.Crc32Base64(payload), decodedLength: 2000);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>IncompleteBody</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutObject_WhenManyKeysWrittenInParallel_ShouldKeepEveryOne()
    {
        // Arrange
        await using var host = await StartAsync();
        var keys = Enumerable.Range(0, 24).Select(i => $"parallel/{i:D2}").ToArray();

        // Act
        await Task.WhenAll(keys.Select(key =>
            host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "body of " + key })));
        var listing = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "parallel/" });

        // Assert
        Assert.Equal(keys, listing.S3Objects.Select(entry => entry.Key).ToArray());
        Assert.All(listing.S3Objects, entry => Assert.Equal(("body of " + entry.Key).Length, entry.Size));
    }

    private static async Task<HttpResponseMessage> SendUnsignedTrailerAsync(LocalS3Host host, string key, byte[] payload, string trailerCrc32,
        long? decodedLength = null)
    {
        using var body = new MemoryStream();
        foreach (var chunk in payload.Chunk(16 * 1024))
        {
            body.Write(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"));
            body.Write(chunk);
            body.Write("\r\n"u8);
        }

        body.Write(Encoding.ASCII.GetBytes($"0\r\nx-amz-checksum-crc32:{trailerCrc32}\r\n\r\n"));
        var request = RawRequests.Signed(HttpMethod.Put, host.Server.Endpoint, $"/{Bucket}/{key}", null, "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            new Dictionary<string, string>
            {
                ["content-encoding"] = "aws-chunked",
                ["x-amz-decoded-content-length"] = (decodedLength ?? payload.Length).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["x-amz-trailer"] = "x-amz-checksum-crc32",
                ["x-amz-sdk-checksum-algorithm"] = "CRC32",
            });
        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.TryAddWithoutValidation("content-encoding", "aws-chunked");
        using var http = new HttpClient();
        return await http.SendAsync(request);
    }

    private static async Task<LocalS3Host> StartAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
