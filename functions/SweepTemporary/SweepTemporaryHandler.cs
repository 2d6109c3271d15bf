using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.SweepTemporary;

/// <summary>Adapter: runs <see cref="TemporarySweeper"/> with the invocation's caller, logger and deadline.</summary>
public sealed class SweepTemporaryHandler(TemporarySweeper sweeper) : ILambdaHandler<SweepTemporaryRequest, SweepTemporaryResult>
{
    public Task<SweepTemporaryResult> HandleAsync(SweepTemporaryRequest input, ILambdaContext context) => sweeper.RunAsync(input, context);
}
