using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>
/// Object Lock against the server's fake clock: time only moves when a test advances it, so "before"
/// and "after" the retain-until date are exact, with no sleeping.
/// </summary>
public class ObjectLockTests
{
    private const string Bucket = "locked";

    [Fact]
    public async Task DeleteObject_WhenComplianceVersionIsRetained_ShouldBeDeniedUntilTheDatePasses()
    {
        // Arrange
        await using var host = await StartLockedAsync();
        var put = await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "wal/0001",
            ContentBody = "segment",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = host.Clock.GetUtcNow().UtcDateTime.AddDays(1),
        });
        var deleteVersion = new DeleteObjectRequest { BucketName = Bucket, Key = "wal/0001", VersionId = put.VersionId, BypassGovernanceRetention = true };

        // Act + Assert: denied before the date, even with the governance bypass.
        await TestData.AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => host.Client.DeleteObjectAsync(deleteVersion));
        host.Clock.Advance(TimeSpan.FromHours(23));
        await TestData.AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => host.Client.DeleteObjectAsync(deleteVersion));

        // Act + Assert: allowed once the date has passed.
        host.Clock.Advance(TimeSpan.FromHours(2));
        var deleted = await host.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = "wal/0001", VersionId = put.VersionId });
        Assert.Equal(put.VersionId, deleted.VersionId);
        await TestData.AssertS3ErrorAsync("NoSuchVersion", HttpStatusCode.NotFound,
            () => host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "wal/0001", VersionId = put.VersionId }));
    }

    [Fact]
    public async Task PutObjectRetention_WhenComplianceWouldBeShortened_ShouldBeDeniedButExtensionAllowed()
    {
        // Arrange
        await using var host = await StartLockedAsync();
        var now = host.Clock.GetUtcNow().UtcDateTime;
        var put = await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "k",
            ContentBody = "x",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = now.AddDays(10),
        });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => host.Client.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = Bucket,
            Key = "k",
            VersionId = put.VersionId,
            BypassGovernanceRetention = true,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Compliance, RetainUntilDate = now.AddDays(5) },
        }));
        await host.Client.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = Bucket,
            Key = "k",
            VersionId = put.VersionId,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Compliance, RetainUntilDate = now.AddDays(20) },
        });
        var retention = await host.Client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Bucket, Key = "k", VersionId = put.VersionId });
        Assert.Equal(ObjectLockRetentionMode.Compliance, retention.Retention.Mode);
        Assert.Equal(now.AddDays(20), retention.Retention.RetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task DeleteObject_WhenGovernanceRetained_ShouldNeedTheBypassHeader()
    {
        // Arrange
        await using var host = await StartLockedAsync();
        var put = await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "gov",
            ContentBody = "x",
            ObjectLockMode = ObjectLockMode.Governance,
            ObjectLockRetainUntilDate = host.Clock.GetUtcNow().UtcDateTime.AddDays(30),
        });

        // Act + Assert
        await TestData.AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden,
            () => host.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = "gov", VersionId = put.VersionId }));
        var bypassed = await host.Client.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = Bucket,
            Key = "gov",
            VersionId = put.VersionId,
            BypassGovernanceRetention = true,
        });
        Assert.Equal(HttpStatusCode.NoContent, bypassed.HttpStatusCode);
        var versions = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });
        Assert.Empty(versions.Versions ?? []);
    }

    [Fact]
    public async Task DeleteObject_WhenLegalHoldIsOn_ShouldBeDeniedUntilReleased()
    {
        // Arrange
        await using var host = await StartLockedAsync();
        var put = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "held", ContentBody = "x" });
        await host.Client.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = Bucket,
            Key = "held",
            VersionId = put.VersionId,
            LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
        });
        var delete = new DeleteObjectRequest { BucketName = Bucket, Key = "held", VersionId = put.VersionId, BypassGovernanceRetention = true };

        // Act + Assert
        var hold = await host.Client.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = Bucket, Key = "held", VersionId = put.VersionId });
        Assert.Equal(ObjectLockLegalHoldStatus.On, hold.LegalHold.Status);
        await TestData.AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => host.Client.DeleteObjectAsync(delete));
        await host.Client.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = Bucket,
            Key = "held",
            VersionId = put.VersionId,
            LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off },
        });
        var deleted = await host.Client.DeleteObjectAsync(delete);
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
    }

    [Fact]
    public async Task PutObject_WhenLegalHoldHeaderGiven_ShouldReportItOnHead()
    {
        // Arrange
        await using var host = await StartLockedAsync();

        // Act
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "held-at-birth",
            ContentBody = "x",
            ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        });
        var head = await host.Client.GetObjectMetadataAsync(Bucket, "held-at-birth");

        // Assert
        Assert.Equal(ObjectLockLegalHoldStatus.On, head.ObjectLockLegalHoldStatus);
    }

    [Fact]
    public async Task DeleteObject_WhenLockedBucketAndNoVersionId_ShouldOnlyAddADeleteMarker()
    {
        // Arrange
        await using var host = await StartLockedAsync();
        var put = await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "protected",
            ContentBody = "still here",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = host.Clock.GetUtcNow().UtcDateTime.AddDays(1),
        });

        // Act
        var delete = await host.Client.DeleteObjectAsync(Bucket, "protected");

        // Assert
        Assert.Equal("true", delete.DeleteMarker);
        using var locked = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "protected", VersionId = put.VersionId });
        Assert.Equal("still here", await new StreamReader(locked.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task PutObjectLockConfiguration_WhenDefaultRetentionSet_ShouldRoundTripAndApplyToNewVersions()
    {
        // Arrange
        await using var host = await StartLockedAsync();

        // Act
        await host.Client.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = Bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Governance, Days = 7 } },
            },
        });
        var configuration = await host.Client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = Bucket });
        var put = await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "defaulted", ContentBody = "x" });
        var retention = await host.Client.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = Bucket, Key = "defaulted" });

        // Assert
        Assert.Equal(ObjectLockRetentionMode.Governance, configuration.ObjectLockConfiguration.Rule.DefaultRetention.Mode);
        Assert.Equal(7, configuration.ObjectLockConfiguration.Rule.DefaultRetention.Days);
        Assert.Equal(ObjectLockRetentionMode.Governance, retention.Retention.Mode);
        Assert.Equal(host.Clock.GetUtcNow().UtcDateTime.AddDays(7), retention.Retention.RetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
        await TestData.AssertS3ErrorAsync("AccessDenied", HttpStatusCode.Forbidden,
            () => host.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = "defaulted", VersionId = put.VersionId }));
    }

    [Fact]
    public async Task GetObjectLockConfiguration_WhenBucketHasNoObjectLock_ShouldFailWithNotFoundError()
    {
        // Arrange
        await using var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync("plain");

        // Act + Assert
        await TestData.AssertS3ErrorAsync("ObjectLockConfigurationNotFoundError", HttpStatusCode.NotFound,
            () => host.Client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = "plain" }));
    }

    [Fact]
    public async Task PutBucketVersioning_WhenObjectLockEnabledAndSuspending_ShouldFailWithInvalidBucketState()
    {
        // Arrange
        await using var host = await StartLockedAsync();

        // Act + Assert
        var versioning = await host.Client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket });
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        await TestData.AssertS3ErrorAsync("InvalidBucketState", HttpStatusCode.Conflict, () =>
            host.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = Bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
            }));
    }

    private static async Task<LocalS3Host> StartLockedAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket, ObjectLockEnabledForBucket = true });
        return host;
    }
}
