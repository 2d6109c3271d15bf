using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>The public access block, ownership controls and the bucket policy: validated, stored, returned, deleted.</summary>
public class BucketAccessSettingsTests
{
    private const string Bucket = "access-settings";

    [Fact]
    public async Task PutPublicAccessBlock_WhenAllFourSettingsGiven_ShouldRoundTripAndDelete()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        await host.Client.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = Bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = false,
            },
        });
        var stored = await host.Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = Bucket });
        await host.Client.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = Bucket });
        var afterDelete = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            host.Client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = Bucket }));

        // Assert
        Assert.True(stored.PublicAccessBlockConfiguration.BlockPublicAcls);
        Assert.True(stored.PublicAccessBlockConfiguration.BlockPublicPolicy);
        Assert.False(stored.PublicAccessBlockConfiguration.RestrictPublicBuckets);
        Assert.Equal("NoSuchPublicAccessBlockConfiguration", afterDelete.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
    }

    [Fact]
    public async Task PutBucketOwnershipControls_WhenBucketOwnerEnforced_ShouldRoundTrip()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        await host.Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = Bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced }] },
        });
        var stored = await host.Client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = Bucket });

        // Assert
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, Assert.Single(stored.OwnershipControls.Rules).ObjectOwnership);
    }

    [Fact]
    public async Task PutBucketOwnershipControls_WhenTheOwnershipIsUnknown_ShouldRefuseAndStoreNothing()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => host.Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = Bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = new ObjectOwnership("Everyone") }] },
        }));
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            host.Client.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = Bucket }));

        // Assert
        Assert.Equal("InvalidArgument", error.ErrorCode);
        Assert.Contains("ObjectOwnership", error.Message, StringComparison.Ordinal);
        Assert.Equal("OwnershipControlsNotFoundError", missing.ErrorCode);
    }

    [Fact]
    public async Task PutBucketPolicy_WhenAStatementDeniesPlainHttp_ShouldReturnTheSameDocument()
    {
        // Arrange
        await using var host = await StartAsync();
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Sid":"DenyRequestsWithoutTls","Effect":"Deny","Principal":"*","Action":"s3:*",
            "Resource":["arn:aws:s3:::access-settings","arn:aws:s3:::access-settings/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """;

        // Act
        await host.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = Bucket, Policy = policy });
        var stored = await host.Client.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = Bucket });
        var objects = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });

        // Assert
        Assert.Equal(policy, stored.Policy);
        Assert.Empty(objects.S3Objects ?? []); // kept, not evaluated: this endpoint is plain HTTP with one owner
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Version":"2012-10-17"}""")]
    [InlineData("""{"Statement":[{"Effect":"Maybe"}]}""")]
    public async Task PutBucketPolicy_WhenTheDocumentIsNotAPolicy_ShouldRefuseWithMalformedPolicy(string policy)
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            host.Client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = Bucket, Policy = policy }));

        // Assert: nothing stored. The SDK does not raise GetBucketPolicy's 404, so the wire answer is checked.
        Assert.Equal("MalformedPolicy", error.ErrorCode);
        var request = RawRequests.Signed(HttpMethod.Get, host.Server.Endpoint, $"/{Bucket}/", null, RawRequests.EmptySha256, query: "policy");
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<Code>NoSuchBucketPolicy</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutBucketEncryption_WhenTheAlgorithmIsNotInTheModel_ShouldRefuse()
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => host.Client.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
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
                            ServerSideEncryptionAlgorithm = new ServerSideEncryptionMethod("ROT13"),
                        },
                    },
                ],
            },
        }));

        // Assert
        Assert.Equal("MalformedXML", error.ErrorCode);
    }

    private static async Task<LocalS3Host> StartAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
