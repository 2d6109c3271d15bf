using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres.Functions;

namespace DisasterRecovery.Functions.PostgresBackup;

/// <summary>Wires the function from its environment (see <see cref="PostgresFunctionServices"/> for the variables).</summary>
public sealed class PostgresBackupEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(PostgresFunctionServices.FromEnvironment(environment));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(PostgresFunctionServices services) =>
        new LambdaFunction<PostgresBackupRequest, PostgresBackupResult>(
            "PostgresBackup",
            new PostgresBackupHandler(services),
            PostgresBackupJsonContext.Default.PostgresBackupRequest,
            PostgresBackupJsonContext.Default.PostgresBackupResult);
}
