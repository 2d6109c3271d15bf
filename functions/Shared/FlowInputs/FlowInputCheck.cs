using System.Text.Json;
using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// Every flow's input record, by the flow's ASL file stem, and the check each flow's first state
/// (<c>Check the input</c>, the CheckFlowInput function) runs on its execution input.
/// </summary>
public static class FlowInputCheck
{
    /// <summary>One entry per statemachines/*.asl.json.</summary>
    public static IReadOnlyList<FlowInputKind> Flows { get; } =
    [
        FlowInputKind.Of(FlowInputsJsonContext.Default.PointInTimeRecoveryInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.PostgresBackupInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.RedisElastiCacheBackupInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.RestoreDatabaseInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.RestoreRedisInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.ServiceHealthInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.SweepAbandonedInstancesInput),
        FlowInputKind.Of(FlowInputsJsonContext.Default.VerifyBackupInput),
    ];

    /// <summary>The flow's input kind; <see cref="InvalidInputException"/> on <c>flow</c> naming the known flows otherwise.</summary>
    public static FlowInputKind For(string? flow)
    {
        Require.NotBlank(flow, "flow");
        return Flows.FirstOrDefault(k => k.Flow == flow)
            ?? throw new InvalidInputException("flow", $"is not a known flow, was '{flow}'; known: {string.Join(", ", Flows.Select(k => k.Flow))}");
    }

    /// <summary>Checks a flow's execution input; <see cref="InvalidInputException"/> naming the field and the problem.</summary>
    public static IValidatable Check(string? flow, JsonElement input) => For(flow).Check(input);
}
