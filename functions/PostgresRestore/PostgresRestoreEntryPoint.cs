using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres.Functions;

namespace DisasterRecovery.Functions.PostgresRestore;

/// <summary>Wires the function from its environment (see <see cref="PostgresFunctionServices"/> for the variables).</summary>
public sealed class PostgresRestoreEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(PostgresFunctionServices.FromEnvironment(environment));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(PostgresFunctionServices services) =>
        new LambdaFunction<PostgresRestoreRequest, PostgresRestoreResult>(
            "PostgresRestore",
            new PostgresRestoreHandler(services),
            PostgresRestoreJsonContext.Default.PostgresRestoreRequest,
            PostgresRestoreJsonContext.Default.PostgresRestoreResult);
}
