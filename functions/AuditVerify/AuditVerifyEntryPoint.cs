using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditVerify;

/// <summary>
/// Wires the real dependencies from the environment: the audit log (<see cref="AuditEnvironment"/>: <c>AUDIT_BUCKET</c>,
/// <c>AUDIT_PREFIX</c>), <c>BACKUP_BUCKET</c> (optional: the daily protection check covers it too),
/// and <c>AWS_ENDPOINT_URL_S3</c> for the local cloud. Found by the local cloud
/// through <see cref="ILambdaEntryPoint"/>.
/// </summary>
public sealed class AuditVerifyEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(environment, S3ClientFactory.FromEnvironment(environment));

    /// <summary>The same, with a given S3 client (tests).</summary>
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment, IAmazonS3 s3)
    {
        var options = AuditEnvironment.Read(environment);
        List<ProtectedBucket> buckets = [new(options.Bucket, "the audit log", NeedsDefaultRetention: true)];
        if (new DisasterRecovery.Core.EnvironmentSettings(environment).Optional("BACKUP_BUCKET") is { Length: > 0 } backupBucket)
        {
            buckets.Add(new(backupBucket, "the backup catalog", NeedsDefaultRetention: false));
        }

        var protection = new BucketProtectionCheck(s3, buckets, options.AllowUnprotectedBucket);
        return new LambdaFunction<AuditVerifyRequest, AuditChainReport>(
            "AuditVerify",
            new AuditVerifyHandler(new AuditChainCheck(new AuditChainVerifier(s3, options, TimeProvider.System), protection)),
            AuditVerifyJsonContext.Default.AuditVerifyRequest,
            AuditVerifyJsonContext.Default.AuditChainReport);
    }
}
