using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>Succeed: InputPath then OutputPath, and the branch ends.</summary>
internal static class SucceedStateExecutor
{
    public static StateOutcome Execute(SucceedState state, StateScope scope) =>
        new(DataFlow.ApplyOutputPath(state.OutputPath, DataFlow.ApplyInputPath(state.InputPath, scope.RawInput)), null);
}
