using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.SweepTemporary;

/// <summary>
/// Wires the function from its environment (see <see cref="PostgresJobServices"/>), plus <c>SCRATCH_SECRET_ID</c>: a scratch
/// server whose verification databases are swept too (default: only the production secret's server).
/// </summary>
public sealed class SweepTemporaryEntryPoint : ILambdaEntryPoint
{
    public const string ScratchSecretVariable = "SCRATCH_SECRET_ID";

    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(PostgresJobServices.FromEnvironment(environment), new EnvironmentSettings(environment).Optional(ScratchSecretVariable));

    /// <summary>The same, with given services (tests).</summary>
    public static ILambdaFunction Create(PostgresJobServices services, string? scratchSecretId = null) =>
        new LambdaFunction<SweepTemporaryRequest, SweepTemporaryResult>(
            "SweepTemporary",
            new SweepTemporaryHandler(new TemporarySweeper(services, scratchSecretId)),
            SweepTemporaryJsonContext.Default.SweepTemporaryRequest,
            SweepTemporaryJsonContext.Default.SweepTemporaryResult);
}
