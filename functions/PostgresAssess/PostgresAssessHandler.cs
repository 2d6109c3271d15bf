using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>Adapter: resolves the database from its secret, assesses it and estimates the job asked about.</summary>
public sealed class PostgresAssessHandler(ISecretSource secrets, string defaultSecretId, string defaultSource, DatabaseAssessor assessor, JobHistory history)
    : ILambdaHandler<PostgresAssessRequest, PostgresAssessResult>
{
    public async Task<PostgresAssessResult> HandleAsync(PostgresAssessRequest input, ILambdaContext context)
    {
        var connection = input.Database ?? new DatabaseConnection { SecretId = defaultSecretId };
        var database = await connection.ResolveAsync(secrets, "database", context.CancellationToken).ConfigureAwait(false);
        var assessment = await assessor.AssessAsync(database, context.CancellationToken).ConfigureAwait(false);
        var estimate = await history.EstimateAsync(input, input.Source ?? defaultSource, assessment, context.CancellationToken).ConfigureAwait(false);
        var result = assessment with { Estimate = estimate };
        context.Logger.Info("database assessed", ("database", result.Database), ("reachable", result.Reachable), ("problem", result.Problem),
            ("sizeBytes", result.SizeBytes), ("tables", result.Tables), ("checksumFailures", result.ChecksumFailures), ("deadlocks", result.Deadlocks),
            ("runner", estimate.Runner), ("reason", estimate.Reason));
        return result;
    }
}
