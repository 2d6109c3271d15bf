using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The local cloud creates buckets as template.yaml declares them and brings an earlier run's buckets in line.</summary>
public sealed class BucketProvisioningTests
{
    [Fact]
    public async Task Start_WithTheRepositoryTemplate_ShouldApplyEveryBucketPropertyTheTemplateDeclares()
    {
        using var folder = new TempFolder();
        await using var cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = TestCloud.RepositoryTemplate, StateDirectory = folder.Path, Clock = new VirtualTimeProvider(),
        });
        using var client = cloud.S3!.CreateClient();
        var backup = cloud.Stack.Buckets.Single(b => b.LogicalId == "BackupBucket").BucketName;
        var audit = cloud.Stack.Buckets.Single(b => b.LogicalId == "AuditBucket").BucketName;

        foreach (var bucket in new[] { backup, audit })
        {
            var versioning = await client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
            Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
            var encryption = await client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
            var rule = Assert.Single(encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
            Assert.Equal(ServerSideEncryptionMethod.AES256, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
            var block = (await client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
            Assert.True(block.BlockPublicAcls == true && block.IgnorePublicAcls == true);
            Assert.True(block.BlockPublicPolicy == true && block.RestrictPublicBuckets == true);
            var ownership = await client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket });
            Assert.Equal(ObjectOwnership.BucketOwnerEnforced, Assert.Single(ownership.OwnershipControls.Rules).ObjectOwnership);
            var policy = await client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket });
            Assert.Contains("DenyRequestsWithoutTls", policy.Policy, StringComparison.Ordinal);
            Assert.Contains($"arn:aws:s3:::{bucket}/*", policy.Policy, StringComparison.Ordinal);
        }

        var backupLock = await client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = backup });
        Assert.Equal(ObjectLockEnabled.Enabled, backupLock.ObjectLockConfiguration.ObjectLockEnabled);
        Assert.Null(backupLock.ObjectLockConfiguration.Rule?.DefaultRetention); // the catalog sets retention per tier
        var auditLock = await client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = audit });
        Assert.Equal(ObjectLockRetentionMode.Compliance, auditLock.ObjectLockConfiguration.Rule.DefaultRetention.Mode);
        Assert.Equal(365, auditLock.ObjectLockConfiguration.Rule.DefaultRetention.Days);
        var lifecycle = await client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = backup });
        Assert.Equal(
            ["abort-incomplete-uploads", "expire-job-results", "expire-daily-tier", "expire-hourly-tier", "expire-six-hourly-tier",
                "weekly-tier-to-glacier-instant-retrieval-then-expire", "monthly-tier-to-glacier-instant-retrieval-then-expire"],
            lifecycle.Configuration.Rules.Select(r => r.Id));
        Assert.Empty(cloud.BucketChanges);
    }

    [Fact]
    public async Task Start_WhenTheTemplateNowDeclaresVersioningAndObjectLock_ShouldBringTheExistingBucketInLineAndSayWhatDiffers()
    {
        using var folder = new TempFolder();
        var state = Path.Combine(folder.Path, "state");
        var before = TestCloud.WriteTemplate(folder, new Dictionary<string, string>(), Bucket(string.Empty));
        string oldVersion;
        await using (var first = await StartAsync(before, state))
        {
            using var client = first.S3!.CreateClient();
            oldVersion = (await client.PutObjectAsync(new PutObjectRequest { BucketName = "drill-reports", Key = "old.json", ContentBody = "{}" })).VersionId;
        }

        var after = TestCloud.WriteTemplate(folder, new Dictionary<string, string>(), Bucket("""
                  ObjectLockEnabled: true
                  ObjectLockConfiguration:
                    ObjectLockEnabled: Enabled
                    Rule:
                      DefaultRetention:
                        Mode: GOVERNANCE
                        Days: 3
                  VersioningConfiguration:
                    Status: Enabled
                  BucketEncryption:
                    ServerSideEncryptionConfiguration:
                      - ServerSideEncryptionByDefault:
                          SSEAlgorithm: AES256

            """));
        await using var second = await StartAsync(after, state);
        using var s3 = second.S3!.CreateClient();

        var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "drill-reports" });
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        var lockConfiguration = await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = "drill-reports" });
        Assert.Equal(ObjectLockRetentionMode.Governance, lockConfiguration.ObjectLockConfiguration.Rule.DefaultRetention.Mode);
        Assert.NotNull(await s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "drill-reports" }));
        Assert.Contains(second.BucketChanges, c => c.Contains("versioning never enabled → Enabled", StringComparison.Ordinal));
        Assert.Contains(second.BucketChanges,
            c => c.Contains("Object Lock turned on", StringComparison.Ordinal) && c.Contains("rm -rf", StringComparison.Ordinal));
        var fresh = await s3.PutObjectAsync(new PutObjectRequest { BucketName = "drill-reports", Key = "new.json", ContentBody = "{}" });
        var locked = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "drill-reports", Key = "new.json", VersionId = fresh.VersionId }));
        Assert.Equal("AccessDenied", locked.ErrorCode);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "drill-reports", Key = "old.json", VersionId = oldVersion ?? "null" });
    }

    [Fact]
    public async Task Start_WhenTheLocalBucketHasObjectLockButTheTemplateNoLonger_ShouldRefuseSayingHowToReset()
    {
        using var folder = new TempFolder();
        var state = Path.Combine(folder.Path, "state");
        var locked = TestCloud.WriteTemplate(folder, new Dictionary<string, string>(), Bucket("""
                  ObjectLockEnabled: true

            """));
        await using (await StartAsync(locked, state))
        {
        }

        var unlocked = TestCloud.WriteTemplate(folder, new Dictionary<string, string>(), Bucket(string.Empty));
        var error = await Assert.ThrowsAsync<LocalCloudException>(() => StartAsync(unlocked, state));

        Assert.Contains("ReportBucket", error.Message, StringComparison.Ordinal);
        Assert.Contains("ObjectLockEnabled", error.Message, StringComparison.Ordinal);
        Assert.Contains("rm -rf " + Path.Combine(state, "s3"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WhenABucketPropertyCannotBeApplied_ShouldRefuseNamingIt()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string>(), Bucket("""
                  WebsiteConfiguration:
                    IndexDocument: index.html

            """));

        var error = await Assert.ThrowsAsync<StackLoadException>(() => StartAsync(template, Path.Combine(folder.Path, "state")));

        Assert.StartsWith("ReportBucket.WebsiteConfiguration:", error.Message, StringComparison.Ordinal);
    }

    private static Task<LocalCloudHost> StartAsync(string template, string state) =>
        LocalCloudHost.StartAsync(new LocalCloudOptions { TemplatePath = template, StateDirectory = state, Clock = new VirtualTimeProvider() });

    private static string Bucket(string properties) => $"""
          ReportBucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: drill-reports
        {properties}
        """;
}

/// <summary>After a drill: its backups sit under Object Lock and AuditVerify reports an overwritten audit event.</summary>
internal static class DrillBuckets
{
    public static async Task AssertBackupsLockedAndOverwriteReportedAsync(string stateRoot)
    {
        string overwritten;
        await using (var server = await DisasterRecovery.LocalS3.LocalS3Server.StartAsync(new DisasterRecovery.LocalS3.LocalS3Options
        {
            StateDirectory = Path.Combine(stateRoot, "cloud", "s3"), Port = 0, RequestLog = null,
        }))
        {
            var connection = new DisasterRecovery.LocalS3.S3Connection(server.Endpoint, server.AccessKeyId, server.SecretAccessKey, server.Region);
            using var client = connection.CreateClient();
            var buckets = (await client.ListBucketsAsync()).Buckets.Select(b => b.BucketName).ToList();
            var backupBucket = buckets.Single(b => b.Contains("-backups-", StringComparison.Ordinal));
            var auditBucket = buckets.Single(b => b.Contains("-audit-logs-", StringComparison.Ordinal));

            // Every version of the drill's backup objects refuses deletion, even with the governance bypass (COMPLIANCE).
            var versions = (await client.ListVersionsAsync(new ListVersionsRequest { BucketName = backupBucket, Prefix = "backups/" })).Versions;
            Assert.NotEmpty(versions);
            foreach (var version in versions.Take(3))
            {
                var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.DeleteObjectAsync(new DeleteObjectRequest
                {
                    BucketName = backupBucket, Key = version.Key, VersionId = version.VersionId, BypassGovernanceRetention = true,
                }));
                Assert.Equal("AccessDenied", error.ErrorCode);
            }

            // A second version written over an audit event's key.
            var events = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = auditBucket, Prefix = "audit/events/" });
            overwritten = events.S3Objects[^1].Key;
            await client.PutObjectAsync(new PutObjectRequest { BucketName = auditBucket, Key = overwritten, ContentBody = "{\"forged\":true}" });
        }

        var run = await CliRun.RunAsync(stateRoot, null, "invoke", "AuditVerifyFunction");

        Assert.Contains("\"rewritten\"", run.Output, StringComparison.Ordinal);
        Assert.Contains(overwritten, run.Output, StringComparison.Ordinal);
        Assert.Contains("\"bucketProtection\"", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\"protected\": false", run.Output, StringComparison.Ordinal);
    }
}
