using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;

namespace DisasterRecovery.HealthChecks;

/// <summary>
/// Probes an endpoint until it answers as expected or the attempts run out. Never throws for an
/// unhealthy endpoint: the verdict is data, so a state machine can branch on it and report it.
/// </summary>
public sealed class ServiceHealthChecker(HttpClient http, TimeProvider time)
{
    /// <summary>How much of a body is read to look for the expected text.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <param name="request">A validated request.</param>
    /// <param name="deadline">No attempt starts that could not finish before this.</param>
    /// <param name="cancellationToken">Stops waiting and probing.</param>
    public async Task<HealthCheckResult> CheckAsync(HealthCheckRequest request, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var target = request.Target;
        var timeout = request.Timeout;
        var attempts = new List<HealthCheckAttempt>();
        var backoff = request.FirstBackoff;
        for (var attempt = 1; attempt <= request.Attempts; attempt++)
        {
            if (attempt > 1)
            {
                if (time.GetUtcNow() + backoff + timeout > deadline)
                {
                    break;
                }

                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                backoff *= request.Rate;
            }

            var result = await ProbeOnceAsync(target, request, timeout, attempt, cancellationToken).ConfigureAwait(false);
            attempts.Add(result);
            if (result.Failure is null)
            {
                break;
            }
        }

        var last = attempts.Count > 0
            ? attempts[^1]
            : new HealthCheckAttempt(0, null, 0, "no attempt fitted before the invocation deadline");
        return new HealthCheckResult(
            target.ToString(), last.Failure is null && attempts.Count > 0, last.Status, last.LatencyMs, attempts.Count,
            last.Failure, time.GetUtcNow(), attempts);
    }

    private async Task<HealthCheckAttempt> ProbeOnceAsync(
        Uri target, HealthCheckRequest request, TimeSpan timeout, int attempt, CancellationToken cancellationToken)
    {
        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeout.CancelAfter(timeout);
        var clock = Stopwatch.StartNew();
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, target);
            using var response = await http
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            string? failure = null;
            if (status != request.Status)
            {
                failure = $"expected status {request.Status}, got {status}";
            }
            else if (request.ExpectedBodyContains is { Length: > 0 } expected)
            {
                var body = await ReadBodyAsync(response, attemptTimeout.Token).ConfigureAwait(false);
                if (!body.Contains(expected, StringComparison.Ordinal))
                {
                    failure = $"the body does not contain the expected text '{expected}'";
                }
            }

            return new HealthCheckAttempt(attempt, status, Elapsed(clock), failure);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckAttempt(attempt, null, Elapsed(clock), $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return new HealthCheckAttempt(attempt, null, Elapsed(clock), Describe(e));
        }
    }

    private static async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxBodyBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
        {
            filled += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
    }

    private static string Describe(HttpRequestException e) => e.InnerException switch
    {
        SocketException socket => $"connection failed: {socket.SocketErrorCode}",
        AuthenticationException tls => $"TLS failed: {tls.Message}",
        _ => $"request failed: {e.HttpRequestError}: {e.Message}",
    };

    private static double Elapsed(Stopwatch clock) => Math.Round(clock.Elapsed.TotalMilliseconds, 1);
}
