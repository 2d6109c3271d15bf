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
    /// How long after now the token fires: before the deadline by a safety margin of 5 % of the time left, at least 10 s
    /// (what a job needs to stop, drop its temporary database, abort its upload and write its audit event before it is
    /// killed), but never more than half the time left, so a short invocation still gets to run.
    /// </summary>
    public static TimeSpan CancelAfter(TimeSpan timeLeft)
    {
        if (timeLeft <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        return timeLeft - SafetyMargin(timeLeft);
    }

    /// <summary>The safety margin kept before a deadline <paramref name="timeLeft"/> away: max(10 s, 5 %), at most half of it.</summary>
    public static TimeSpan SafetyMargin(TimeSpan timeLeft)
    {
        if (timeLeft <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var margin = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(10).Ticks, timeLeft.Ticks / 20));
        return margin < timeLeft / 2 ? margin : timeLeft / 2;
    }

    public void Dispose()
    {
        _stopped.Dispose();
        _beforeDeadline.Dispose();
    }
}
