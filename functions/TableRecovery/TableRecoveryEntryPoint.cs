using Amazon.S3;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.Secrets;
using DisasterRecovery.TableRecovery;

namespace DisasterRecovery.Functions.TableRecovery;

/// <summary>
/// Wires the real dependencies from the environment: database secrets through the Parameters and Secrets extension
/// (<c>PARAMETERS_SECRETS_EXTENSION_HTTP_PORT</c>, <c>AWS_SESSION_TOKEN</c>); <c>BACKUP_BUCKET</c> (only needed by check with
/// catalogSource) and <c>AWS_ENDPOINT_URL_S3</c> for the local cloud; <c>PG_BIN_DIR</c> for pg_dump (default: a layer's
/// /opt/postgresql/bin, then PATH). Found by the local cloud through <see cref="ILambdaEntryPoint"/>.
/// </summary>
public sealed class TableRecoveryEntryPoint : ILambdaEntryPoint
{
    public const string BackupBucketVariable = JobServices.BackupBucketVariable;
    public const string PostgresBinVariable = "PG_BIN_DIR";

    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(environment, SecretsExtensionClient.FromEnvironment(environment), null);

    /// <summary>The same, with a given secret source and S3 client (tests); the S3 client is built from the environment when null.</summary>
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment, ISecretSource secrets, IAmazonS3? s3)
    {
        ArgumentNullException.ThrowIfNull(environment);
        BackupCatalog? catalog = null;
        if (environment.GetValueOrDefault(BackupBucketVariable) is { } bucket)
        {
            if (string.IsNullOrWhiteSpace(bucket))
            {
                throw new FunctionConfigurationException($"{BackupBucketVariable} is set but empty: the backup bucket, for check with catalogSource");
            }

            catalog = new BackupCatalog(s3 ?? S3ClientFactory.FromEnvironment(environment), new BackupCatalogOptions { Bucket = bucket });
        }

        var tools = new PostgresTools(environment.GetValueOrDefault(PostgresBinVariable));
        return new LambdaFunction<TableRecoveryRequest, TableRecoveryResult>(
            "TableRecovery",
            new TableRecoveryHandler(new TableRecoveryService(secrets, catalog, tools, TimeProvider.System)),
            TableRecoveryJsonContext.Default.TableRecoveryRequest,
            TableRecoveryJsonContext.Default.TableRecoveryResult);
    }
}
