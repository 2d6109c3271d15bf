using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditVerify;

/// <summary>
/// Wires the real dependencies from the environment: <c>AUDIT_BUCKET</c> (required), <c>AUDIT_PREFIX</c>
/// (default <c>audit/</c>), and <c>AWS_ENDPOINT_URL_S3</c> for the local cloud. Found by the local cloud
/// through <see cref="ILambdaEntryPoint"/>.
/// </summary>
public sealed class AuditVerifyEntryPoint : ILambdaEntryPoint
{
    public const string BucketVariable = "AUDIT_BUCKET";
    public const string PrefixVariable = "AUDIT_PREFIX";

    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(environment, S3ClientFactory.FromEnvironment(environment));

    /// <summary>The same, with a given S3 client (tests).</summary>
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment, IAmazonS3 s3)
    {
        var bucket = environment.GetValueOrDefault(BucketVariable);
        if (string.IsNullOrWhiteSpace(bucket))
        {
            throw new FunctionConfigurationException($"{BucketVariable} is not set: the audit bucket to verify");
        }

        AuditLogOptions options;
        try
        {
            options = new AuditLogOptions { Bucket = bucket, Prefix = environment.GetValueOrDefault(PrefixVariable) ?? AuditLogOptions.DefaultPrefix };
            options.Validate();
        }
        catch (InvalidInputException e)
        {
            throw new FunctionConfigurationException($"{PrefixVariable}: {e.Problem}");
        }

        return new LambdaFunction<AuditVerifyRequest, AuditChainReport>(
            "AuditVerify",
            new AuditVerifyHandler(new AuditChainVerifier(s3, options, TimeProvider.System)),
            AuditVerifyJsonContext.Default.AuditVerifyRequest,
            AuditVerifyJsonContext.Default.AuditChainReport);
    }
}
