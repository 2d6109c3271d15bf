using System.Net;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class TaggingTests
{
    private const string Bucket = "tags";

    [Fact]
    public async Task PutObject_WhenTaggingHeaderGiven_ShouldStoreTheTags()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "tagged",
            ContentBody = "x",
            TagSet = [new Tag { Key = "engine", Value = "mongo db" }, new Tag { Key = "tier", Value = "a&b=c" }],
        });
        var tags = await host.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = Bucket, Key = "tagged" });
        using var get = await host.Client.GetObjectAsync(Bucket, "tagged");

        // Assert
        Assert.Equal(["engine=mongo db", "tier=a&b=c"], tags.Tagging.Select(tag => $"{tag.Key}={tag.Value}").Order().ToArray());
        Assert.Equal(2, get.TagCount);
    }

    [Fact]
    public async Task PutObjectTagging_WhenReplacingAndDeleting_ShouldReflectEachChange()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "k", ContentBody = "x" });

        // Act
        await host.Client.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = Bucket,
            Key = "k",
            Tagging = new Tagging { TagSet = [new Tag { Key = "retention", Value = "35d" }] },
        });
        var afterPut = await host.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = Bucket, Key = "k" });
        await host.Client.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = Bucket, Key = "k" });
        var afterDelete = await host.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = Bucket, Key = "k" });

        // Assert
        Assert.Equal("35d", Assert.Single(afterPut.Tagging).Value);
        Assert.Empty(afterDelete.Tagging ?? []);
    }

    [Fact]
    public async Task PutObjectTagging_WhenTooManyTags_ShouldFailWithInvalidArgument()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "k", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("InvalidArgument", HttpStatusCode.BadRequest, () => host.Client.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = Bucket,
            Key = "k",
            Tagging = new Tagging { TagSet = Enumerable.Range(0, 11).Select(i => new Tag { Key = $"k{i}", Value = "v" }).ToList() },
        }));
    }

    private static async Task<LocalS3Host> StartAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
