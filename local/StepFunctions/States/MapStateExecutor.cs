using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Paths;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Map: runs the ItemProcessor once per item of ItemsPath, each input shaped by ItemSelector (which sees
/// <c>$$.Map.Item.Index</c> and <c>$$.Map.Item.Value</c>), at most MaxConcurrency at a time. Without a tolerated
/// failure threshold the first failing iteration fails the state with its own error; with one, failures are
/// counted and their error outputs kept in place until the threshold is exceeded.
/// </summary>
internal static class MapStateExecutor
{
    public static Task<StateOutcome> ExecuteAsync(MapState state, StateScope scope) =>
        Recovery.RunAsync(state, scope, async () =>
        {
            var effectiveInput = DataFlow.ApplyInputPath(state.InputPath, scope.RawInput);
            var evaluation = scope.Evaluate(effectiveInput);
            if (!evaluation.TrySelect(state.ItemsPath.Path, out var itemsNode))
            {
                throw StatesErrorException.Runtime($"Invalid path '{state.ItemsPath.Text}' : No results for path: {state.ItemsPath.Path.Canonical}");
            }

            if (itemsNode is not JsonArray items)
            {
                throw StatesErrorException.Runtime(
                    $"Items of the Map state must be an array, but ItemsPath '{state.ItemsPath.Text}' selected " +
                    $"{JsonValues.Kind(itemsNode).ToString().ToLowerInvariant()} {JsonValues.ToJson(itemsNode)}");
            }

            var maxConcurrency = state.MaxConcurrencyPath is { } concurrencyPath
                ? (int)ReadNumber(concurrencyPath, "MaxConcurrencyPath", evaluation, integer: true)
                : state.MaxConcurrency;
            var tolerance = state.HasFailureTolerance
                ? new FailureTolerance(
                    state.ToleratedFailureCountPath is { } countPath
                        ? (long)ReadNumber(countPath, "ToleratedFailureCountPath", evaluation, integer: true)
                        : state.ToleratedFailureCount,
                    state.ToleratedFailurePercentagePath is { } percentPath ? ReadPercentage(percentPath, evaluation) : state.ToleratedFailurePercentage)
                : null;

            // Each iteration's input is computed up front so a bad ItemSelector fails the state, not an iteration.
            var inputs = items.Select((item, index) => state.ItemSelector is null
                ? JsonValues.Clone(item)
                : PayloadLimit.CheckInput(state.ItemSelector.Evaluate(scope.Evaluate(effectiveInput, index, item)), state.Name)).ToList();

            scope.Record(HistoryEventType.MapStateStarted, e => e with { StateName = state.Name, Length = inputs.Count });
            JsonArray results;
            try
            {
                results = await ChildRunner.RunAsync(scope, inputs.Count, maxConcurrency, tolerance,
                    (index, branch) => StateInterpreter.RunAsync(state.ItemProcessor, inputs[index], branch),
                    new IterationEvents(state.Name)).ConfigureAwait(false);
            }
            catch (StatesErrorException ex)
            {
                scope.Record(HistoryEventType.MapStateFailed, e => e with { StateName = state.Name, Error = ex.Error, Cause = ex.Cause });
                throw;
            }

            scope.Record(HistoryEventType.MapStateSucceeded, e => e with { StateName = state.Name });
            var selectedResult = state.ResultSelector is null ? results : DataFlow.ApplyTemplate(state.ResultSelector, scope.Evaluate(results));
            var merged = DataFlow.ApplyResultPath(state.ResultPath, scope.RawInput, selectedResult);
            return DataFlow.ApplyOutputPath(state.OutputPath, merged);
        });

    private static double ReadNumber(ReferencePath path, string field, EvaluationScope evaluation, bool integer)
    {
        if (evaluation.TrySelect(path.Path, out var value) && JsonValues.TryGetDouble(value, out var number) &&
            number >= 0 && (!integer || Math.Floor(number) == number))
        {
            return number;
        }

        throw StatesErrorException.Runtime($"The {field} field does not reference a valid non-negative {(integer ? "integer" : "number")}: '{path.Text}'");
    }

    private static double ReadPercentage(ReferencePath path, EvaluationScope evaluation)
    {
        var value = ReadNumber(path, "ToleratedFailurePercentagePath", evaluation, integer: false);
        return value <= 100
            ? value
            : throw StatesErrorException.Runtime($"The ToleratedFailurePercentagePath field must reference a number between 0 and 100: '{path.Text}'");
    }

    private sealed class IterationEvents(string stateName) : IChildEvents
    {
        public void Started(int index, BranchScope child) =>
            child.Record(HistoryEventType.MapIterationStarted, e => e with { StateName = stateName, Index = index });

        public void Succeeded(int index, BranchScope child) =>
            child.Record(HistoryEventType.MapIterationSucceeded, e => e with { StateName = stateName, Index = index });

        public void Failed(int index, BranchScope child, StatesErrorException error) =>
            child.Record(HistoryEventType.MapIterationFailed, e => e with { StateName = stateName, Index = index, Error = error.Error, Cause = error.Cause });

        public void Aborted(int index, BranchScope child) =>
            child.Record(HistoryEventType.MapIterationAborted, e => e with { StateName = stateName, Index = index });
    }
}
