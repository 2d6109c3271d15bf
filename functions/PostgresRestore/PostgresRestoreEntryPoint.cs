using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresRestore;

/// <summary>Wires the function from its environment (see <see cref="PostgresJobServices"/> for the variables).</summary>
public sealed class PostgresRestoreEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(PostgresJobServices.FromEnvironment(environment));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(PostgresJobServices services) =>
        new LambdaFunction<PostgresRestoreRequest, PostgresRestoreResult>(
            "PostgresRestore",
            new PostgresRestoreHandler(new PostgresRestoreJob(services)),
            PostgresRestoreJsonContext.Default.PostgresRestoreRequest,
            PostgresRestoreJsonContext.Default.PostgresRestoreResult);
}
