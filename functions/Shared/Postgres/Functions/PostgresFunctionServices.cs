using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.Postgres.Functions;

/// <summary>
/// What the PostgreSQL functions (PostgresBackup, PostgresRestore, PostgresVerify) are wired with, read from
/// their environment once per sandbox:
/// <list type="bullet">
/// <item><c>BACKUP_BUCKET</c> (required): the backup catalog's bucket;</item>
/// <item><c>AUDIT_BUCKET</c> (required), <c>AUDIT_PREFIX</c> (default <c>audit/</c>): the audit log;</item>
/// <item><c>DB_SECRET_ID</c> (required): the production database's secret, used when a request names none;</item>
/// <item><c>BACKUP_SOURCE</c> (default <c>technician-marketplace</c>): the catalog source name of that database;</item>
/// <item><c>PG_BIN_DIR</c>: where pg_dump and psql are (the container image puts them on PATH);</item>
/// <item><c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>, <c>AWS_SESSION_TOKEN</c>: the secrets extension (or <c>DB_SECRET_JSON</c> in a task);</item>
/// <item><c>AWS_ENDPOINT_URL_S3</c>: the local cloud's S3.</item>
/// </list>
/// </summary>
public sealed class PostgresFunctionServices
{
    public const string BackupBucketVariable = "BACKUP_BUCKET";
    public const string AuditBucketVariable = "AUDIT_BUCKET";
    public const string AuditPrefixVariable = "AUDIT_PREFIX";
    public const string SecretVariable = "DB_SECRET_ID";
    public const string SourceVariable = "BACKUP_SOURCE";
    public const string DefaultSource = "technician-marketplace";

    private PostgresFunctionServices(IAmazonS3 s3, BackupCatalog catalog, AuditLogOptions audit, ISecretSource secrets, PostgresTools tools, string secretId, string source, TimeProvider time)
    {
        S3 = s3;
        Catalog = catalog;
        AuditOptions = audit;
        Secrets = secrets;
        Tools = tools;
        DefaultSecretId = secretId;
        Source = source;
        Time = time;
    }

    public IAmazonS3 S3 { get; }

    public BackupCatalog Catalog { get; }

    public AuditLogOptions AuditOptions { get; }

    public ISecretSource Secrets { get; }

    public PostgresTools Tools { get; }

    /// <summary>The production database's secret.</summary>
    public string DefaultSecretId { get; }

    /// <summary>The production database's catalog source name.</summary>
    public string Source { get; }

    public TimeProvider Time { get; }

    /// <summary>Reads the environment; a missing or bad variable is a <see cref="FunctionConfigurationException"/> naming it.</summary>
    public static PostgresFunctionServices FromEnvironment(IReadOnlyDictionary<string, string> environment, ISecretSource? secrets = null, TimeProvider? time = null)
    {
        var settings = new EnvironmentSettings(environment);
        var bucket = settings.Required(BackupBucketVariable, "the backup catalog's bucket");
        var auditBucket = settings.Required(AuditBucketVariable, "the audit log's bucket");
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
        var audit = new AuditLogOptions { Bucket = auditBucket, Prefix = settings.Optional(AuditPrefixVariable, AuditLogOptions.DefaultPrefix) };
        try
        {
            audit.Validate();
        }
        catch (InvalidInputException e)
        {
            throw new FunctionConfigurationException($"{AuditPrefixVariable}: {e.Problem}");
        }

        time ??= TimeProvider.System;
        return new PostgresFunctionServices(
            s3,
            new BackupCatalog(s3, new BackupCatalogOptions { Bucket = bucket }, time),
            audit,
            secrets ?? SecretSources.FromEnvironment(environment),
            new PostgresTools(settings.Optional("PG_BIN_DIR")),
            secretId,
            source,
            time);
    }

    /// <summary>Services from parts (tests, the local cloud): the same wiring without the environment.</summary>
    public static PostgresFunctionServices Create(
        IAmazonS3 s3, BackupCatalogOptions catalog, AuditLogOptions audit, ISecretSource secrets, PostgresTools tools, string secretId, string source = DefaultSource, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        return new PostgresFunctionServices(s3, new BackupCatalog(s3, catalog, time), audit, secrets, tools, secretId, source, time);
    }

    /// <summary>The audit log, writing its lines to this invocation's logger.</summary>
    public AuditLog AuditLog(JsonLogger logger) => new(S3, AuditOptions, logger, Time);

    /// <summary>
    /// Runs <paramref name="work"/>; when it throws, appends a <c>failed</c> audit event for <paramref name="action"/> on
    /// <paramref name="resource"/> (with the error's type and message, and <paramref name="details"/>) and rethrows. The
    /// success event is the caller's: it knows what to record.
    /// </summary>
    public async Task<T> AuditFailureAsync<T>(
        JsonLogger logger, string action, string resource, string actor, IReadOnlyDictionary<string, string>? details, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var all = new Dictionary<string, string>(details ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["errorType"] = e.GetType().Name,
                ["error"] = e.Message,
            };
            await AuditAsync(logger, new AuditEvent { Action = action, Resource = resource, Actor = actor, Result = AuditResults.Failed, Details = all },
                quietly: true, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Appends an audit event; a failure to append is logged and swallowed only when <paramref name="quietly"/> (on a path that is already failing).</summary>
    public async Task AuditAsync(JsonLogger logger, AuditEvent auditEvent, bool quietly, CancellationToken cancellationToken)
    {
        try
        {
            await AuditLog(logger).AppendAsync(auditEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (quietly)
        {
            logger.Error("could not append the audit event", ("action", auditEvent.Action), ("result", auditEvent.Result), ("error", e));
        }
    }
}
