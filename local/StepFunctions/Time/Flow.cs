namespace DisasterRecovery.LocalStepFunctions.Time;

/// <summary>
/// Counts the engine's concurrent activities for <see cref="VirtualTimeProvider"/>. With any other clock the
/// counting is harmless bookkeeping and real time simply passes.
/// </summary>
internal sealed class ActivityTracker(TimeProvider clock)
{
    private readonly VirtualTimeProvider? _virtualClock = clock as VirtualTimeProvider;

    public TimeProvider Clock { get; } = clock;

    /// <summary>Starts a new running activity (an execution, a branch, an iteration, a task call).</summary>
    public Flow StartFlow()
    {
        _virtualClock?.ActivityStarted();
        return new Flow(this);
    }

    internal void Started() => _virtualClock?.ActivityStarted();

    internal void Stopped() => _virtualClock?.ActivityStopped();
}

/// <summary>
/// One logical thread of work. It is Running, Idle (blocked on the clock or on other flows) or Ended.
/// The invariant that keeps auto-advance safe: whoever wakes a flow marks it Running <em>before</em> it lets
/// the waiter continue, and a finishing child wakes its parent <em>before</em> it ends itself, so the running
/// count never touches zero while work is still runnable.
/// </summary>
internal sealed class Flow
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int Ended = 2;
    private static readonly AsyncLocal<Flow?> CurrentFlow = new();
    private int _state = Running;

    internal Flow(ActivityTracker tracker) => Tracker = tracker;

    /// <summary>The flow the current async code runs in, so invokers can wait on the virtual clock.</summary>
    public static Flow? Current
    {
        get => CurrentFlow.Value;
        set => CurrentFlow.Value = value;
    }

    public ActivityTracker Tracker { get; }

    public void MarkIdle()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Running) == Running)
        {
            Tracker.Stopped();
        }
    }

    public void MarkRunning()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Idle) == Idle)
        {
            Tracker.Started();
        }
    }

    public void End()
    {
        if (Interlocked.Exchange(ref _state, Ended) == Running)
        {
            Tracker.Stopped();
        }
    }

    /// <summary>Starts a child flow running <paramref name="body"/> on the thread pool; the child ends when the body does.</summary>
    public Task<T> RunChildAsync<T>(Func<Flow, Task<T>> body, Action? beforeEnd = null)
    {
        var child = Tracker.StartFlow();
        return Task.Run(async () =>
        {
            Current = child;
            try
            {
                return await body(child).ConfigureAwait(false);
            }
            finally
            {
                // Wake whoever waits for this child first, then stop counting the child (see the class remarks).
                beforeEnd?.Invoke();
                child.End();
            }
        });
    }

    /// <summary>Waits on the clock; while waiting this flow is idle, so a virtual clock may jump ahead.</summary>
    public async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        var signal = new FlowSignal(this);
        using (Tracker.Clock.CreateTimer(static s => ((FlowSignal)s!).Set(), signal, delay, Timeout.InfiniteTimeSpan))
        using (cancellationToken.Register(static s => ((FlowSignal)s!).Set(), signal))
        {
            await signal.WaitAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// An auto-reset wake-up for one owning flow. Waiting marks the owner idle; <see cref="Set"/> marks it running
/// again and then releases the waiter. A Set that arrives before the wait is remembered.
/// </summary>
internal sealed class FlowSignal(Flow owner)
{
    private readonly object _gate = new();
    private bool _isSet;
    private TaskCompletionSource? _waiter;

    public Task WaitAsync()
    {
        lock (_gate)
        {
            if (_isSet)
            {
                _isSet = false;
                return Task.CompletedTask;
            }

            _waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            owner.MarkIdle();
            return _waiter.Task;
        }
    }

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            if (waiter is null)
            {
                _isSet = true;
                return;
            }

            owner.MarkRunning();
        }

        waiter.TrySetResult();
    }
}
