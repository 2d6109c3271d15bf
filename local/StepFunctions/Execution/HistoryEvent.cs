namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>History event types, named exactly as Step Functions names them in GetExecutionHistory.</summary>
public enum HistoryEventType
{
#pragma warning disable CS1591 // The names are the documentation: they are AWS's event type names.
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionFailed,
    ExecutionTimedOut,
    ExecutionAborted,
    PassStateEntered,
    PassStateExited,
    TaskStateEntered,
    TaskStateExited,
    TaskStateAborted,
    TaskScheduled,
    TaskStarted,
    TaskSubmitted,
    TaskSucceeded,
    TaskFailed,
    TaskTimedOut,
    ChoiceStateEntered,
    ChoiceStateExited,
    WaitStateEntered,
    WaitStateExited,
    WaitStateAborted,
    SucceedStateEntered,
    SucceedStateExited,
    FailStateEntered,
    ParallelStateEntered,
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    ParallelStateAborted,
    ParallelStateExited,
    MapStateEntered,
    MapStateStarted,
    MapStateSucceeded,
    MapStateFailed,
    MapStateAborted,
    MapStateExited,
    MapIterationStarted,
    MapIterationSucceeded,
    MapIterationFailed,
    MapIterationAborted,
#pragma warning restore CS1591
}

/// <summary>
/// One history event. Details are flattened into nullable fields (JSON texts for inputs and outputs, as the
/// AWS API returns them); each event type fills the fields AWS fills for it.
/// </summary>
public sealed record HistoryEvent
{
    /// <summary>1-based id, unique within the execution.</summary>
    public long Id { get; init; }

    /// <summary>The event this one follows in its branch (0 for ExecutionStarted).</summary>
    public long PreviousEventId { get; init; }

    /// <summary>When it happened, on the engine's clock.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The event type.</summary>
    public HistoryEventType Type { get; init; }

    /// <summary>The state the event belongs to (state events, Map iterations).</summary>
    public string? StateName { get; init; }

    /// <summary>Input JSON text (entered events, ExecutionStarted).</summary>
    public string? Input { get; init; }

    /// <summary>Output JSON text (exited events, TaskSucceeded, TaskSubmitted, ExecutionSucceeded).</summary>
    public string? Output { get; init; }

    /// <summary>Error name (failed/timed-out/aborted events).</summary>
    public string? Error { get; init; }

    /// <summary>Error cause.</summary>
    public string? Cause { get; init; }

    /// <summary>Task resource ARN (task events).</summary>
    public string? Resource { get; init; }

    /// <summary>Service part of the resource, e.g. <c>lambda</c> (task events).</summary>
    public string? ResourceType { get; init; }

    /// <summary>Effective task parameters JSON text (TaskScheduled).</summary>
    public string? Parameters { get; init; }

    /// <summary>Iteration index (MapIteration events).</summary>
    public int? Index { get; init; }

    /// <summary>Number of items (MapStateStarted).</summary>
    public int? Length { get; init; }

    /// <summary>Task timeout in seconds (TaskScheduled), when set.</summary>
    public long? TimeoutInSeconds { get; init; }

    /// <summary>Task heartbeat in seconds (TaskScheduled), when set.</summary>
    public long? HeartbeatInSeconds { get; init; }

    /// <summary>Execution role (ExecutionStarted).</summary>
    public string? RoleArn { get; init; }
}

/// <summary>Raised for every event as it is recorded, so a CLI can print each state as it runs.</summary>
public sealed class HistoryEventRecordedEventArgs(string executionArn, HistoryEvent historyEvent) : EventArgs
{
    /// <summary>The execution the event belongs to.</summary>
    public string ExecutionArn { get; } = executionArn;

    /// <summary>The event.</summary>
    public HistoryEvent Event { get; } = historyEvent;
}
