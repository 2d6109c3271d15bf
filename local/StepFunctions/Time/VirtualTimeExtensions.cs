namespace DisasterRecovery.LocalStepFunctions.Time;

/// <summary>Clock waits for code running inside the engine, e.g. an invoker simulating a slow job.</summary>
public static class VirtualTimeExtensions
{
    /// <summary>
    /// Waits <paramref name="delay"/> on <paramref name="clock"/>. Called from inside a task invocation, the wait
    /// marks the invocation idle, so a <see cref="VirtualTimeProvider"/> can skip ahead (and a task TimeoutSeconds
    /// can fire) without real time passing. Elsewhere it is <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>.
    /// Use it instead of Task.Delay in invokers: a plain Task.Delay keeps the invocation "running" and the virtual
    /// clock would wait for it forever.
    /// </summary>
    public static Task DelayAsync(this TimeProvider clock, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Flow.Current is { } flow && ReferenceEquals(flow.Tracker.Clock, clock)
            ? flow.DelayAsync(delay, cancellationToken)
            : Task.Delay(delay, clock, cancellationToken);
    }
}
