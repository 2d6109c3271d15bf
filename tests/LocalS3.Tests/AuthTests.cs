using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class AuthTests
{
    private const string Bucket = "auth";

    [Fact]
    public async Task ListBuckets_WhenSecretIsWrong_ShouldFailWithSignatureDoesNotMatch()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        using var client = host.CreateClient(secretAccessKey: "not-the-secret-0000000000000000000000000");

        // Act + Assert
        await TestData.AssertS3ErrorAsync("SignatureDoesNotMatch", HttpStatusCode.Forbidden, () => client.ListBucketsAsync());
    }

    [Fact]
    public async Task PutObject_WhenSecretIsWrong_ShouldFailWithSignatureDoesNotMatchAndStoreNothing()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        using var client = host.CreateClient(secretAccessKey: "not-the-secret-0000000000000000000000000");

        // Act + Assert
        await TestData.AssertS3ErrorAsync("SignatureDoesNotMatch", HttpStatusCode.Forbidden,
            () => client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "k", ContentBody = "x" }));
        var listing = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        Assert.Empty(listing.S3Objects ?? []);
    }

    [Fact]
    public async Task ListBuckets_WhenAccessKeyIsUnknown_ShouldFailWithInvalidAccessKeyId()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        using var client = host.CreateClient(accessKeyId: "LKIAUNKNOWNKEY000000");

        // Act + Assert
        await TestData.AssertS3ErrorAsync("InvalidAccessKeyId", HttpStatusCode.Forbidden, () => client.ListBucketsAsync());
    }

    [Fact]
    public async Task Get_WhenRequestIsAnonymous_ShouldFailWithAccessDeniedXml()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        using var http = new HttpClient();

        // Act
        using var response = await http.GetAsync(new Uri(host.Server.Endpoint, "/"));
        var body = await response.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", body);
        Assert.Contains("<RequestId>", body);
        Assert.Contains("<Resource>/</Resource>", body);
    }

    [Fact]
    public async Task GetPreSignedUrl_WhenUsedBeforeExpiry_ShouldServeTheObjectAndAfterExpiryBeDenied()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "shared/report v1.txt", ContentBody = "presigned body" });
        var url = await host.Client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = "shared/report v1.txt",
            Verb = HttpVerb.GET,
            Protocol = Protocol.HTTP,
            Expires = DateTime.UtcNow.AddMinutes(10),
        });
        using var http = new HttpClient();

        // Act
        var body = await http.GetStringAsync(url);
        host.Clock.Advance(TimeSpan.FromMinutes(11));
        using var expired = await http.GetAsync(url);

        // Assert
        Assert.Equal("presigned body", body);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
        Assert.Contains("Request has expired", await expired.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutObject_WhenSignedChunkIsTampered_ShouldFailWithSignatureDoesNotMatchAndStoreNothing()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        var payload = TestData.Bytes(20_000);
        var signedAt = DateTime.UtcNow;
        using var http = new HttpClient();

        // Act
        using var valid = await http.SendAsync(ChunkedPut(host, "valid", payload, signedAt, tamper: false));
        using var tampered = await http.SendAsync(ChunkedPut(host, "tampered", payload, signedAt, tamper: true));

        // Assert
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await tampered.Content.ReadAsStringAsync());
        using var get = await host.Client.GetObjectAsync(Bucket, "valid");
        Assert.Equal(payload, await TestData.ReadAllAsync(get.ResponseStream));
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "tampered"));
    }

    [Fact]
    public async Task PutObject_WhenObjectLockHeadersComeWithoutAnyChecksum_ShouldFailWithInvalidRequest()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, ObjectLockEnabledForBucket = true });
        var body = "no checksum"u8.ToArray();
        var request = RawRequests.Signed(HttpMethod.Put, host.Server.Endpoint, $"/{Bucket}/locked", body,
            Convert.ToHexStringLower(SHA256.HashData(body)),
            new Dictionary<string, string>
            {
                ["x-amz-object-lock-mode"] = "GOVERNANCE",
                ["x-amz-object-lock-retain-until-date"] = host.Clock.GetUtcNow().AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            });
        using var http = new HttpClient();

        // Act
        using var response = await http.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidRequest</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PutObject_WhenSignedPayloadHashDoesNotMatchBody_ShouldFailWithXAmzContentSha256Mismatch()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        var request = RawRequests.Signed(HttpMethod.Put, host.Server.Endpoint, $"/{Bucket}/k", "actual"u8.ToArray(),
            Convert.ToHexStringLower(SHA256.HashData("claimed"u8.ToArray())));
        using var http = new HttpClient();

        // Act
        using var response = await http.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>XAmzContentSHA256Mismatch</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetObject_WhenUnknownSubresourceRequested_ShouldFailWithNotImplemented()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "k", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("NotImplemented", HttpStatusCode.NotImplemented,
            () => host.Client.GetObjectAclAsync(new GetObjectAclRequest { BucketName = Bucket, Key = "k" }));
    }

    [Fact]
    public async Task RequestLog_WhenRequestsAreSigned_ShouldNeverContainTheSecretOrSignatures()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "logged", ContentBody = "x" });
        var url = await host.Client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = "logged",
            Verb = HttpVerb.GET,
            Protocol = Protocol.HTTP,
            Expires = DateTime.UtcNow.AddMinutes(5),
        });
        using var http = new HttpClient();

        // Act
        await http.GetStringAsync(url);
        var log = host.Log.ToString();

        // Assert
        var signature =
            new Uri(url).Query.Split('&').Single(pair => pair.StartsWith("X-Amz-Signature=", StringComparison.Ordinal))["X-Amz-Signature=".Length..];
        Assert.Contains("\"operation\":\"GetObject\"", log);
        Assert.Contains("\"key\":\"logged\"", log);
        Assert.DoesNotContain(LocalS3Host.SecretAccessKey, log);
        Assert.DoesNotContain(signature, log);
        Assert.DoesNotContain("Signature", log, StringComparison.OrdinalIgnoreCase);
        Assert.All(log.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => System.Text.Json.JsonDocument.Parse(line).Dispose());
    }

    private static HttpRequestMessage ChunkedPut(LocalS3Host host, string key, byte[] payload, DateTime signedAt, bool tamper)
    {
        var headers = new Dictionary<string, string>
        {
            ["content-encoding"] = "aws-chunked",
            ["x-amz-decoded-content-length"] = payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var request = RawRequests.Signed(HttpMethod.Put, host.Server.Endpoint, $"/{Bucket}/{key}", null,
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", headers, signedAt);
        var body = RawRequests.SignedChunkedBody(payload, 8192, RawRequests.SignatureOf(request), signedAt.ToString("yyyyMMdd'T'HHmmss'Z'"));
        if (tamper)
        {
            // Flip one payload byte inside the second chunk; its signature no longer matches.
            var secondChunkData = Encoding.ASCII.GetByteCount($"2000;chunk-signature={new string('0', 64)}\r\n") * 2 + 8192 + 2 + 100;
            body[secondChunkData] ^= 0xFF;
        }

        request.Content = new ByteArrayContent(body);
        request.Content.Headers.TryAddWithoutValidation("content-encoding", "aws-chunked");
        return request;
    }
}
