using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class BucketTests
{
    [Fact]
    public async Task PutBucket_WhenNameIsNew_ShouldBeListedAndHeadable()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();

        // Act
        await host.Client.PutBucketAsync("backups-primary");
        var buckets = await host.Client.ListBucketsAsync();
        var head = await host.Client.HeadBucketAsync(new HeadBucketRequest { BucketName = "backups-primary" });

        // Assert
        Assert.Contains(buckets.Buckets, bucket => bucket.BucketName == "backups-primary");
        Assert.Equal(HttpStatusCode.OK, head.HttpStatusCode);
    }

    [Fact]
    public async Task PutBucket_WhenBucketAlreadyExists_ShouldFailWithBucketAlreadyOwnedByYou()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("twice");

        // Act + Assert
        await TestData.AssertS3ErrorAsync("BucketAlreadyOwnedByYou", HttpStatusCode.Conflict, () => host.Client.PutBucketAsync("twice"));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper-Case")]
    [InlineData("under_score")]
    [InlineData("-leading-hyphen")]
    [InlineData("double..dots")]
    [InlineData("192.168.10.20")]
    [InlineData("xn--reserved-prefix")]
    [InlineData("ends-with--ol-s3")]
    public async Task PutBucket_WhenNameIsInvalid_ShouldFailWithInvalidBucketName(string name)
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();

        // Act + Assert
        await TestData.AssertS3ErrorAsync("InvalidBucketName", HttpStatusCode.BadRequest, () => host.Client.PutBucketAsync(name));
        Assert.False(Directory.Exists(Path.Combine(host.StateDirectory, "buckets", name)));
    }

    [Fact]
    public async Task DeleteBucket_WhenBucketHasObjects_ShouldFailWithBucketNotEmpty()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("full");
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = "full", Key = "k", ContentBody = "x" });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("BucketNotEmpty", HttpStatusCode.Conflict, () => host.Client.DeleteBucketAsync("full"));
    }

    [Fact]
    public async Task DeleteBucket_WhenEmpty_ShouldRemoveTheBucket()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("empty-soon");
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = "empty-soon", Key = "k", ContentBody = "x" });
        await host.Client.DeleteObjectAsync("empty-soon", "k");

        // Act
        await host.Client.DeleteBucketAsync("empty-soon");

        // Assert
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.HeadBucketAsync(new HeadBucketRequest { BucketName = "empty-soon" }));
        await TestData.AssertS3ErrorAsync("NoSuchBucket", HttpStatusCode.NotFound, () =>
            host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "empty-soon" }));
    }

    [Fact]
    public async Task GetBucketLocation_WhenUsEast1_ShouldReturnTheEmptyLegacyConstraint()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("located");

        // Act
        var location = await host.Client.GetBucketLocationAsync("located");

        // Assert
        Assert.Equal(S3Region.USEast1, location.Location);
    }

    [Fact]
    public async Task GetBucketAcl_WhenCalled_ShouldFailWithNotImplementedInsteadOfPretending()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("no-acl");

        // Act + Assert
        await TestData.AssertS3ErrorAsync("NotImplemented", HttpStatusCode.NotImplemented,
            () => host.Client.GetBucketAclAsync(new GetBucketAclRequest { BucketName = "no-acl" }));
    }

    [Fact]
    public async Task PutBucketTagging_WhenTagsGiven_ShouldRoundTripAndDeleteToNoSuchTagSet()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("tagged-bucket");

        // Act
        await host.Client.PutBucketTaggingAsync(new PutBucketTaggingRequest
        {
            BucketName = "tagged-bucket",
            TagSet = [new Tag { Key = "env", Value = "dr" }],
        });
        var tags = await host.Client.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = "tagged-bucket" });
        await host.Client.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = "tagged-bucket" });

        // Assert
        Assert.Equal("dr", Assert.Single(tags.TagSet).Value);
        await TestData.AssertS3ErrorAsync("NoSuchTagSet", HttpStatusCode.NotFound,
            () => host.Client.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = "tagged-bucket" }));
    }
}
