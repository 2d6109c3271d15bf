using DisasterRecovery.Lambda;
using DisasterRecovery.RedisJobs;

namespace DisasterRecovery.Functions.RedisImport;

/// <summary>Wires the function from its environment (see <see cref="RedisImportJob.FromEnvironment"/> for the variables).</summary>
public sealed class RedisImportEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        Create(RedisImportJob.FromEnvironment(environment, new RdbFileInspector()));

    /// <summary>The same, with a given job (tests).</summary>
    public static ILambdaFunction Create(RedisImportJob job) =>
        new LambdaFunction<RedisImportRequest, RedisImportResult>(
            "RedisImport",
            new RedisImportHandler(job),
            RedisImportJsonContext.Default.RedisImportRequest,
            RedisImportJsonContext.Default.RedisImportResult);
}
