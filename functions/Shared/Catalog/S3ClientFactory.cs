using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace DisasterRecovery.Catalog;

/// <summary>
/// Builds the S3 client a function uses from its environment: the default credential chain and
/// region, and <c>AWS_ENDPOINT_URL_S3</c> (or <c>AWS_ENDPOINT_URL</c>) to point it at the local cloud,
/// in which case path-style addressing is used. Credentials come from <c>AWS_ACCESS_KEY_ID</c>,
/// <c>AWS_SECRET_ACCESS_KEY</c> and <c>AWS_SESSION_TOKEN</c> in the given environment when set (as
/// Lambda sets them), else from the SDK's default chain.
/// </summary>
public static class S3ClientFactory
{
    public const string EndpointVariable = "AWS_ENDPOINT_URL_S3";
    public const string GlobalEndpointVariable = "AWS_ENDPOINT_URL";

    public static IAmazonS3 FromEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var config = new AmazonS3Config();
        var endpoint = environment.GetValueOrDefault(EndpointVariable) ?? environment.GetValueOrDefault(GlobalEndpointVariable);
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            try
            {
                config.ServiceURL = Core.Require.HttpUrl(endpoint, EndpointVariable).ToString();
            }
            catch (Core.InvalidInputException e)
            {
                throw new Core.FunctionConfigurationException(e.Message);
            }

            config.ForcePathStyle = true;
            var region = environment.GetValueOrDefault("AWS_REGION") ?? environment.GetValueOrDefault("AWS_DEFAULT_REGION") ?? "us-east-1";
            config.AuthenticationRegion = region;
        }
        else if (environment.GetValueOrDefault("AWS_REGION") is { Length: > 0 } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        // Lambda puts the execution role's credentials in these variables; reading them from the given
        // environment (not the process's) keeps the factory testable. Otherwise: the default chain.
        var accessKeyId = environment.GetValueOrDefault("AWS_ACCESS_KEY_ID");
        var secretAccessKey = environment.GetValueOrDefault("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(accessKeyId) && !string.IsNullOrEmpty(secretAccessKey))
        {
            var sessionToken = environment.GetValueOrDefault("AWS_SESSION_TOKEN");
            AWSCredentials credentials = string.IsNullOrEmpty(sessionToken)
                ? new BasicAWSCredentials(accessKeyId, secretAccessKey)
                : new SessionAWSCredentials(accessKeyId, secretAccessKey, sessionToken);
            return new AmazonS3Client(credentials, config);
        }

        return new AmazonS3Client(config);
    }
}
