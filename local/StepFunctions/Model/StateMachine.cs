namespace DisasterRecovery.LocalStepFunctions.Model;

/// <summary>
/// A parsed, validated state machine (or a Parallel branch / Map ItemProcessor, which have the same shape).
/// Immutable: one parsed definition can run any number of executions concurrently.
/// </summary>
public sealed class StateMachine
{
    internal StateMachine(string? comment, string startAt, IReadOnlyDictionary<string, State> states, int? timeoutSeconds)
    {
        Comment = comment;
        StartAt = startAt;
        States = states;
        TimeoutSeconds = timeoutSeconds;
    }

    /// <summary>The definition's Comment.</summary>
    public string? Comment { get; }

    /// <summary>Name of the first state.</summary>
    public string StartAt { get; }

    /// <summary>States by name.</summary>
    public IReadOnlyDictionary<string, State> States { get; }

    /// <summary>Maximum run time of an execution; exceeding it fails the execution with States.Timeout.</summary>
    public int? TimeoutSeconds { get; }

    /// <summary>Parses and validates ASL JSON text; throws <see cref="Errors.AslValidationException"/> listing every problem.</summary>
    public static StateMachine Parse(string definitionJson) => StateMachineParser.Parse(definitionJson);
}
