using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>Pass: InputPath → Parameters → (Result or the effective input) → ResultPath → OutputPath.</summary>
internal static class PassStateExecutor
{
    public static StateOutcome Execute(PassState state, StateScope scope)
    {
        var effectiveInput = DataFlow.ApplyInputPath(state.InputPath, scope.RawInput);
        var result = state.HasResult
            ? state.Result
            : state.Parameters is null
                ? JsonValues.Clone(effectiveInput)
                : PayloadLimit.CheckInput(DataFlow.ApplyTemplate(state.Parameters, scope.Evaluate(effectiveInput)), state.Name);
        var merged = DataFlow.ApplyResultPath(state.ResultPath, scope.RawInput, result);
        return new StateOutcome(DataFlow.ApplyOutputPath(state.OutputPath, merged), state.End ? null : state.Next);
    }
}
