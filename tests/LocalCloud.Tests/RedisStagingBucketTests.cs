using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The local cloud creates template.yaml's Redis staging bucket as declared: ACLs enabled, no lock, a day's life.</summary>
public sealed class RedisStagingBucketTests
{
    [Fact]
    public async Task Start_WithTheRepositoryTemplate_ShouldCreateTheRedisStagingBucketWithAclsEnabledAndOneDayExpiry()
    {
        using var folder = new TempFolder();
        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = TestCloud.RepositoryTemplate, StateDirectory = folder.Path, Clock = new VirtualTimeProvider(),
        });
        using var client = cloud.S3!.CreateClient();
        var staging = cloud.Stack.Buckets.Single(b => b.LogicalId == "RedisStagingBucket").BucketName;

        var ownership = await client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = staging });
        Assert.Equal(ObjectOwnership.BucketOwnerPreferred, Assert.Single(ownership.OwnershipControls.Rules).ObjectOwnership);
        var versioning = await client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = staging });
        Assert.NotEqual(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        var lifecycle = await client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = staging });
        var rule = Assert.Single(lifecycle.Configuration.Rules);
        Assert.Equal(1, rule.Expiration.Days);
        var block = (await client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = staging })).PublicAccessBlockConfiguration;
        Assert.True(block.BlockPublicAcls == true && block.IgnorePublicAcls == true && block.BlockPublicPolicy == true && block.RestrictPublicBuckets == true);
        var encryption = await client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = staging });
        Assert.Equal(ServerSideEncryptionMethod.AES256,
            Assert.Single(encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules).ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        var policy = await client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = staging });
        Assert.Contains("DenyRequestsWithoutTls", policy.Policy, StringComparison.Ordinal);
        var locked = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = staging }));
        Assert.Equal("ObjectLockConfigurationNotFoundError", locked.ErrorCode);
    }
}
