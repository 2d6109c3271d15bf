using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

public class ConfigurationTests
{
    private const string Bucket = "configured";

    [Fact]
    public async Task PutLifecycleConfiguration_WhenRulesGiven_ShouldRoundTripAndDelete()
    {
        // Arrange
        await using var host = await StartAsync();
        var rule = new LifecycleRule
        {
            Id = "expire-old-wal",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "wal/" } },
            Expiration = new LifecycleRuleExpiration { Days = 35 },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 7 },
        };

        // Act
        await host.Client.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = Bucket,
            Configuration = new LifecycleConfiguration { Rules = [rule] },
        });
        var stored = await host.Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = Bucket });
        await host.Client.DeleteLifecycleConfigurationAsync(new DeleteLifecycleConfigurationRequest { BucketName = Bucket });

        // Assert
        var roundTripped = Assert.Single(stored.Configuration.Rules);
        Assert.Equal("expire-old-wal", roundTripped.Id);
        Assert.Equal(35, roundTripped.Expiration.Days);
        Assert.Equal(7, roundTripped.NoncurrentVersionExpiration.NoncurrentDays);
        Assert.Equal("wal/", Assert.IsType<LifecyclePrefixPredicate>(roundTripped.Filter.LifecycleFilterPredicate).Prefix);
        // The SDK turns this 404 into an empty result, so the wire answer is checked directly as well.
        var afterDelete = await host.Client.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = Bucket });
        Assert.Empty(afterDelete.Configuration?.Rules ?? []);
        await AssertRawErrorAsync(host, "?lifecycle", "NoSuchLifecycleConfiguration");
    }

    [Fact]
    public async Task PutBucketReplication_WhenVersioned_ShouldRoundTripAndDelete()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });

        // Act
        await host.Client.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = Bucket,
            Configuration = new ReplicationConfiguration
            {
                Role = "arn:aws:iam::123456789012:role/replication",
                Rules =
                [
                    new ReplicationRule
                    {
                        Id = "to-dr-region",
                        Status = ReplicationRuleStatus.Enabled,
                        Priority = 1,
                        Filter = new ReplicationRuleFilter { Prefix = "" },
                        DeleteMarkerReplication = new DeleteMarkerReplication { Status = DeleteMarkerReplicationStatus.Enabled },
                        Destination = new ReplicationDestination { BucketArn = "arn:aws:s3:::dr-copy" },
                    },
                ],
            },
        });
        var stored = await host.Client.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = Bucket });
        await host.Client.DeleteBucketReplicationAsync(new DeleteBucketReplicationRequest { BucketName = Bucket });

        // Assert
        Assert.Equal("arn:aws:iam::123456789012:role/replication", stored.Configuration.Role);
        var rule = Assert.Single(stored.Configuration.Rules);
        Assert.Equal("to-dr-region", rule.Id);
        Assert.Equal("arn:aws:s3:::dr-copy", rule.Destination.BucketArn);
        var afterDelete = await host.Client.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = Bucket });
        Assert.Empty(afterDelete.Configuration?.Rules ?? []);
        await AssertRawErrorAsync(host, "?replication", "ReplicationConfigurationNotFoundError");
    }

    [Fact]
    public async Task PutBucketReplication_WhenBucketIsNotVersioned_ShouldFailWithInvalidRequest()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act + Assert
        await TestData.AssertS3ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () =>
            host.Client.PutBucketReplicationAsync(new PutBucketReplicationRequest
            {
                BucketName = Bucket,
                Configuration = new ReplicationConfiguration
                {
                    Role = "arn:aws:iam::123456789012:role/replication",
                    Rules = [new ReplicationRule { Id = "r", Status = ReplicationRuleStatus.Enabled,
                    Destination = new ReplicationDestination { BucketArn = "arn:aws:s3:::x" } }],
                },
            }));
    }

    [Fact]
    public async Task PutBucketEncryption_WhenKmsRuleGiven_ShouldRoundTripAndDelete()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        await host.Client.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = Bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                        {
                            ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS,
                            ServerSideEncryptionKeyManagementServiceKeyId = "arn:aws:kms:us-east-1:123456789012:key/backup",
                        },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });
        var stored = await host.Client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = Bucket });
        await host.Client.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = Bucket });

        // Assert
        var rule = Assert.Single(stored.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.Equal("arn:aws:kms:us-east-1:123456789012:key/backup", rule.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(rule.BucketKeyEnabled);
        var afterDelete = await host.Client.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = Bucket });
        Assert.Empty(afterDelete.ServerSideEncryptionConfiguration?.ServerSideEncryptionRules ?? []);
        await AssertRawErrorAsync(host, "?encryption", "ServerSideEncryptionConfigurationNotFoundError");
    }

    /// <summary>GET /bucket/?subresource signed by hand, asserting S3's 404 error document.</summary>
    private static async Task AssertRawErrorAsync(LocalS3Host host, string query, string code)
    {
        var request = RawRequests.Signed(HttpMethod.Get, host.Server.Endpoint, $"/{Bucket}/", null, RawRequests.EmptySha256, query: query[1..]);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains($"<Code>{code}</Code>", await response.Content.ReadAsStringAsync());
    }

    private static async Task<LocalS3Host> StartAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
