using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>
/// Wires the function from <c>DB_SECRET_ID</c> and <c>BACKUP_BUCKET</c> (required), <c>BACKUP_SOURCE</c>, the limits of the
/// functions whose runner it recommends (<c>BACKUP_FUNCTION_TIMEOUT_SECONDS</c>, <c>BACKUP_FUNCTION_MEMORY_MB</c>,
/// <c>RESTORE_FUNCTION_TIMEOUT_SECONDS</c>, <c>RESTORE_FUNCTION_MEMORY_MB</c>; default 900 s and 1024 MB, the template's)
/// and the secrets extension's variables.
/// </summary>
public sealed class PostgresAssessEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment)
    {
        var settings = new EnvironmentSettings(environment);
        var secretId = settings.Required("DB_SECRET_ID", "the production database's Secrets Manager secret");
        var bucket = settings.Required("BACKUP_BUCKET", "the backup catalog's bucket, where the last backup's duration is read");
        var source = settings.Optional(JobServices.SourceVariable, JobServices.DefaultSource);
        try
        {
            BackupKeys.ValidateSource(source, "BACKUP_SOURCE");
        }
        catch (InvalidInputException e)
        {
            throw new FunctionConfigurationException($"BACKUP_SOURCE: {e.Problem}");
        }

        var estimator = new RunnerEstimator(Limits(settings, "BACKUP"), Limits(settings, "RESTORE"));
        var catalog = new BackupCatalog(S3ClientFactory.FromEnvironment(environment), new BackupCatalogOptions { Bucket = bucket });
        return Create(secretId, source, SecretsExtensionClient.FromEnvironment(environment), catalog, estimator, TimeProvider.System);
    }

    /// <summary>The same, from parts (tests).</summary>
    public static ILambdaFunction Create(
        string defaultSecretId, string defaultSource, ISecretSource secrets, BackupCatalog catalog, RunnerEstimator estimator, TimeProvider time) =>
        new LambdaFunction<PostgresAssessRequest, PostgresAssessResult>(
            "PostgresAssess",
            new PostgresAssessHandler(new PostgresAssessJob(
                secrets, defaultSecretId, defaultSource, new DatabaseAssessor(time), new JobHistory(catalog, estimator, time))),
            PostgresAssessJsonContext.Default.PostgresAssessRequest,
            PostgresAssessJsonContext.Default.PostgresAssessResult);

    private static LambdaLimits Limits(EnvironmentSettings settings, string function) => new(
        settings.Integer($"{function}_FUNCTION_TIMEOUT_SECONDS", 900, 1, 900),
        settings.Integer($"{function}_FUNCTION_MEMORY_MB", 1024, 128, 10240));
}
