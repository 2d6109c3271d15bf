namespace DisasterRecovery.Lambda.RuntimeApi;

/// <summary>One event handed out by <c>GET /runtime/invocation/next</c>.</summary>
public sealed record Invocation(
    string RequestId,
    DateTimeOffset Deadline,
    string InvokedFunctionArn,
    string? TraceId,
    byte[] Payload);
