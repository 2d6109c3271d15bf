using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Lambda;

/// <summary>What a handler knows about the invocation it is serving.</summary>
public interface ILambdaContext
{
    string RequestId { get; }

    string FunctionName { get; }

    string InvokedFunctionArn { get; }

    /// <summary>The X-Ray trace header, also exported as <c>_X_AMZN_TRACE_ID</c>.</summary>
    string? TraceId { get; }

    /// <summary>When Lambda will stop the invocation.</summary>
    DateTimeOffset Deadline { get; }

    TimeSpan RemainingTime { get; }

    /// <summary>Fires a safety margin before <see cref="Deadline"/> (max(10 s, 5 %), at most half the time left), leaving time to clean up and report.</summary>
    CancellationToken CancellationToken { get; }

    /// <summary>Structured logger stamped with this request id.</summary>
    JsonLogger Logger { get; }
}
