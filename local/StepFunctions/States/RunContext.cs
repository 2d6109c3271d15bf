using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>What every state of one execution shares: the services of the engine and the execution record.</summary>
internal sealed class RunContext(
    ExecutionRecord execution,
    ITaskResourceInvoker invoker,
    ActivityTracker tracker,
    TaskTokenRegistry tokens,
    Random random,
    StateMachineEngineOptions options)
{
    public ExecutionRecord Execution { get; } = execution;

    public ITaskResourceInvoker Invoker { get; } = invoker;

    public ActivityTracker Tracker { get; } = tracker;

    public TimeProvider Clock => Tracker.Clock;

    public TaskTokenRegistry Tokens { get; } = tokens;

    public Random Random { get; } = random;

    public StateMachineEngineOptions Options { get; } = options;
}

/// <summary>One branch of work: the root of an execution, a Parallel branch or a Map iteration.</summary>
internal sealed record BranchScope(RunContext Run, Flow Flow, CancellationToken Cancellation, HistoryCursor Cursor)
{
    public HistoryEvent? Record(HistoryEventType type, Func<HistoryEvent, HistoryEvent>? details = null) =>
        Run.Execution.Record(Cursor, type, Run.Clock.GetUtcNow(), details);
}

/// <summary>One visit of one state: its raw input and what the context object's State fields report.</summary>
internal sealed class StateScope(BranchScope branch, State state, JsonNode? rawInput, DateTimeOffset enteredTime, long enteredEventId)
{
    public BranchScope Branch { get; } = branch;

    public RunContext Run => Branch.Run;

    public Flow Flow => Branch.Flow;

    public CancellationToken Cancellation => Branch.Cancellation;

    public State State { get; } = state;

    /// <summary>The state's input before InputPath; ResultPath and Catch write into (a copy of) it.</summary>
    public JsonNode? RawInput { get; } = rawInput;

    public long EnteredEventId { get; } = enteredEventId;

    /// <summary>Retries so far, for <c>$$.State.RetryCount</c>.</summary>
    public int RetryCount { get; set; }

    /// <summary>The current attempt's task token, for <c>$$.Task.Token</c>.</summary>
    public string? TaskToken { get; set; }

    public HistoryEvent? Record(HistoryEventType type, Func<HistoryEvent, HistoryEvent>? details = null) => Branch.Record(type, details);

    /// <summary>A scope for paths and intrinsics over <paramref name="input"/>, with this state's context object.</summary>
    public EvaluationScope Evaluate(JsonNode? input, int? mapIndex = null, JsonNode? mapValue = null) =>
        new(input, () => BuildContext(mapIndex, mapValue), Run.Random);

    private JsonObject BuildContext(int? mapIndex, JsonNode? mapValue)
    {
        var execution = Run.Execution;
        var context = new JsonObject
        {
            ["Execution"] = new JsonObject
            {
                ["Id"] = execution.Arn,
                ["Input"] = JsonValues.Clone(execution.Input),
                ["Name"] = execution.Name,
                ["RoleArn"] = execution.Machine.RoleArn,
                ["StartTime"] = Timestamps.Format(execution.StartDate),
                ["RedriveCount"] = 0,
            },
            ["State"] = new JsonObject
            {
                ["EnteredTime"] = Timestamps.Format(enteredTime),
                ["Name"] = State.Name,
                ["RetryCount"] = RetryCount,
            },
            ["StateMachine"] = new JsonObject
            {
                ["Id"] = execution.Machine.Arn,
                ["Name"] = execution.Machine.Name,
            },
        };
        if (TaskToken is not null)
        {
            context["Task"] = new JsonObject { ["Token"] = TaskToken };
        }

        if (mapIndex is not null)
        {
            context["Map"] = new JsonObject
            {
                ["Item"] = new JsonObject { ["Index"] = mapIndex, ["Value"] = JsonValues.Clone(mapValue) },
            };
        }

        return context;
    }
}

/// <summary>What a state produced: its output and where to go next (null: the branch ends here).</summary>
internal readonly record struct StateOutcome(JsonNode? Output, string? Next);
