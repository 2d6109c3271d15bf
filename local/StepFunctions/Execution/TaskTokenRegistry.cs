using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>The answer delivered for a task token.</summary>
internal sealed record TaskTokenOutcome(bool Succeeded, JsonNode? Output, string? Error, string? Cause);

/// <summary>A Task state waiting for its token; woken through the owning flow's signal.</summary>
internal sealed class TaskTokenWaiter(FlowSignal signal)
{
    private TaskTokenOutcome? _outcome;

    public TaskTokenOutcome? Outcome => Volatile.Read(ref _outcome);

    /// <summary>Resets the heartbeat timer; set by the waiting task.</summary>
    public Action? OnHeartbeat { get; set; }

    public bool TryComplete(TaskTokenOutcome outcome)
    {
        if (Interlocked.CompareExchange(ref _outcome, outcome, null) is not null)
        {
            return false;
        }

        signal.Set();
        return true;
    }
}

/// <summary>
/// Outstanding task tokens of all executions. A token is registered before the invoker runs, so an answer that
/// arrives while the invoker is still returning is not lost; a token that is no longer awaited (answered, timed
/// out, aborted) answers TaskTimedOut, an unknown one InvalidToken — the codes AWS uses.
/// </summary>
internal sealed class TaskTokenRegistry
{
    private readonly ConcurrentDictionary<string, TaskTokenWaiter> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _closed = new(StringComparer.Ordinal);

    public static string NewToken() =>
        "AQB" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)).Replace('/', '_').Replace('+', '-');

    public TaskTokenWaiter Register(string token, FlowSignal signal)
    {
        var waiter = new TaskTokenWaiter(signal);
        _waiting[token] = waiter;
        return waiter;
    }

    public void Close(string token)
    {
        if (_waiting.TryRemove(token, out _))
        {
            _closed[token] = 0;
        }
    }

    public void Complete(string token, TaskTokenOutcome outcome)
    {
        if (!Find(token).TryComplete(outcome))
        {
            throw new StepFunctionsApiException("TaskTimedOut", "The task for this token has already been answered.");
        }
    }

    public void Heartbeat(string token) => Find(token).OnHeartbeat?.Invoke();

    private TaskTokenWaiter Find(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_waiting.TryGetValue(token, out var waiter))
        {
            return waiter;
        }

        throw _closed.ContainsKey(token)
            ? new StepFunctionsApiException("TaskTimedOut", "The task for this token is no longer running (it finished, timed out or was aborted).")
            : new StepFunctionsApiException("InvalidToken", "The task token is not valid.");
    }
}
