using System.Text;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class KeySafetyTests
{
    private const string Bucket = "keys";

    [Theory]
    [InlineData("../../../../escape.txt")]
    [InlineData("a/../../b/./c")]
    [InlineData("..")]
    [InlineData("日本語/ファイル名 with space+plus%25.txt")]
    [InlineData("emoji/🦀/x")]
    [InlineData("double//slash/")]
    public async Task PutObject_WhenKeyHasDotSegmentsOrUnicode_ShouldStoreListAndReadItVerbatimInsideTheStateFolder(string key)
    {
        // Arrange
        // The state folder sits a few levels deep in a sandbox of its own, so "../" escapes would land in it.
        var sandbox = Path.Combine(Path.GetTempPath(), "locals3-tests", "sandbox-" + Guid.NewGuid().ToString("N"));
        var state = Path.Combine(sandbox, "one", "two", "state");
        await using var host = await LocalS3Host.StartAsync(state);
        await host.Client.PutBucketAsync(Bucket);

        // Act
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "value of " + key });
        var listing = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        using var get = await host.Client.GetObjectAsync(Bucket, key);
        var body = await new StreamReader(get.ResponseStream, Encoding.UTF8).ReadToEndAsync();

        // Assert
        Assert.Equal(key, Assert.Single(listing.S3Objects).Key);
        Assert.Equal("value of " + key, body);
        var outsideState = Directory.GetFileSystemEntries(sandbox, "*", SearchOption.AllDirectories)
            .Where(entry => !Path.GetFullPath(entry).StartsWith(Path.GetFullPath(state), StringComparison.Ordinal));
        Assert.Equal([Path.Combine(sandbox, "one"), Path.Combine(sandbox, "one", "two")], outsideState.Order().ToArray());
        var stateRoot = Path.GetFullPath(host.StateDirectory) + Path.DirectorySeparatorChar;
        Assert.All(Directory.GetFiles(host.StateDirectory, "*", SearchOption.AllDirectories),
            file => Assert.StartsWith(stateRoot, Path.GetFullPath(file)));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(host.StateDirectory, "*", SearchOption.AllDirectories),
            entry => entry.Contains("escape", StringComparison.Ordinal) || entry.Contains("ファイル", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListObjectsV2_WhenKeysUseNonAsciiCharacters_ShouldSortByUtf8Bytes()
    {
        // Arrange: U+FF21 (fullwidth A) sorts before U+1F980 (an emoji) in UTF-8, not in UTF-16 ordinal order.
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        string[] keys = ["\U0001F980", "\uFF21", "a", "é"];
        foreach (var key in keys)
        {
            await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "x" });
        }

        // Act
        var listing = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });

        // Assert
        Assert.Equal(["a", "é", "\uFF21", "\U0001F980"], listing.S3Objects.Select(entry => entry.Key).ToArray());
    }
}
