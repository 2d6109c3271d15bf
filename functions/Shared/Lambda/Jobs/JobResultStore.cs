using Amazon.S3;
using Amazon.S3.Model;

namespace DisasterRecovery.Lambda.Jobs;

/// <summary>Where a job leaves its result object for the flow that started it.</summary>
public interface IJobResultStore
{
    /// <summary>Writes the result object (JSON) to <paramref name="bucket"/>/<paramref name="key"/>.</summary>
    Task WriteAsync(string bucket, string key, byte[] json, CancellationToken cancellationToken);
}

/// <summary>
/// The result object in S3, as the flow reads it back with <c>aws-sdk:s3:getObject</c>. The client takes the SDK's
/// default credentials (on Fargate: the task role, through the container credentials endpoint) and region;
/// <c>AWS_ENDPOINT_URL_S3</c> (or <c>AWS_ENDPOINT_URL</c>) points it at the local cloud's S3, path-style.
/// </summary>
public sealed class S3JobResultStore(IAmazonS3 s3) : IJobResultStore
{
    /// <summary>The client a job process builds from its environment.</summary>
    public static S3JobResultStore FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var endpoint = environment.GetValueOrDefault("AWS_ENDPOINT_URL_S3") ?? environment.GetValueOrDefault("AWS_ENDPOINT_URL");
        var config = new AmazonS3Config();
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = environment.GetValueOrDefault("AWS_REGION") ?? "us-east-1";
        }

        return new S3JobResultStore(new AmazonS3Client(config));
    }

    /// <inheritdoc />
    public async Task WriteAsync(string bucket, string key, byte[] json, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(json, writable: false);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = body,
            ContentType = "application/json",
        }, cancellationToken).ConfigureAwait(false);
    }
}
