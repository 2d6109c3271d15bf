using DisasterRecovery.Lambda;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Assesses a database (reachable, size, tables, checksum failures, deadlocks) and estimates the backup or restore job asked
/// about from the catalog's history, recommending the runner (Lambda or a Fargate task). Reads only; changes nothing.
/// </summary>
public sealed class PostgresAssessJob(
    ISecretSource secrets, string defaultSecretId, string defaultSource, DatabaseAssessor assessor, JobHistory history)
{
    /// <summary>Runs the assessment for one request under the invocation's deadline.</summary>
    public async Task<PostgresAssessResult> RunAsync(PostgresAssessRequest input, ILambdaContext context)
    {
        var connection = input.Database ?? new DatabaseConnection { SecretId = defaultSecretId };
        var database = await connection.ResolveAsync(secrets, "database", context.CancellationToken).ConfigureAwait(false);
        var assessment = await assessor.AssessAsync(database, context.CancellationToken).ConfigureAwait(false);
        var estimate = await history.EstimateAsync(input, input.Source ?? defaultSource, assessment, context.CancellationToken)
            .ConfigureAwait(false);
        var result = assessment with { Estimate = estimate };
        context.Logger.Info("database assessed", ("database", result.Database), ("reachable", result.Reachable), ("problem", result.Problem),
            ("sizeBytes", result.SizeBytes), ("tables", result.Tables), ("checksumFailures", result.ChecksumFailures),
            ("deadlocks", result.Deadlocks), ("runner", estimate.Runner), ("reason", estimate.Reason));
        return result;
    }
}
