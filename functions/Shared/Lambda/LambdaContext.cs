using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Lambda;

/// <summary>The context of one invocation, built from the Runtime API's headers, by a job's host or by a local caller.</summary>
public sealed class LambdaContext : ILambdaContext, IDisposable
{
    private readonly CancellationTokenSource _beforeDeadline;
    private readonly CancellationTokenRegistration _stopped;
    private readonly TimeProvider _time;

    public LambdaContext(
        string requestId,
        string functionName,
        string invokedFunctionArn,
        DateTimeOffset deadline,
        string? traceId,
        JsonLogger logger,
        TimeProvider time,
        CancellationToken stopped = default)
    {
        RequestId = requestId;
        FunctionName = functionName;
        InvokedFunctionArn = invokedFunctionArn;
        Deadline = deadline;
        TraceId = traceId;
        Logger = logger.ForRequest(requestId);
        _time = time;
        _beforeDeadline = new CancellationTokenSource(CancelAfter(deadline - time.GetUtcNow()), time);

        // A job's host can be stopped before the deadline (ECS sends SIGTERM): the handler sees it as the same token.
        _stopped = stopped.Register(static state => ((CancellationTokenSource)state!).Cancel(), _beforeDeadline);
    }

    public string RequestId { get; }

    public string FunctionName { get; }

    public string InvokedFunctionArn { get; }

    public string? TraceId { get; }

    public DateTimeOffset Deadline { get; }

    public TimeSpan RemainingTime
    {
        get
        {
            var left = Deadline - _time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public CancellationToken CancellationToken => _beforeDeadline.Token;

    public JsonLogger Logger { get; }

    /// <summary>
    /// How long before the deadline the token fires: a tenth of the time left, between 250 ms and
    /// 2 s, so a short invocation still gets to run and a long one still gets to report.
    /// </summary>
    public static TimeSpan CancelAfter(TimeSpan timeLeft)
    {
        if (timeLeft <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var margin = TimeSpan.FromTicks(Math.Clamp(timeLeft.Ticks / 10, TimeSpan.FromMilliseconds(250).Ticks, TimeSpan.FromSeconds(2).Ticks));
        var after = timeLeft - margin;
        return after > TimeSpan.Zero ? after : TimeSpan.Zero;
    }

    public void Dispose()
    {
        _stopped.Dispose();
        _beforeDeadline.Dispose();
    }
}
