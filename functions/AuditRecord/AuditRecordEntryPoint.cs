using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditRecord;

/// <summary>Wires the function from <c>AUDIT_BUCKET</c> (required), <c>AUDIT_PREFIX</c> (default <c>audit/</c>) and <c>AWS_ENDPOINT_URL_S3</c>.</summary>
public sealed class AuditRecordEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(environment, S3ClientFactory.FromEnvironment(environment));

    /// <summary>The same, with a given S3 client (tests).</summary>
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment, IAmazonS3 s3)
    {
        var settings = new EnvironmentSettings(environment);
        var options = new AuditLogOptions
        {
            Bucket = settings.Required("AUDIT_BUCKET", "the audit log's bucket"),
            Prefix = settings.Optional("AUDIT_PREFIX", AuditLogOptions.DefaultPrefix),
        };
        try
        {
            options.Validate();
        }
        catch (InvalidInputException e)
        {
            throw new FunctionConfigurationException($"AUDIT_PREFIX: {e.Problem}");
        }

        return new LambdaFunction<AuditRecordRequest, AuditRecordResult>(
            "AuditRecord",
            new AuditRecordHandler(s3, options),
            AuditRecordJsonContext.Default.AuditRecordRequest,
            AuditRecordJsonContext.Default.AuditRecordResult);
    }
}
