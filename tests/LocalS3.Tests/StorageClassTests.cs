using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalS3.Tests;

/// <summary>
/// Storage classes as S3 accepts and reports them, and the archived classes' refusal to be read: GLACIER and
/// DEEP_ARCHIVE objects answer HEAD but fail GET (whole, ranged, by part) and copies with 403 InvalidObjectState,
/// which the real AWSSDK.S3 client surfaces on GET as its modelled <see cref="InvalidObjectStateException"/> (an
/// AmazonS3Exception) and on copies, where the model names no such error, as AmazonS3Exception with that code.
/// </summary>
public class StorageClassTests
{
    private const string Bucket = "classes";

    [Fact]
    public async Task PutObject_WhenStorageClassGiven_ShouldReportItOnHeadGetAndEveryListing()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });

        // Act
        await host.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "a-standard", ContentBody = "s" });
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = "b-ia", ContentBody = "i",
            StorageClass = S3StorageClass.StandardInfrequentAccess
        });
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = "c-ir", ContentBody = "r",
            StorageClass = S3StorageClass.GlacierInstantRetrieval
        });
        var headStandard = await host.Client.GetObjectMetadataAsync(Bucket, "a-standard");
        var headIa = await host.Client.GetObjectMetadataAsync(Bucket, "b-ia");
        using var getIr = await host.Client.GetObjectAsync(Bucket, "c-ir");
        var v2 = await host.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        var v1 = await host.Client.ListObjectsAsync(new ListObjectsRequest { BucketName = Bucket });
        var versions = await host.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket });

        // Assert: S3 sends x-amz-storage-class for every class but STANDARD; listings always name the class.
        Assert.Null(headStandard.StorageClass);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, headIa.StorageClass);
        Assert.Equal(S3StorageClass.GlacierInstantRetrieval, getIr.StorageClass);
        string[] expected = ["STANDARD", "STANDARD_IA", "GLACIER_IR"];
        Assert.Equal(expected, v2.S3Objects.Select(o => o.StorageClass.Value));
        Assert.Equal(expected, v1.S3Objects.Select(o => o.StorageClass.Value));
        Assert.Equal(expected, versions.Versions.Select(v => v.StorageClass.Value));
    }

    [Theory]
    [InlineData("OUTPOSTS")]
    [InlineData("EXPRESS_ONEZONE")]
    [InlineData("GLACIER-IR")]
    public async Task PutObject_WhenStorageClassIsNotOneAGeneralPurposeBucketStores_ShouldFailWithInvalidStorageClassAndStoreNothing(string storageClass)
    {
        // Arrange
        await using var host = await StartAsync();

        // Act
        var refused = await TestData.AssertS3ErrorAsync("InvalidStorageClass", HttpStatusCode.BadRequest, () => host.Client.PutObjectAsync(
            new PutObjectRequest { BucketName = Bucket, Key = "k", ContentBody = "x", StorageClass = new S3StorageClass(storageClass) }));

        // Assert
        Assert.Equal("The storage class you specified is not valid", refused.Message);
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "k"));
    }

    [Theory]
    [InlineData("GLACIER")]
    [InlineData("DEEP_ARCHIVE")]
    public async Task GetObject_WhenObjectIsArchived_ShouldFailWithInvalidObjectStateWhileHeadStillAnswers(string storageClass)
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "archived",
            InputStream = new MemoryStream(TestData.Bytes(1000)),
            StorageClass = new S3StorageClass(storageClass),
        });

        // Act
        var whole = await Assert.ThrowsAsync<InvalidObjectStateException>(() => host.Client.GetObjectAsync(Bucket, "archived"));
        var ranged = await Assert.ThrowsAsync<InvalidObjectStateException>(() => host.Client.GetObjectAsync(
            new GetObjectRequest { BucketName = Bucket, Key = "archived", ByteRange = new ByteRange(0, 9) }));
        var part = await Assert.ThrowsAsync<InvalidObjectStateException>(() => host.Client.GetObjectAsync(
            new GetObjectRequest { BucketName = Bucket, Key = "archived", PartNumber = 1 }));
        // CopyObject does not model InvalidObjectState, so the SDK raises its base exception with the code.
        var copy = await TestData.AssertS3ErrorAsync("InvalidObjectState", HttpStatusCode.Forbidden, () => host.Client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = "archived",
            DestinationBucket = Bucket,
            DestinationKey = "copy",
        }));
        var head = await host.Client.GetObjectMetadataAsync(Bucket, "archived");

        // Assert
        foreach (var failure in new[] { whole, ranged, part })
        {
            Assert.Equal("InvalidObjectState", failure.ErrorCode);
            Assert.Equal(HttpStatusCode.Forbidden, failure.StatusCode);
            Assert.Equal(storageClass, failure.StorageClass.Value);
        }

        Assert.Equal("The operation is not valid for the object's storage class", copy.Message);

        Assert.Equal(storageClass, head.StorageClass.Value);
        Assert.Equal(1000, head.ContentLength);
        await TestData.AssertStatusAsync(HttpStatusCode.NotFound, () => host.Client.GetObjectMetadataAsync(Bucket, "copy"));
    }

    [Fact]
    public async Task UploadPartCopy_WhenSourceIsInGlacier_ShouldFailWithInvalidObjectState()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = "archived", ContentBody = "cold",
            StorageClass = S3StorageClass.Glacier
        });
        var upload = await host.Client.InitiateMultipartUploadAsync(Bucket, "target");

        // Act
        var failure = await TestData.AssertS3ErrorAsync("InvalidObjectState", HttpStatusCode.Forbidden, () => host.Client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = Bucket,
            SourceKey = "archived",
            DestinationBucket = Bucket,
            DestinationKey = "target",
            UploadId = upload.UploadId,
            PartNumber = 1,
        }));

        // Assert
        Assert.Equal("The operation is not valid for the object's storage class", failure.Message);
        Assert.Empty((await host.Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "target", UploadId = upload.UploadId })).Parts ?? []);
    }

    [Fact]
    public async Task GetObject_WhenObjectIsInGlacierInstantRetrieval_ShouldReadWholeAndRangedLikeAnyOther()
    {
        // Arrange
        await using var host = await StartAsync();
        var bytes = TestData.Bytes(200_000);
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = "instant",
            InputStream = new MemoryStream(bytes),
            StorageClass = S3StorageClass.GlacierInstantRetrieval,
        });

        // Act
        using var whole = await host.Client.GetObjectAsync(Bucket, "instant");
        var wholeBytes = await TestData.ReadAllAsync(whole.ResponseStream);
        using var range = await host.Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "instant", ByteRange = new ByteRange(100, 199) });
        var rangeBytes = await TestData.ReadAllAsync(range.ResponseStream);

        // Assert
        Assert.Equal(bytes, wholeBytes);
        Assert.Equal(bytes[100..200], rangeBytes);
    }

    [Fact]
    public async Task CreateMultipartUpload_WhenStorageClassGiven_ShouldReportItForTheUploadAndTheCompletedObject()
    {
        // Arrange
        await using var host = await StartAsync();
        var upload = await host.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "big",
            StorageClass = S3StorageClass.StandardInfrequentAccess,
        });
        var part = await host.Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(TestData.Bytes(1000)),
        });

        // Act
        var uploads = await host.Client.ListMultipartUploadsAsync(Bucket);
        var parts = await host.Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "big", UploadId = upload.UploadId });
        await host.Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });
        var head = await host.Client.GetObjectMetadataAsync(Bucket, "big");

        // Assert
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, Assert.Single(uploads.MultipartUploads).StorageClass);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, parts.StorageClass);
        Assert.Equal(S3StorageClass.StandardInfrequentAccess, head.StorageClass);
    }

    [Fact]
    public async Task CopyObject_WhenOntoItselfWithAnotherStorageClass_ShouldChangeTheClassButACopyWithoutOneIsStandard()
    {
        // Arrange
        await using var host = await StartAsync();
        await host.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket, Key = "k", ContentBody = "x",
            StorageClass = S3StorageClass.StandardInfrequentAccess
        });

        // Act
        await host.Client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket,
            SourceKey = "k",
            DestinationBucket = Bucket,
            DestinationKey = "k",
            StorageClass = S3StorageClass.GlacierInstantRetrieval,
        });
        await host.Client.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = Bucket, SourceKey = "k", DestinationBucket = Bucket,
            DestinationKey = "plain"
        });
        var sameClassAgain =
            await TestData.AssertS3ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => host.Client.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = Bucket,
                SourceKey = "k",
                DestinationBucket = Bucket,
                DestinationKey = "k",
                StorageClass = S3StorageClass.GlacierInstantRetrieval,
            }));

        // Assert
        Assert.Equal(S3StorageClass.GlacierInstantRetrieval, (await host.Client.GetObjectMetadataAsync(Bucket, "k")).StorageClass);
        Assert.Null((await host.Client.GetObjectMetadataAsync(Bucket, "plain")).StorageClass);
        Assert.Contains("storage class", sameClassAgain.Message, StringComparison.Ordinal);
    }

    private static async Task<LocalS3Host> StartAsync()
    {
        var host = await LocalS3Host.StartAsync();
        await host.Client.PutBucketAsync(Bucket);
        return host;
    }
}
