using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresVerify;

/// <summary>
/// Wires the function from its environment (see <see cref="PostgresJobServices"/>), plus <c>SCRATCH_SECRET_ID</c>:
/// the server scratch databases are restored on (default: the production secret's server).
/// </summary>
public sealed class PostgresVerifyEntryPoint : ILambdaEntryPoint
{
    public const string ScratchSecretVariable = "SCRATCH_SECRET_ID";

    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(PostgresJobServices.FromEnvironment(environment), new EnvironmentSettings(environment).Optional(ScratchSecretVariable));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(PostgresJobServices services, string? scratchSecretId = null) =>
        new LambdaFunction<PostgresVerifyRequest, PostgresVerifyResult>(
            "PostgresVerify",
            new PostgresVerifyHandler(new PostgresVerifyJob(services, scratchSecretId)),
            PostgresVerifyJsonContext.Default.PostgresVerifyRequest,
            PostgresVerifyJsonContext.Default.PostgresVerifyResult);
}
