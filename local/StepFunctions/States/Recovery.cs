using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Retry and Catch for Task, Parallel and Map. The first retrier whose ErrorEquals matches decides: if it still
/// has attempts left the state is retried after its back-off, otherwise retrying stops (later retriers are not
/// consulted, as in the spec's ErrorA/ErrorB/ErrorC example) and the first matching catcher takes over.
/// Attempt counts are kept per retrier for this visit of the state.
/// </summary>
internal static class Recovery
{
    public static async Task<StateOutcome> RunAsync(RecoverableState state, StateScope scope, Func<Task<JsonNode?>> attempt)
    {
        var attemptsByRetrier = new int[state.Retry.Count];
        while (true)
        {
            try
            {
                // The output limit is checked inside the attempt so a catcher that names States.DataLimitExceeded handles it.
                var output = PayloadLimit.Check(await attempt().ConfigureAwait(false), state.Name);
                return new StateOutcome(output, state.End ? null : state.Next);
            }
            catch (StatesErrorException ex) when (!ex.IsTerminal)
            {
                // A stopped branch unwinds; it does not retry or catch.
                scope.Cancellation.ThrowIfCancellationRequested();
                var retrierIndex = IndexOfMatch(state.Retry.Select(r => r.ErrorEquals), ex.Error);
                if (retrierIndex >= 0 && attemptsByRetrier[retrierIndex] < state.Retry[retrierIndex].MaxAttempts)
                {
                    var retrier = state.Retry[retrierIndex];
                    var delay = retrier.IntervalBefore(attemptsByRetrier[retrierIndex]);
                    if (retrier.JitterStrategy == JitterStrategy.Full)
                    {
                        delay = TimeSpan.FromSeconds(delay.TotalSeconds * scope.Run.Random.NextDouble());
                    }

                    attemptsByRetrier[retrierIndex]++;
                    scope.RetryCount++;
                    await scope.Flow.DelayAsync(delay, scope.Cancellation).ConfigureAwait(false);
                    continue;
                }

                var catcherIndex = IndexOfMatch(state.Catch.Select(c => c.ErrorEquals), ex.Error);
                if (catcherIndex < 0)
                {
                    throw;
                }

                var catcher = state.Catch[catcherIndex];
                var errorOutput = new JsonObject { ["Error"] = ex.Error, ["Cause"] = ex.Cause };
                return new StateOutcome(DataFlow.ApplyResultPath(catcher.ResultPath, scope.RawInput, errorOutput), catcher.Next);
            }
        }
    }

    private static int IndexOfMatch(IEnumerable<IReadOnlyList<string>> handlers, string error)
    {
        var index = 0;
        foreach (var errorEquals in handlers)
        {
            if (ErrorMatcher.Matches(errorEquals, error))
            {
                return index;
            }

            index++;
        }

        return -1;
    }
}
