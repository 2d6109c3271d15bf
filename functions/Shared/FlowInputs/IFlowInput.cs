using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// A state machine's input: one record per flow (<c>&lt;Flow&gt;Input</c>), whose properties are exactly the fields the
/// flow reads from its execution input (camelCase, all nullable: absent or null is the flow's default). Its
/// <see cref="IValidatable.Validate"/> refuses a missing required field or a value the flow cannot take; unknown fields
/// and wrong JSON types are refused before it, by <see cref="FlowInputCheck"/>, from the record's JSON metadata.
/// </summary>
public interface IFlowInput : IValidatable
{
    /// <summary>The flow's ASL file stem (<c>statemachines/&lt;Flow&gt;.asl.json</c>), which the first state passes as <c>flow</c>.</summary>
    static abstract string Flow { get; }

    /// <summary>
    /// Fields a caller might reasonably send that the flow does not take, each with what to do instead; the refusal of
    /// such a field says so (e.g. point-in-time-recovery's <c>database</c>).
    /// </summary>
    static abstract IReadOnlyDictionary<string, string> NotTaken { get; }
}
