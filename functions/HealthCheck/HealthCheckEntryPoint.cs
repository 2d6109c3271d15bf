using DisasterRecovery.HealthChecks;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.HealthCheck;

/// <summary>Wires the real dependencies. Found by the local cloud through <see cref="ILambdaEntryPoint"/>.</summary>
public sealed class HealthCheckEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment)
    {
        // Redirects are reported, not followed: a health endpoint that redirects is misconfigured.
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var checker = new ServiceHealthChecker(http, TimeProvider.System);
        return new LambdaFunction<HealthCheckRequest, HealthCheckResult>(
            "HealthCheck",
            new HealthCheckHandler(checker),
            HealthCheckJsonContext.Default.HealthCheckRequest,
            HealthCheckJsonContext.Default.HealthCheckResult);
    }
}
