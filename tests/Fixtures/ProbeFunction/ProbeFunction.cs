using System.Text.Json.Serialization;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Tests.ProbeFunction;

/// <summary>What the test asks the probe to do.</summary>
public sealed record ProbeRequest(string Action, string? Message = null);

/// <summary>What the probe saw of its invocation.</summary>
public sealed record ProbeResult(
    string RequestId, string FunctionArn, string? TraceEnvironment, double RemainingMs, int ProcessId, string? Message,
    bool CancelledBeforeDeadline);

/// <summary>Thrown when asked to, so the test sees an error type that only a handler can produce.</summary>
public sealed class ProbeRequestedFailureException(string message) : Exception(message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(ProbeRequest))]
[JsonSerializable(typeof(ProbeResult))]
public sealed partial class ProbeJsonContext : JsonSerializerContext;

public sealed class ProbeHandler : ILambdaHandler<ProbeRequest, ProbeResult>
{
    public async Task<ProbeResult> HandleAsync(ProbeRequest input, ILambdaContext context)
    {
        var cancelledBeforeDeadline = false;
        switch (input.Action)
        {
            case "echo":
                break;
            case "pad":
                // Message is a byte count: the result carries that many characters, to test response size limits.
                input = input with { Message = new string('x', int.Parse(input.Message ?? "0", System.Globalization.CultureInfo.InvariantCulture)) };
                break;
            case "throw":
                throw new ProbeRequestedFailureException(input.Message ?? "asked to fail");
            case "log":
                context.Logger.Info(input.Message ?? string.Empty, ("connectionString", input.Message), ("detail", input.Message));
                break;
            case "wait-for-cancellation":
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    cancelledBeforeDeadline = DateTimeOffset.UtcNow < context.Deadline;
                }

                break;
            default:
                throw new InvalidInputException("action", $"unknown action '{input.Action}'");
        }

        return new ProbeResult(
            context.RequestId, context.InvokedFunctionArn, Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID"),
            context.RemainingTime.TotalMilliseconds, Environment.ProcessId, input.Message, cancelledBeforeDeadline);
    }
}

public sealed class ProbeEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("PROBE_FAIL_INIT", out var reason))
        {
            throw new FunctionConfigurationException($"PROBE_FAIL_INIT is set: {reason}");
        }

        return new LambdaFunction<ProbeRequest, ProbeResult>(
            "ProbeFunction", new ProbeHandler(), ProbeJsonContext.Default.ProbeRequest, ProbeJsonContext.Default.ProbeResult);
    }
}
