using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.Jobs;

/// <summary>
/// What every engine's jobs are wired with, read from the function's environment once per sandbox:
/// <list type="bullet">
/// <item><c>BACKUP_BUCKET</c> (required): the backup catalog's bucket;</item>
/// <item><c>AUDIT_BUCKET</c> (required), <c>AUDIT_PREFIX</c> (default <c>audit/</c>): the audit log, read by <see cref="AuditEnvironment"/>;</item>
/// <item><c>DB_SECRET_ID</c> (required): the production database's secret, used when a request names none;</item>
/// <item><c>BACKUP_SOURCE</c> (default <c>technician-marketplace</c>): the catalog source name of that database;</item>
/// <item><c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>, <c>AWS_SESSION_TOKEN</c>: the secrets extension (or <c>DB_SECRET_JSON</c> in a Fargate task);</item>
/// <item><c>ALLOW_UNPROTECTED_BACKUPS</c> (default false): whether backups may go to a bucket without versioning or Object Lock;</item>
/// <item><c>AWS_ENDPOINT_URL_S3</c>: the local cloud's S3.</item>
/// </list>
/// </summary>
public sealed class JobServices
{
    public const string BackupBucketVariable = "BACKUP_BUCKET";
    public const string SecretVariable = "DB_SECRET_ID";
    public const string SourceVariable = "BACKUP_SOURCE";
    public const string DefaultSource = "technician-marketplace";

    private JobServices(IAmazonS3 s3, BackupCatalog catalog, AuditLogOptions audit, ISecretSource secrets, string secretId, string source, TimeProvider time)
    {
        S3 = s3;
        Catalog = catalog;
        AuditOptions = audit;
        Secrets = secrets;
        DefaultSecretId = secretId;
        Source = source;
        Time = time;
    }

    public IAmazonS3 S3 { get; }

    public BackupCatalog Catalog { get; }

    public AuditLogOptions AuditOptions { get; }

    public ISecretSource Secrets { get; }

    /// <summary>The production database's secret.</summary>
    public string DefaultSecretId { get; }

    /// <summary>The production database's catalog source name.</summary>
    public string Source { get; }

    public TimeProvider Time { get; }

    /// <summary>Reads the environment; a missing or bad variable is a <see cref="FunctionConfigurationException"/> naming it.</summary>
    public static JobServices FromEnvironment(IReadOnlyDictionary<string, string> environment, ISecretSource? secrets = null, TimeProvider? time = null)
    {
        var settings = new EnvironmentSettings(environment);
        var bucket = settings.Required(BackupBucketVariable, "the backup catalog's bucket");
        var audit = AuditEnvironment.Read(environment);
        var secretId = settings.Required(SecretVariable, "the production database's Secrets Manager secret");
        var source = settings.Optional(SourceVariable, DefaultSource);
        try
        {
            BackupKeys.ValidateSource(source, SourceVariable);
        }
        catch (InvalidInputException e)
        {
            throw new FunctionConfigurationException($"{SourceVariable}: {e.Problem}");
        }

        var s3 = S3ClientFactory.FromEnvironment(environment);
        time ??= TimeProvider.System;
        return new JobServices(
            s3,
            new BackupCatalog(s3, new BackupCatalogOptions { Bucket = bucket, AllowUnprotectedBackups = BucketProtection.AllowedBy(environment) }, time),
            audit,
            secrets ?? SecretSources.FromEnvironment(environment),
            secretId,
            source,
            time);
    }

    /// <summary>Services from parts (tests, the local cloud): the same wiring without the environment.</summary>
    public static JobServices Create(
        IAmazonS3 s3, BackupCatalogOptions catalog, AuditLogOptions audit, ISecretSource secrets, string secretId, string source = DefaultSource,
            TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        return new JobServices(s3, new BackupCatalog(s3, catalog, time), audit, secrets, secretId, source, time);
    }

    /// <summary>The audit log, writing its lines to this invocation's logger.</summary>
    public AuditLog AuditLog(JsonLogger logger) => new(S3, AuditOptions, logger, Time);
}
