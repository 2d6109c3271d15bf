using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Parallel: every branch gets (a copy of) the effective input; the output is the array of branch outputs in
/// branch order. One failing branch cancels the others and the state fails with that branch's error (as AWS does;
/// States.BranchFailed is only the spec's name for the situation).
/// </summary>
internal static class ParallelStateExecutor
{
    public static Task<StateOutcome> ExecuteAsync(ParallelState state, StateScope scope) =>
        Recovery.RunAsync(state, scope, async () =>
        {
            var effectiveInput = DataFlow.ApplyInputPath(state.InputPath, scope.RawInput);
            var branchInput = PayloadLimit.CheckInput(DataFlow.ApplyTemplate(state.Parameters, scope.Evaluate(effectiveInput)), state.Name);
            scope.Record(HistoryEventType.ParallelStateStarted, e => e with { StateName = state.Name });
            System.Text.Json.Nodes.JsonArray results;
            try
            {
                results = await ChildRunner.RunAsync(scope, state.Branches.Count, maxConcurrency: 0, tolerance: null,
                    (index, branch) => StateInterpreter.RunAsync(state.Branches[index], JsonValues.Clone(branchInput), branch),
                    events: null).ConfigureAwait(false);
            }
            catch (Errors.StatesErrorException ex)
            {
                scope.Record(HistoryEventType.ParallelStateFailed, e => e with { StateName = state.Name, Error = ex.Error, Cause = ex.Cause });
                throw;
            }

            scope.Record(HistoryEventType.ParallelStateSucceeded, e => e with { StateName = state.Name });
            var selected = state.ResultSelector is null ? results : DataFlow.ApplyTemplate(state.ResultSelector, scope.Evaluate(results));
            var merged = DataFlow.ApplyResultPath(state.ResultPath, scope.RawInput, selected);
            return DataFlow.ApplyOutputPath(state.OutputPath, merged);
        });
}
