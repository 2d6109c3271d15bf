using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>Choice: the first matching rule's Next, else Default, else States.NoChoiceMatched.</summary>
internal static class ChoiceStateExecutor
{
    public static StateOutcome Execute(ChoiceState state, StateScope scope)
    {
        var effectiveInput = DataFlow.ApplyInputPath(state.InputPath, scope.RawInput);
        var evaluation = scope.Evaluate(effectiveInput);
        var next = state.Choices.FirstOrDefault(rule => ChoiceEvaluator.Evaluate(rule.Condition, evaluation))?.Next
                   ?? state.Default
                   ?? throw new StatesErrorException(ErrorNames.NoChoiceMatched,
                       $"No Choice Rule of state '{state.Name}' matched the input and there is no Default");
        return new StateOutcome(DataFlow.ApplyOutputPath(state.OutputPath, effectiveInput), next);
    }
}
