using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditRecord;

/// <summary>Wires the function from the audit log's settings (<see cref="AuditEnvironment"/>) and <c>AWS_ENDPOINT_URL_S3</c>.</summary>
public sealed class AuditRecordEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(environment, S3ClientFactory.FromEnvironment(environment));

    /// <summary>The same, with a given S3 client (tests).</summary>
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment, IAmazonS3 s3)
    {
        var options = AuditEnvironment.Read(environment);
        return new LambdaFunction<AuditRecordRequest, AuditRecordResult>(
            "AuditRecord",
            new AuditRecordHandler(new AuditRecorder(s3, options)),
            AuditRecordJsonContext.Default.AuditRecordRequest,
            AuditRecordJsonContext.Default.AuditRecordResult);
    }
}
