using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// What the PostgreSQL jobs are wired with: the job layer's services (see <see cref="JobServices"/> for their variables)
/// and the client programs, from <c>PG_BIN_DIR</c> (the container image puts them on PATH).
/// </summary>
public sealed class PostgresJobServices(JobServices jobs, PostgresTools tools)
{
    public const string PostgresBinVariable = "PG_BIN_DIR";

    public JobServices Jobs { get; } = jobs;

    public PostgresTools Tools { get; } = tools;

    /// <summary>Reads the environment; a missing or bad variable is a <see cref="FunctionConfigurationException"/> naming it.</summary>
    public static PostgresJobServices FromEnvironment(IReadOnlyDictionary<string, string> environment, ISecretSource? secrets = null,
        TimeProvider? time = null) =>
        new(JobServices.FromEnvironment(environment, secrets, time), new PostgresTools(new EnvironmentSettings(environment).Optional(PostgresBinVariable)));

    /// <summary>Services from parts (tests, the local cloud): the same wiring without the environment.</summary>
    public static PostgresJobServices Create(
        IAmazonS3 s3, BackupCatalogOptions catalog, AuditLogOptions audit, ISecretSource secrets, PostgresTools tools, string secretId,
        string source = JobServices.DefaultSource, TimeProvider? time = null) =>
        new(JobServices.Create(s3, catalog, audit, secrets, secretId, source, time), tools);
}
