using DisasterRecovery.Lambda;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.Functions.PostgresBackup;

/// <summary>Adapter: runs <see cref="PostgresBackupJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class PostgresBackupHandler(PostgresBackupJob job) : ILambdaHandler<PostgresBackupRequest, PostgresBackupResult>
{
    public Task<PostgresBackupResult> HandleAsync(PostgresBackupRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
