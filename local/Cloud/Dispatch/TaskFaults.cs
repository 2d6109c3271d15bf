using DisasterRecovery.LocalStepFunctions.Errors;

namespace DisasterRecovery.LocalCloud.Dispatch;

/// <summary>
/// Failures a test asks the local cloud for: the next time a Task state of the given name is dispatched (in any
/// execution), it fails with the given error and cause instead of calling its resource, as if the service had
/// answered with that error. Each fault fires once; the Task's Retry and Catch then apply as on AWS, so an error name
/// none of its Retry rules lists (e.g. <c>Injected.Failure</c>) goes straight to its Catch.
/// </summary>
public sealed class TaskFaults
{
    private readonly Dictionary<string, Queue<TaskFault>> _pending = new(StringComparer.Ordinal);
    private readonly List<TaskFault> _fired = [];
    private readonly Lock _lock = new();

    /// <summary>The faults that have fired so far, oldest first.</summary>
    public IReadOnlyList<TaskFault> Fired
    {
        get
        {
            lock (_lock)
            {
                return [.. _fired];
            }
        }
    }

    /// <summary>Makes the next dispatch of Task state <paramref name="stateName"/> fail with <paramref name="error"/>.</summary>
    /// <exception cref="ArgumentException">An empty state name or error name.</exception>
    public void FailOnce(string stateName, string error, string cause = "failure injected by a test")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateName);
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        lock (_lock)
        {
            if (!_pending.TryGetValue(stateName, out var queue))
            {
                _pending[stateName] = queue = new Queue<TaskFault>();
            }

            queue.Enqueue(new TaskFault(stateName, error, cause));
        }
    }

    /// <summary>Faults not fired yet, by state name.</summary>
    public IReadOnlyList<string> Pending()
    {
        lock (_lock)
        {
            return [.. _pending.Where(p => p.Value.Count > 0).Select(p => p.Key)];
        }
    }

    /// <summary>Throws the pending fault for the state, if any (the dispatcher calls this before every Task).</summary>
    /// <exception cref="TaskFailedException">The injected failure.</exception>
    internal void ThrowIfPending(string stateName, string executionArn)
    {
        TaskFault? fault = null;
        lock (_lock)
        {
            if (_pending.TryGetValue(stateName, out var queue) && queue.TryDequeue(out var next))
            {
                fault = next with { ExecutionArn = executionArn };
                _fired.Add(fault);
            }
        }

        if (fault is not null)
        {
            throw new TaskFailedException(fault.Error, fault.Cause);
        }
    }
}

/// <summary>One injected failure: the state it fails, its error and cause, and the execution it fired in.</summary>
public sealed record TaskFault(string StateName, string Error, string Cause)
{
    /// <summary>The execution whose Task it failed; null until it fired.</summary>
    public string? ExecutionArn { get; init; }
}
