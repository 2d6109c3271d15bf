using System.Net;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class RangeTests
{
    private const string Bucket = "ranges";
    private static readonly byte[] Data = TestData.Bytes(100, seed: 7);

    [Theory]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=95-", 95, 5)]
    [InlineData("bytes=-5", 95, 5)]
    [InlineData("bytes=90-1000", 90, 10)]
    [InlineData("bytes=-500", 0, 100)]
    public async Task GetObject_WhenRangeIsSatisfiable_ShouldReturnPartialContent(string range, int expectedStart, int expectedLength)
    {
        // Arrange
        await using var host = await StartWithObjectAsync();

        // Act
        using var get = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "data", ByteRange = new ByteRange(range) });
        var body = await TestData.ReadAllAsync(get.ResponseStream);

        // Assert
        Assert.Equal(HttpStatusCode.PartialContent, get.HttpStatusCode);
        Assert.Equal(Data.AsSpan(expectedStart, expectedLength).ToArray(), body);
        Assert.Equal($"bytes {expectedStart}-{expectedStart + expectedLength - 1}/100", get.ContentRange);
    }

    [Theory]
    [InlineData("bytes=100-")]
    [InlineData("bytes=200-300")]
    [InlineData("bytes=-0")]
    public async Task GetObject_WhenRangeIsNotSatisfiable_ShouldFailWithInvalidRange(string range)
    {
        // Arrange
        await using var host = await StartWithObjectAsync();

        // Act + Assert
        await TestData.AssertS3ErrorAsync("InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable,
            () => host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "data", ByteRange = new ByteRange(range) }));
    }

    [Fact]
    public async Task GetObject_WhenRangeRequested_ShouldNotSendTheWholeObjectChecksum()
    {
        // Arrange
        await using var host = await StartWithObjectAsync();

        // Act
        using var get = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "data", ByteRange = new ByteRange(0, 9) });
        var body = await TestData.ReadAllAsync(get.ResponseStream);

        // Assert: a whole-object checksum would make the SDK reject a correct partial body.
        Assert.Equal(10, body.Length);
        Assert.Null(get.ChecksumCRC32);
    }

    private static async Task<LocalS3Host> StartWithObjectAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "data", InputStream = new MemoryStream(Data) });
        return host;
    }
}
