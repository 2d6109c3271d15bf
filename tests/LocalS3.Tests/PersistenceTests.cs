using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalS3.Credentials;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class PersistenceTests
{
    private const string Bucket = "durable";

    [Fact]
    public async Task Restart_WhenStateFolderIsReused_ShouldKeepObjectsVersionsTagsRetentionAndConfiguration()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, ObjectLockEnabledForBucket = true });
        await host.Client.PutBucketAsync("plain-bucket");
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = "plain-bucket", Key = "dir/a", ContentBody = "plain" });
        var v1 = await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "base.backup",
            ContentBody = "version one",
            TagSet = [new Tag { Key = "kind", Value = "full" }],
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = host.Clock.GetUtcNow().UtcDateTime.AddDays(3),
        });
        var v2 = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "base.backup", ContentBody = "version two" });
        var marker = await host.Client.DeleteObjectAsync(Bucket, "base.backup");
        await host.Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = Bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules = [new LifecycleRule { Id = "keep", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter(),
                    Expiration = new LifecycleRuleExpiration { Days = 90 } }],
            },
        });

        // Act
        await host.RestartAsync();

        // Assert
        var buckets = await host.Client.ListBucketsAsync();
        Assert.Equal(["durable", "plain-bucket"], buckets.Buckets.Select(bucket => bucket.BucketName).Order().ToArray());
        var plain = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "plain-bucket" });
        Assert.Equal("dir/a", Assert.Single(plain.S3Objects).Key);
        var versions = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });
        Assert.Equal([marker.VersionId, v2.VersionId, v1.VersionId], versions.Versions.Select(version => version.VersionId).ToArray());
        Assert.True(versions.Versions[0].IsDeleteMarker);
        using var first = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "base.backup", VersionId = v1.VersionId });
        Assert.Equal("version one", await new StreamReader(first.ResponseStream).ReadToEndAsync());
        var tags = await host.Client.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = Bucket, Key = "base.backup", VersionId = v1.VersionId });
        Assert.Equal("full", Assert.Single(tags.Tagging).Value);
        var retention =
            await host.Client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Bucket, Key = "base.backup", VersionId = v1.VersionId });
        Assert.Equal(ObjectLockRetentionMode.Compliance, retention.Retention.Mode);
        await TestData.AssertS3ErrorAsync("AccessDenied", System.Net.HttpStatusCode.Forbidden,
            () => host.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = "base.backup", VersionId = v1.VersionId }));
        var lifecycle = await host.Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = Bucket });
        Assert.Equal(90, Assert.Single(lifecycle.Configuration.Rules).Expiration.Days);

        // And new versions keep sorting after the old ones (the sequence resumes past what is on disk).
        var v3 = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "base.backup", ContentBody = "version three" });
        var latest = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });
        Assert.Equal(v3.VersionId, latest.Versions[0].VersionId);
    }

    [Fact]
    public async Task StartAsync_WhenNoKeysGiven_ShouldGenerateAPrivateCredentialsFileAndReuseItOnRestart()
    {
        // Arrange
        var state = Path.Combine(Path.GetTempPath(), "locals3-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // Act
            string firstKey;
            await using (var first = await LocalS3Server.StartAsync(new LocalS3Options { StateDirectory = state, RequestLog = null }))
            {
                firstKey = first.AccessKeyId;
                Assert.Equal(Path.Combine(state, CredentialsFile.FileName), first.CredentialsFilePath);
            }

            await using var second = await LocalS3Server.StartAsync(new LocalS3Options { StateDirectory = state, RequestLog = null });
            using var client = new AmazonS3Client(second.AccessKeyId, second.SecretAccessKey,
                new AmazonS3Config { ServiceURL = second.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = second.Region });
            var buckets = await client.ListBucketsAsync();

            // Assert
            Assert.Equal(firstKey, second.AccessKeyId);
            Assert.Empty(buckets.Buckets ?? []);
            var path = Path.Combine(state, CredentialsFile.FileName);
            Assert.Contains("[local-s3]", await File.ReadAllTextAsync(path));
            Assert.Equal((byte)'#', (await File.ReadAllBytesAsync(path))[0]);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
