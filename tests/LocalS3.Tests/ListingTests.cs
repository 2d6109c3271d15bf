using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class ListingTests
{
    private const string Bucket = "listing";
    private static readonly string[] Keys =
    [
        "logs/2024/a.log", "logs/2024/b.log", "logs/2025/c.log", "logs/top.log",
        "snapshots/pg/1.dump", "snapshots/pg/2.dump", "snapshots/redis/1.rdb", "zeta",
    ];

    [Fact]
    public async Task ListObjectsV2_WhenPrefixAndDelimiterGiven_ShouldRollUpCommonPrefixes()
    {
        // Arrange
        await using var host = await StartWithKeysAsync();

        // Act
        var result = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "logs/", Delimiter = "/" });

        // Assert
        Assert.Equal(["logs/top.log"], result.S3Objects.Select(entry => entry.Key).ToArray());
        Assert.Equal(["logs/2024/", "logs/2025/"], result.CommonPrefixes.ToArray());
        Assert.Equal(3, result.KeyCount);
    }

    [Fact]
    public async Task ListObjectsV2_WhenMaxKeysIsSmall_ShouldPageThroughEveryKeyOnceInOrder()
    {
        // Arrange
        await using var host = await StartWithKeysAsync();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;

        // Act
        do
        {
            var page = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 3, ContinuationToken = token });
            seen.AddRange(page.S3Objects.Select(entry => entry.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            pages++;
        }
        while (token is not null);

        // Assert
        Assert.Equal(Keys.Order(StringComparer.Ordinal).ToArray(), seen.ToArray());
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task ListObjectsV2_WhenPagingWithDelimiter_ShouldNotRepeatCommonPrefixes()
    {
        // Arrange
        await using var host = await StartWithKeysAsync();
        var prefixes = new List<string>();
        var keys = new List<string>();
        string? token = null;

        // Act
        do
        {
            var page =
                await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Delimiter = "/", MaxKeys = 1, ContinuationToken = token });
            prefixes.AddRange(page.CommonPrefixes ?? []);
            keys.AddRange(page.S3Objects?.Select(entry => entry.Key) ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        // Assert
        Assert.Equal(["logs/", "snapshots/"], prefixes.ToArray());
        Assert.Equal(["zeta"], keys.ToArray());
    }

    [Fact]
    public async Task ListObjectsV2_WhenStartAfterGiven_ShouldListOnlyLaterKeys()
    {
        // Arrange
        await using var host = await StartWithKeysAsync();

        // Act
        var result = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, StartAfter = "snapshots/pg/2.dump" });

        // Assert
        Assert.Equal(["snapshots/redis/1.rdb", "zeta"], result.S3Objects.Select(entry => entry.Key).ToArray());
    }

    [Fact]
    public async Task ListObjects_WhenVersion1MarkerGiven_ShouldContinueAfterIt()
    {
        // Arrange
        await using var host = await StartWithKeysAsync();

        // Act
        var result = await host.Client.ListObjectsAsync(new ListObjectsRequest { BucketName = Bucket, Marker = "logs/top.log", MaxKeys = 2 });

        // Assert
        Assert.Equal(["snapshots/pg/1.dump", "snapshots/pg/2.dump"], result.S3Objects.Select(entry => entry.Key).ToArray());
        Assert.True(result.IsTruncated);
    }

    [Fact]
    public async Task ListObjectsV2_WhenUrlEncodingRequested_ShouldReturnKeysEveryUrlDecoderRestores()
    {
        // Arrange
        await using var host = await StartWithKeysAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "odd/a b+c%d&e", ContentBody = "x" });

        // Act
        var result = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "odd/", Encoding = EncodingType.Url });

        // Assert: spaces as %20 and '+' as %2B, so both plain and form (plus-as-space) decoders agree.
        var encoded = Assert.Single(result.S3Objects).Key;
        Assert.NotEqual("odd/a b+c%d&e", encoded);
        Assert.Equal("odd/a b+c%d&e", Uri.UnescapeDataString(encoded));
        Assert.Equal("odd/a b+c%d&e", System.Net.WebUtility.UrlDecode(encoded));
    }

    private static async Task<LocalS3Host> StartWithKeysAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        foreach (var key in Keys.Reverse())
        {
            await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = key });
        }

        return host;
    }
}
