using DisasterRecovery.HealthChecks;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.HealthCheck;

/// <summary>Adapter: runs the checker within the invocation's deadline and logs the verdict.</summary>
public sealed class HealthCheckHandler(ServiceHealthChecker checker) : ILambdaHandler<HealthCheckRequest, HealthCheckResult>
{
    public async Task<HealthCheckResult> HandleAsync(HealthCheckRequest input, ILambdaContext context)
    {
        var result = await checker.CheckAsync(input, context.Deadline, context.CancellationToken).ConfigureAwait(false);
        context.Logger.Info(
            result.Healthy ? "endpoint healthy" : "endpoint unhealthy",
            ("url", result.Url), ("status", result.Status), ("latencyMs", result.LatencyMs), ("attempts", result.Attempts),
            ("failure", result.Failure));
        return result;
    }
}
