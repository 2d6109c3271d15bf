using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>Hooks for the history events of each child (Map iterations record them; Parallel branches do not).</summary>
internal interface IChildEvents
{
    void Started(int index, BranchScope child);

    void Succeeded(int index, BranchScope child);

    void Failed(int index, BranchScope child, StatesErrorException error);

    void Aborted(int index, BranchScope child);
}

/// <summary>How many failed children a Map tolerates before failing with States.ExceedToleratedFailureThreshold.</summary>
internal sealed record FailureTolerance(long? Count, double? Percentage)
{
    public bool IsExceeded(int failed, int total) =>
        (Count is { } count && failed > count) ||
        (Percentage is { } percentage && total > 0 && failed * 100.0 / total > percentage);
}

/// <summary>
/// Runs the children of a Parallel or Map state concurrently (bounded by MaxConcurrency) and collects their
/// outputs in order. Without a tolerance the first failure cancels the running siblings, starts no more, waits
/// for the cancelled ones to unwind and then fails the state with that child's error.
/// </summary>
internal static class ChildRunner
{
    public static async Task<JsonArray> RunAsync(
        StateScope parent,
        int count,
        int maxConcurrency,
        FailureTolerance? tolerance,
        Func<int, BranchScope, Task<JsonNode?>> body,
        IChildEvents? events)
    {
        var results = new JsonNode?[count];
        var signal = new FlowSignal(parent.Flow);
        var completions = new ConcurrentQueue<(int Index, BranchScope Scope, Exception? Error, JsonNode? Output)>();
        using var childrenCancellation = CancellationTokenSource.CreateLinkedTokenSource(parent.Cancellation);
        var next = 0;
        var running = 0;
        var failed = 0;
        StatesErrorException? failure = null;
        while (true)
        {
            while (failure is null && !parent.Cancellation.IsCancellationRequested && next < count &&
                   (maxConcurrency == 0 || running < maxConcurrency))
            {
                var index = next++;
                running++;
                StartChild(parent, index, body, events, childrenCancellation.Token, completions, signal);
            }

            if (running == 0)
            {
                break;
            }

            await signal.WaitAsync().ConfigureAwait(false);
            while (completions.TryDequeue(out var completion))
            {
                running--;
                switch (completion.Error)
                {
                    case null:
                        results[completion.Index] = completion.Output;
                        events?.Succeeded(completion.Index, completion.Scope);
                        break;
                    case OperationCanceledException:
                        events?.Aborted(completion.Index, completion.Scope);
                        break;
                    default:
                        var error = completion.Error as StatesErrorException ??
                                    new StatesErrorException(ErrorNames.Runtime, completion.Error.Message);
                        events?.Failed(completion.Index, completion.Scope, error);
                        if (tolerance is not null && !error.IsTerminal)
                        {
                            failed++;
                            results[completion.Index] = new JsonObject { ["Error"] = error.Error, ["Cause"] = error.Cause };
                            if (tolerance.IsExceeded(failed, count))
                            {
                                failure ??= new StatesErrorException(ErrorNames.ExceedToleratedFailureThreshold,
                                    $"The specified tolerated failure threshold was exceeded: {failed} of {count} iterations failed");
                            }
                        }
                        else
                        {
                            failure ??= error;
                        }

                        if (failure is not null)
                        {
                            await childrenCancellation.CancelAsync().ConfigureAwait(false);
                        }

                        break;
                }
            }
        }

        parent.Cancellation.ThrowIfCancellationRequested();
        if (failure is not null)
        {
            throw failure;
        }

        return new JsonArray(results);
    }

    private static void StartChild(
        StateScope parent,
        int index,
        Func<int, BranchScope, Task<JsonNode?>> body,
        IChildEvents? events,
        CancellationToken cancellation,
        ConcurrentQueue<(int, BranchScope, Exception?, JsonNode?)> completions,
        FlowSignal signal)
    {
        var cursor = parent.Branch.Cursor.Fork();
        BranchScope? child = null;
        _ = parent.Flow.RunChildAsync(
            async flow =>
            {
                child = new BranchScope(parent.Run, flow, cancellation, cursor);
                try
                {
                    events?.Started(index, child);
                    completions.Enqueue((index, child, null, await body(index, child).ConfigureAwait(false)));
                }
                catch (Exception ex)
                {
                    completions.Enqueue((index, child, ex, null));
                }

                return 0;
            },
            beforeEnd: signal.Set);
    }
}
