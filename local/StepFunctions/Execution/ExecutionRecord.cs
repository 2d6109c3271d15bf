using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;

namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>A registered state machine.</summary>
internal sealed record StateMachineRecord(string Arn, string Name, StateMachine Definition, string RoleArn);

/// <summary>Tracks the previous event id of one branch, so events chain the way AWS's previousEventId does.</summary>
internal sealed class HistoryCursor(long lastEventId)
{
    public long LastEventId { get; set; } = lastEventId;

    public HistoryCursor Fork() => new(LastEventId);
}

/// <summary>
/// One execution: status, result and history. All mutation goes through a lock; once the execution reaches a
/// final status no more events are recorded (branches still unwinding after Stop or a timeout are silent, as in AWS).
/// </summary>
internal sealed class ExecutionRecord
{
    private readonly object _gate = new();
    private readonly List<HistoryEvent> _history = [];
    private readonly TaskCompletionSource<ExecutionDescription> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string, HistoryEvent> _onEvent;
    private ExecutionStatus _status = ExecutionStatus.Running;
    private string? _output;
    private string? _error;
    private string? _cause;
    private DateTimeOffset? _stopDate;

    public ExecutionRecord(string arn, string name, StateMachineRecord machine, JsonNode? input, DateTimeOffset startDate,
        Action<string, HistoryEvent> onEvent)
    {
        Arn = arn;
        Name = name;
        Machine = machine;
        Input = input;
        StartDate = startDate;
        _onEvent = onEvent;
    }

    public string Arn { get; }

    public string Name { get; }

    public StateMachineRecord Machine { get; }

    public JsonNode? Input { get; }

    public DateTimeOffset StartDate { get; }

    public CancellationTokenSource Cancellation { get; } = new();

    public Task<ExecutionDescription> Completion => _completion.Task;

    public bool IsFinished
    {
        get
        {
            lock (_gate)
            {
                return _status != ExecutionStatus.Running;
            }
        }
    }

    public HistoryEvent? Record(HistoryCursor cursor, HistoryEventType type, DateTimeOffset timestamp, Func<HistoryEvent, HistoryEvent>? details = null)
    {
        HistoryEvent recorded;
        lock (_gate)
        {
            if (_status != ExecutionStatus.Running)
            {
                return null;
            }

            recorded = Append(cursor, type, timestamp, details);
        }

        _onEvent(Arn, recorded);
        return recorded;
    }

    /// <summary>Moves to a final status exactly once; later attempts (a branch finishing after Stop) are ignored.</summary>
    public bool TryComplete(HistoryCursor cursor, ExecutionStatus status, DateTimeOffset timestamp, JsonNode? output, string? error, string? cause)
    {
        HistoryEvent recorded;
        lock (_gate)
        {
            if (_status != ExecutionStatus.Running)
            {
                return false;
            }

            var type = status switch
            {
                ExecutionStatus.Succeeded => HistoryEventType.ExecutionSucceeded,
                ExecutionStatus.Failed => HistoryEventType.ExecutionFailed,
                ExecutionStatus.TimedOut => HistoryEventType.ExecutionTimedOut,
                _ => HistoryEventType.ExecutionAborted,
            };
            _output = status == ExecutionStatus.Succeeded ? JsonValues.ToJson(output) : null;
            _error = string.IsNullOrEmpty(error) ? null : error;
            _cause = string.IsNullOrEmpty(cause) ? null : cause;
            recorded = Append(cursor, type, timestamp, e => e with { Output = _output, Error = _error, Cause = _cause });
            _status = status;
            _stopDate = timestamp;
        }

        _onEvent(Arn, recorded);
        _completion.TrySetResult(Describe());
        return true;
    }

    public ExecutionDescription Describe()
    {
        lock (_gate)
        {
            return new ExecutionDescription
            {
                ExecutionArn = Arn,
                StateMachineArn = Machine.Arn,
                Name = Name,
                Status = _status,
                StartDate = StartDate,
                StopDate = _stopDate,
                Input = JsonValues.ToJson(Input),
                Output = _output,
                Error = _error,
                Cause = _cause,
            };
        }
    }

    public IReadOnlyList<HistoryEvent> History()
    {
        lock (_gate)
        {
            return _history.ToArray();
        }
    }

    private HistoryEvent Append(HistoryCursor cursor, HistoryEventType type, DateTimeOffset timestamp, Func<HistoryEvent, HistoryEvent>? details)
    {
        var historyEvent = new HistoryEvent
        {
            Id = _history.Count + 1,
            PreviousEventId = cursor.LastEventId,
            Timestamp = timestamp,
            Type = type,
        };
        if (details is not null)
        {
            historyEvent = details(historyEvent);
        }

        _history.Add(historyEvent);
        cursor.LastEventId = historyEvent.Id;
        return historyEvent;
    }
}
