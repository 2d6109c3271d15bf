using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisImport;

/// <summary>Adapter: runs <see cref="RedisImportJob"/> with the invocation's caller, logger and deadline.</summary>
public sealed class RedisImportHandler(RedisImportJob job) : ILambdaHandler<RedisImportRequest, RedisImportResult>
{
    public Task<RedisImportResult> HandleAsync(RedisImportRequest input, ILambdaContext context) => job.RunAsync(input, context);
}
