using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;

namespace DisasterRecovery.Functions.PostgresAssess;

/// <summary>Adapter: resolves the database from its secret and assesses it.</summary>
public sealed class PostgresAssessHandler(ISecretSource secrets, string defaultSecretId, DatabaseAssessor assessor) : ILambdaHandler<PostgresAssessRequest,
    PostgresAssessResult>
{
    public async Task<PostgresAssessResult> HandleAsync(PostgresAssessRequest input, ILambdaContext context)
    {
        var connection = input.Database ?? new DatabaseConnection { SecretId = defaultSecretId };
        var database = await connection.ResolveAsync(secrets, "database", context.CancellationToken).ConfigureAwait(false);
        var result = await assessor.AssessAsync(database, context.CancellationToken).ConfigureAwait(false);
        context.Logger.Info("database assessed", ("database", result.Database), ("reachable", result.Reachable), ("problem", result.Problem),
            ("sizeBytes", result.SizeBytes), ("tables", result.Tables), ("checksumFailures", result.ChecksumFailures), ("deadlocks", result.Deadlocks));
        return result;
    }
}
