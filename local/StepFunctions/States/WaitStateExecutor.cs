using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Wait: sleeps on the engine's clock (so a virtual clock skips the wait when nothing else runs) and passes its
/// effective input through. SecondsPath/TimestampPath that do not resolve to the right type are States.Runtime.
/// </summary>
internal static class WaitStateExecutor
{
    public static async Task<StateOutcome> ExecuteAsync(WaitState state, StateScope scope)
    {
        var effectiveInput = DataFlow.ApplyInputPath(state.InputPath, scope.RawInput);
        var now = scope.Run.Clock.GetUtcNow();
        TimeSpan delay;
        if (state.Seconds is { } seconds)
        {
            delay = TimeSpan.FromSeconds(seconds);
        }
        else if (state.Timestamp is { } timestamp)
        {
            delay = timestamp - now;
        }
        else if (state.SecondsPath is { } secondsPath)
        {
            var value = Read(secondsPath, "SecondsPath", scope, effectiveInput);
            if (!JsonValues.TryGetInteger(value, out var pathSeconds) || pathSeconds < 0)
            {
                throw StatesErrorException.Runtime(
                    $"The SecondsPath parameter does not reference a valid integer value: '{secondsPath.Text}' is {JsonValues.ToJson(value)}");
            }

            delay = TimeSpan.FromSeconds(pathSeconds);
        }
        else
        {
            var timestampPath = state.TimestampPath!;
            var value = Read(timestampPath, "TimestampPath", scope, effectiveInput);
            if (!JsonValues.TryGetString(value, out var text) || !Timestamps.TryParse(text, out var until))
            {
                throw StatesErrorException.Runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: " +
                    $"'{timestampPath.Text}' is {JsonValues.ToJson(value)}");
            }

            delay = until - now;
        }

        await scope.Flow.DelayAsync(delay, scope.Cancellation).ConfigureAwait(false);
        return new StateOutcome(DataFlow.ApplyOutputPath(state.OutputPath, effectiveInput), state.End ? null : state.Next);
    }

    private static System.Text.Json.Nodes.JsonNode? Read(Paths.ReferencePath path, string field, StateScope scope, System.Text.Json.Nodes.JsonNode? input)
    {
        var evaluation = scope.Evaluate(input);
        return evaluation.TrySelect(path.Path, out var value)
            ? value
            : throw StatesErrorException.Runtime($"Invalid path '{path.Text}' : No results for path: {path.Path.Canonical} (field {field})");
    }
}
