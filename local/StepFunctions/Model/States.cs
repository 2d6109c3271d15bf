using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Paths;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.Model;

/// <summary>The eight ASL state types.</summary>
public enum StateType
{
    /// <summary>Runs work through the host's <see cref="Execution.ITaskResourceInvoker"/>.</summary>
    Task,

    /// <summary>Passes (and optionally reshapes) its input.</summary>
    Pass,

    /// <summary>Branches on Choice Rules.</summary>
    Choice,

    /// <summary>Waits for a duration or until a timestamp.</summary>
    Wait,

    /// <summary>Ends the (branch of the) execution successfully.</summary>
    Succeed,

    /// <summary>Ends the (branch of the) execution with an error.</summary>
    Fail,

    /// <summary>Runs branches concurrently.</summary>
    Parallel,

    /// <summary>Runs an ItemProcessor for each item of an array.</summary>
    Map,
}

/// <summary>Fields common to every state. <c>null</c> InputPath/OutputPath mean the JSON value <c>null</c> (→ <c>{}</c>).</summary>
public abstract class State
{
    /// <summary>The state's name, unique within its machine or branch.</summary>
    public required string Name { get; init; }

    /// <summary>The state's type.</summary>
    public abstract StateType Type { get; }

    /// <summary>The state's Comment.</summary>
    public string? Comment { get; init; }

    /// <summary>The next state, or null when <see cref="End"/> (or for Choice/Succeed/Fail).</summary>
    public string? Next { get; init; }

    /// <summary>True when this state ends its machine or branch.</summary>
    public bool End { get; init; }

    /// <summary>InputPath (default <c>$</c>; null discards the input).</summary>
    public JsonPathExpression? InputPath { get; init; } = JsonPathExpression.Root;

    /// <summary>OutputPath (default <c>$</c>; null sends <c>{}</c>).</summary>
    public JsonPathExpression? OutputPath { get; init; } = JsonPathExpression.Root;
}

/// <summary>States that can Retry and Catch: Task, Parallel and Map.</summary>
public abstract class RecoverableState : State
{
    /// <summary>Parameters (for Map: the legacy name of ItemSelector, folded into it by the parser).</summary>
    public PayloadTemplate? Parameters { get; init; }

    /// <summary>ResultSelector applied to the raw result.</summary>
    public PayloadTemplate? ResultSelector { get; init; }

    /// <summary>ResultPath (default <c>$</c>; null discards the result).</summary>
    public ReferencePath? ResultPath { get; init; } = ReferencePath.Root;

    /// <summary>Retriers, first match wins.</summary>
    public IReadOnlyList<Retrier> Retry { get; init; } = [];

    /// <summary>Catchers, first match wins.</summary>
    public IReadOnlyList<Catcher> Catch { get; init; } = [];
}

/// <summary>How a Task's Resource asks Step Functions to wait, from the resource ARN's suffix.</summary>
public enum IntegrationPattern
{
    /// <summary>No suffix: call the API and continue with its response.</summary>
    RequestResponse,

    /// <summary><c>.sync</c> / <c>.sync:2</c>: run a job and wait for it to complete (the invoker waits).</summary>
    Sync,

    /// <summary><c>.waitForTaskToken</c>: pause until SendTaskSuccess/SendTaskFailure with the task token.</summary>
    WaitForTaskToken,
}

/// <summary>A Task state.</summary>
public sealed class TaskState : RecoverableState
{
    /// <inheritdoc />
    public override StateType Type => StateType.Task;

    /// <summary>The Resource ARN exactly as written (with any suffix).</summary>
    public required string Resource { get; init; }

    /// <summary>Integration pattern parsed from the Resource suffix.</summary>
    public IntegrationPattern Pattern => ParsePattern(Resource);

    /// <summary>TimeoutSeconds (AWS default when absent: 99999999, i.e. effectively none).</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>Reference path to the timeout in the effective input.</summary>
    public ReferencePath? TimeoutSecondsPath { get; init; }

    /// <summary>HeartbeatSeconds.</summary>
    public int? HeartbeatSeconds { get; init; }

    /// <summary>Reference path to the heartbeat interval in the effective input.</summary>
    public ReferencePath? HeartbeatSecondsPath { get; init; }

    /// <summary>Resource without its integration suffix, e.g. <c>arn:aws:states:::sqs:sendMessage</c>.</summary>
    public string BaseResource => StripPattern(Resource);

    internal static IntegrationPattern ParsePattern(string resource) =>
        resource.EndsWith(".waitForTaskToken", StringComparison.Ordinal) ? IntegrationPattern.WaitForTaskToken
        : resource.EndsWith(".sync", StringComparison.Ordinal) || resource.EndsWith(".sync:2", StringComparison.Ordinal)
            ? IntegrationPattern.Sync
            : IntegrationPattern.RequestResponse;

    internal static string StripPattern(string resource)
    {
        foreach (var suffix in new[] { ".waitForTaskToken", ".sync:2", ".sync" })
        {
            if (resource.EndsWith(suffix, StringComparison.Ordinal))
            {
                return resource[..^suffix.Length];
            }
        }

        return resource;
    }
}

/// <summary>A Pass state.</summary>
public sealed class PassState : State
{
    private readonly JsonNode? _result;

    /// <inheritdoc />
    public override StateType Type => StateType.Pass;

    /// <summary>Parameters.</summary>
    public PayloadTemplate? Parameters { get; init; }

    /// <summary>ResultPath (default <c>$</c>).</summary>
    public ReferencePath? ResultPath { get; init; } = ReferencePath.Root;

    /// <summary>True when the definition has a Result field (which may be JSON null).</summary>
    public bool HasResult { get; init; }

    /// <summary>The fixed Result (a copy each time, so executions cannot change the definition).</summary>
    public JsonNode? Result
    {
        get => JsonValues.Clone(_result);
        init => _result = JsonValues.Clone(value);
    }
}

/// <summary>A Choice state.</summary>
public sealed class ChoiceState : State
{
    /// <inheritdoc />
    public override StateType Type => StateType.Choice;

    /// <summary>Rules in order; the first rule that matches wins.</summary>
    public required IReadOnlyList<ChoiceRule> Choices { get; init; }

    /// <summary>State to go to when no rule matches.</summary>
    public string? Default { get; init; }
}

/// <summary>A Wait state: exactly one of the four fields is set.</summary>
public sealed class WaitState : State
{
    /// <inheritdoc />
    public override StateType Type => StateType.Wait;

    /// <summary>Seconds to wait.</summary>
    public long? Seconds { get; init; }

    /// <summary>Absolute time to wait until.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Reference path to the seconds in the effective input.</summary>
    public ReferencePath? SecondsPath { get; init; }

    /// <summary>Reference path to the timestamp in the effective input.</summary>
    public ReferencePath? TimestampPath { get; init; }
}

/// <summary>A Succeed state.</summary>
public sealed class SucceedState : State
{
    /// <inheritdoc />
    public override StateType Type => StateType.Succeed;
}

/// <summary>A Fail state. ErrorPath/CausePath may be a reference path or an intrinsic function, as AWS allows.</summary>
public sealed class FailState : State
{
    /// <inheritdoc />
    public override StateType Type => StateType.Fail;

    /// <summary>Static error name.</summary>
    public string? Error { get; init; }

    /// <summary>Static cause.</summary>
    public string? Cause { get; init; }

    /// <summary>Dynamic error name, evaluated against the state input.</summary>
    public PayloadTemplate? ErrorPath { get; init; }

    /// <summary>Dynamic cause, evaluated against the state input.</summary>
    public PayloadTemplate? CausePath { get; init; }
}

/// <summary>A Parallel state.</summary>
public sealed class ParallelState : RecoverableState
{
    /// <inheritdoc />
    public override StateType Type => StateType.Parallel;

    /// <summary>Branches, each a complete sub-machine.</summary>
    public required IReadOnlyList<StateMachine> Branches { get; init; }
}

/// <summary>A Map state (inline processing; Distributed-only features are rejected by the parser).</summary>
public sealed class MapState : RecoverableState
{
    /// <inheritdoc />
    public override StateType Type => StateType.Map;

    /// <summary>ItemProcessor (or the legacy Iterator).</summary>
    public required StateMachine ItemProcessor { get; init; }

    /// <summary>ItemsPath (default <c>$</c>).</summary>
    public ReferencePath ItemsPath { get; init; } = ReferencePath.Root;

    /// <summary>ItemSelector (or the legacy Parameters), evaluated once per item with <c>$$.Map.Item</c>.</summary>
    public PayloadTemplate? ItemSelector { get; init; }

    /// <summary>MaxConcurrency; 0 means unlimited.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Reference path to MaxConcurrency.</summary>
    public ReferencePath? MaxConcurrencyPath { get; init; }

    /// <summary>ToleratedFailureCount.</summary>
    public int? ToleratedFailureCount { get; init; }

    /// <summary>Reference path to ToleratedFailureCount.</summary>
    public ReferencePath? ToleratedFailureCountPath { get; init; }

    /// <summary>ToleratedFailurePercentage (0–100).</summary>
    public double? ToleratedFailurePercentage { get; init; }

    /// <summary>Reference path to ToleratedFailurePercentage.</summary>
    public ReferencePath? ToleratedFailurePercentagePath { get; init; }

    /// <summary>True when any tolerated-failure field is set (then failures are counted instead of failing fast).</summary>
    public bool HasFailureTolerance =>
        ToleratedFailureCount is not null || ToleratedFailureCountPath is not null ||
        ToleratedFailurePercentage is not null || ToleratedFailurePercentagePath is not null;
}
