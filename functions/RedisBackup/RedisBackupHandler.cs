using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisBackup;

/// <summary>Adapter: runs <see cref="RedisBackupJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class RedisBackupHandler(RedisBackupJob job) : ILambdaHandler<RedisBackupRequest, RedisBackupResult>
{
    public Task<RedisBackupResult> HandleAsync(RedisBackupRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
