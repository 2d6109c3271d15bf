using System.Text.Json;
using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// CheckFlowInput's request, as every flow's first state sends it: <c>{"flow": "&lt;flow-file-stem&gt;", "input.$": "$"}</c>.
/// </summary>
public sealed record CheckFlowInputRequest : IValidatable
{
    /// <summary>The flow's ASL file stem, e.g. <c>point-in-time-recovery</c>.</summary>
    public string? Flow { get; init; }

    /// <summary>The execution's input, as the flow received it.</summary>
    public JsonElement? Input { get; init; }

    public void Validate()
    {
        FlowInputCheck.For(Flow);
        if (Input is null)
        {
            throw new InvalidInputException("input", "is required: the execution's input (\"input.$\": \"$\")");
        }
    }
}
