namespace DisasterRecovery.LocalStepFunctions.Time;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock only moves when told to, or — with <see cref="AutoAdvance"/> —
/// by itself at the moment every activity the engine runs is blocked on the clock. Then it jumps straight
/// to the next due timer, so a Wait of 3600 s or a retry back-off costs no real time.
/// <para>
/// "Activity" is counted explicitly: every execution, Parallel branch, Map iteration and in-flight task
/// invocation is one activity while it runs, and stops counting only while it sits in a clock wait
/// (<see cref="VirtualTimeExtensions.DelayAsync"/>). A task awaiting real I/O therefore keeps the clock still,
/// and nothing is ever skipped over while something could still make progress. A task-token wait counts as
/// running (a human or another system is working), so its heartbeat and timeout only fire when the clock is
/// advanced by hand — unless the engine is configured otherwise.
/// </para>
/// </summary>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly SortedSet<VirtualTimer> _timers = new(VirtualTimer.DueOrder);
    private DateTimeOffset _now;
    private long _sequence;
    private int _running;
    private bool _advanceScheduled;

    /// <summary>Starts at 2025-01-01T00:00:00Z so recorded histories are reproducible.</summary>
    public VirtualTimeProvider()
        : this(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Starts at <paramref name="start"/>.</summary>
    public VirtualTimeProvider(DateTimeOffset start) => _now = start;

    /// <summary>When true (default), jump to the next timer as soon as no activity is running.</summary>
    public bool AutoAdvance { get; set; } = true;

    /// <summary>Activities currently running (not blocked on the clock).</summary>
    public int RunningActivities
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Timers waiting to fire.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Virtual timestamps, so elapsed-time measurements see virtual time too.</summary>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        while (true)
        {
            List<VirtualTimer> due;
            lock (_gate)
            {
                if (_timers.Count == 0 || _timers.Min!.Due > target)
                {
                    if (target > _now)
                    {
                        _now = target;
                    }

                    return;
                }

                if (_timers.Min.Due > _now)
                {
                    _now = _timers.Min.Due;
                }

                due = TakeDueTimers();
            }

            Fire(due);
        }
    }

    internal void ActivityStarted()
    {
        lock (_gate)
        {
            _running++;
        }
    }

    internal void ActivityStopped()
    {
        lock (_gate)
        {
            _running--;
            if (_running != 0 || !AutoAdvance || _advanceScheduled || _timers.Count == 0)
            {
                return;
            }

            _advanceScheduled = true;
        }

        // Off the caller's thread: the caller may hold locks, and timer callbacks must not run inside them.
        ThreadPool.UnsafeQueueUserWorkItem(static self => self.AdvanceWhileIdle(), this, preferLocal: false);
    }

    internal void Schedule(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        var fireNow = false;
        lock (_gate)
        {
            _timers.Remove(timer);
            timer.Period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
            if (dueTime == TimeSpan.Zero)
            {
                // Already due: no time has to pass, so it fires whatever the activity count is.
                fireNow = true;
                if (IsPeriodic(period))
                {
                    timer.Due = _now + period;
                    timer.Sequence = ++_sequence;
                    _timers.Add(timer);
                }
            }
            else
            {
                timer.Due = _now + dueTime;
                timer.Sequence = ++_sequence;
                _timers.Add(timer);
            }
        }

        if (fireNow)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), timer, preferLocal: false);
        }
    }

    internal void Remove(VirtualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private static bool IsPeriodic(TimeSpan period) => period != Timeout.InfiniteTimeSpan && period > TimeSpan.Zero;

    private static void Fire(List<VirtualTimer> due)
    {
        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private void AdvanceWhileIdle()
    {
        while (true)
        {
            List<VirtualTimer> due;
            lock (_gate)
            {
                // Periodic timers never drive an auto-advance on their own: with nothing else pending they
                // would spin the clock forever.
                var next = _running == 0 && AutoAdvance ? _timers.FirstOrDefault(t => !IsPeriodic(t.Period)) : null;
                if (next is null)
                {
                    _advanceScheduled = false;
                    return;
                }

                if (next.Due > _now)
                {
                    _now = next.Due;
                }

                due = TakeDueTimers();
            }

            Fire(due);
        }
    }

    private List<VirtualTimer> TakeDueTimers()
    {
        var due = new List<VirtualTimer>();
        while (_timers.Count > 0 && _timers.Min!.Due <= _now)
        {
            var timer = _timers.Min;
            _timers.Remove(timer);
            due.Add(timer);
            if (IsPeriodic(timer.Period))
            {
                timer.Due += timer.Period;
                timer.Sequence = ++_sequence;
                _timers.Add(timer);
            }
        }

        return due;
    }

    /// <summary>A timer on the virtual clock.</summary>
    internal sealed class VirtualTimer(VirtualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public static readonly IComparer<VirtualTimer> DueOrder = Comparer<VirtualTimer>.Create((a, b) =>
        {
            var byDue = a.Due.CompareTo(b.Due);
            return byDue != 0 ? byDue : a.Sequence.CompareTo(b.Sequence);
        });

        public DateTimeOffset Due { get; set; }

        public long Sequence { get; set; }

        public TimeSpan Period { get; set; } = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Schedule(this, dueTime, period);
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose() => owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
