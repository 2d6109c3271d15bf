using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresBackup;

/// <summary>Wires the function from its environment (see <see cref="PostgresJobServices"/> for the variables).</summary>
public sealed class PostgresBackupEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(PostgresJobServices.FromEnvironment(environment));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(PostgresJobServices services) =>
        new LambdaFunction<PostgresBackupRequest, PostgresBackupResult>(
            "PostgresBackup",
            new PostgresBackupHandler(new PostgresBackupJob(services)),
            PostgresBackupJsonContext.Default.PostgresBackupRequest,
            PostgresBackupJsonContext.Default.PostgresBackupResult);
}
