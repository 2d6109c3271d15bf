using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Paths;
using DisasterRecovery.LocalStepFunctions.Processing;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Task: InputPath → Parameters → invoke (with TimeoutSeconds, HeartbeatSeconds and the task-token wait) →
/// ResultSelector → ResultPath → OutputPath, the whole attempt under Retry/Catch.
/// </summary>
internal static class TaskStateExecutor
{
    public static Task<StateOutcome> ExecuteAsync(TaskState state, StateScope scope) =>
        Recovery.RunAsync(state, scope, async () =>
        {
            var effectiveInput = DataFlow.ApplyInputPath(state.InputPath, scope.RawInput);
            scope.TaskToken = state.Pattern == IntegrationPattern.WaitForTaskToken ? TaskTokenRegistry.NewToken() : null;
            var evaluation = scope.Evaluate(effectiveInput);
            var parameters = PayloadLimit.CheckInput(DataFlow.ApplyTemplate(state.Parameters, evaluation), state.Name);
            var timeout = ResolveSeconds(state.TimeoutSeconds, state.TimeoutSecondsPath, "TimeoutSecondsPath", evaluation);
            var heartbeat = ResolveSeconds(state.HeartbeatSeconds, state.HeartbeatSecondsPath, "HeartbeatSecondsPath", evaluation);
            var result = await InvokeAsync(state, scope, parameters, timeout, heartbeat).ConfigureAwait(false);
            var selected = state.ResultSelector is null ? result : DataFlow.ApplyTemplate(state.ResultSelector, scope.Evaluate(result));
            var merged = DataFlow.ApplyResultPath(state.ResultPath, scope.RawInput, selected);
            return DataFlow.ApplyOutputPath(state.OutputPath, merged);
        });

    private static long? ResolveSeconds(int? fixedSeconds, ReferencePath? path, string field, EvaluationScope evaluation)
    {
        if (path is null)
        {
            return fixedSeconds;
        }

        if (evaluation.TrySelect(path.Path, out var value) && JsonValues.TryGetInteger(value, out var seconds) && seconds > 0)
        {
            return seconds;
        }

        throw StatesErrorException.Runtime($"The {field} parameter does not reference a positive integer value: '{path.Text}'");
    }

    /// <summary>
    /// Runs one attempt. The invoker runs in a child flow and this flow waits on a single signal that the
    /// invoker's completion, the timeout/heartbeat timers, a task-token answer or cancellation can set — whichever
    /// comes first decides. An invoker abandoned after a timeout is cancelled and finishes in its own flow.
    /// </summary>
    private static async Task<JsonNode?> InvokeAsync(TaskState state, StateScope scope, JsonNode? parameters, long? timeoutSeconds, long? heartbeatSeconds)
    {
        var run = scope.Run;
        var token = scope.TaskToken;
        var resourceType = ResourceType(state.Resource);
        scope.Record(HistoryEventType.TaskScheduled, e => e with
        {
            StateName = state.Name,
            Resource = state.Resource,
            ResourceType = resourceType,
            Parameters = JsonValues.ToJson(parameters),
            TimeoutInSeconds = timeoutSeconds,
            HeartbeatInSeconds = heartbeatSeconds,
        });
        scope.Record(HistoryEventType.TaskStarted, e => e with { StateName = state.Name, Resource = state.Resource, ResourceType = resourceType });

        var signal = new FlowSignal(scope.Flow);
        var timedOut = 0;
        var heartbeatMissed = 0;
        var invokerDone = 0;

        // When a timer fires is when the task timed out, even if this flow only resumes later (e.g. after a manual
        // VirtualTimeProvider.Advance that jumped past the deadline).
        DateTimeOffset? firedAt = null;
        using var attemptCancellation = CancellationTokenSource.CreateLinkedTokenSource(scope.Cancellation);
        var waiter = token is null ? null : run.Tokens.Register(token, signal);
        using var timeoutTimer = timeoutSeconds is { } t
            ? run.Clock.CreateTimer(
                _ => { firedAt ??= run.Clock.GetUtcNow(); Volatile.Write(ref timedOut, 1); signal.Set(); },
                null,
                TimeSpan.FromSeconds(t),
                Timeout.InfiniteTimeSpan)
            : null;
        using var heartbeatTimer = heartbeatSeconds is { } h && waiter is not null
            ? run.Clock.CreateTimer(
                _ => { firedAt ??= run.Clock.GetUtcNow(); Volatile.Write(ref heartbeatMissed, 1); signal.Set(); },
                null,
                TimeSpan.FromSeconds(h),
                Timeout.InfiniteTimeSpan)
            : null;
        if (waiter is not null && heartbeatTimer is not null)
        {
            waiter.OnHeartbeat = () => heartbeatTimer.Change(TimeSpan.FromSeconds(heartbeatSeconds!.Value), Timeout.InfiniteTimeSpan);
        }

        using var cancellationRegistration = scope.Cancellation.Register(signal.Set);
        Flow? awaitingAnswer = null;
        try
        {
            var invocation = new TaskInvocation
            {
                Resource = state.Resource,
                BaseResource = state.BaseResource,
                Parameters = JsonValues.Clone(parameters),
                Pattern = state.Pattern,
                TaskToken = token,
                StateName = state.Name,
                ExecutionArn = run.Execution.Arn,
                RetryCount = scope.RetryCount,
            };
            var invokeTask = scope.Flow.RunChildAsync(
                _ => run.Invoker.InvokeAsync(invocation, attemptCancellation.Token),
                beforeEnd: () =>
                {
                    Volatile.Write(ref invokerDone, 1);
                    signal.Set();
                });

            bool Interrupted() => Volatile.Read(ref timedOut) == 1 || Volatile.Read(ref heartbeatMissed) == 1 || scope.Cancellation.IsCancellationRequested;

            while (Volatile.Read(ref invokerDone) == 0 && !Interrupted())
            {
                await signal.WaitAsync().ConfigureAwait(false);
            }

            if (Volatile.Read(ref invokerDone) == 0)
            {
                await attemptCancellation.CancelAsync().ConfigureAwait(false);
                _ = invokeTask.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
                throw Interruption(scope, state, timedOut, resourceType, firedAt);
            }

            JsonNode? result;
            try
            {
                result = await invokeTask.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (scope.Cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (TaskFailedException failure)
            {
                throw TaskFailed(scope, state, resourceType, failure.Error, failure.Cause);
            }
            catch (Exception unexpected) when (unexpected is not StatesErrorException)
            {
                throw TaskFailed(scope, state, resourceType, ErrorNames.TaskFailed, $"{unexpected.GetType().Name}: {unexpected.Message}");
            }

            if (waiter is null)
            {
                var resultJson = CheckResultSize(scope, state, resourceType, result);
                scope.Record(HistoryEventType.TaskSucceeded, e => e with
                {
                    StateName = state.Name,
                    Resource = state.Resource,
                    ResourceType = resourceType,
                    Output = resultJson,
                });
                return result;
            }

            scope.Record(HistoryEventType.TaskSubmitted, e => e with
            {
                StateName = state.Name,
                Resource = state.Resource,
                ResourceType = resourceType,
                Output = JsonValues.ToJson(result),
            });

            // Someone outside the engine now has to answer; by default that counts as work in progress so a virtual
            // clock does not race past a human approval.
            if (!run.Options.AdvanceVirtualClockDuringTaskTokenWaits)
            {
                awaitingAnswer = run.Tracker.StartFlow();
            }

            while (waiter.Outcome is null && !Interrupted())
            {
                await signal.WaitAsync().ConfigureAwait(false);
            }

            if (waiter.Outcome is not { } outcome)
            {
                throw Interruption(scope, state, timedOut, resourceType, firedAt);
            }

            if (!outcome.Succeeded)
            {
                throw TaskFailed(scope, state, resourceType, outcome.Error ?? string.Empty, outcome.Cause ?? string.Empty);
            }

            var answerJson = CheckResultSize(scope, state, resourceType, outcome.Output);
            scope.Record(HistoryEventType.TaskSucceeded, e => e with
            {
                StateName = state.Name,
                Resource = state.Resource,
                ResourceType = resourceType,
                Output = answerJson,
            });
            return JsonValues.Clone(outcome.Output);
        }
        finally
        {
            awaitingAnswer?.End();
            if (token is not null)
            {
                run.Tokens.Close(token);
            }
        }
    }

    private static Exception Interruption(StateScope scope, TaskState state, int timedOut, string resourceType, DateTimeOffset? firedAt)
    {
        scope.Cancellation.ThrowIfCancellationRequested();
        var (error, cause) = timedOut == 1
            ? (ErrorNames.Timeout, $"The task did not complete within TimeoutSeconds")
            : (ErrorNames.HeartbeatTimeout, "The task did not send a heartbeat within HeartbeatSeconds");
        scope.Record(HistoryEventType.TaskTimedOut, e => e with
        {
            Timestamp = firedAt ?? e.Timestamp,
            StateName = state.Name,
            Resource = state.Resource,
            ResourceType = resourceType,
            Error = error,
            Cause = cause,
        });
        return new StatesErrorException(error, cause);
    }

    /// <summary>A result over the payload quota fails the task with States.DataLimitExceeded; returns the result's JSON otherwise.</summary>
    private static string CheckResultSize(StateScope scope, TaskState state, string resourceType, JsonNode? result)
    {
        var json = JsonValues.ToJson(result);
        try
        {
            PayloadLimit.Check(json, PayloadLimit.ResourceName(state.Resource));
            return json;
        }
        catch (StatesErrorException tooLarge)
        {
            throw TaskFailed(scope, state, resourceType, tooLarge.Error, tooLarge.Cause);
        }
    }

    private static StatesErrorException TaskFailed(StateScope scope, TaskState state, string resourceType, string error, string cause)
    {
        scope.Record(HistoryEventType.TaskFailed, e => e with
        {
            StateName = state.Name,
            Resource = state.Resource,
            ResourceType = resourceType,
            Error = error,
            Cause = cause,
        });
        return new StatesErrorException(error, cause);
    }

    /// <summary>The service part of the ARN: <c>lambda</c> for both Lambda ARN shapes, <c>sqs</c> for <c>arn:aws:states:::sqs:…</c>.</summary>
    internal static string ResourceType(string resource)
    {
        var parts = resource.Split(':');
        if (parts.Length >= 6 && parts[2] == "states" && parts[3].Length == 0 && parts[4].Length == 0)
        {
            return parts[5];
        }

        return parts.Length > 2 ? parts[2] : resource;
    }
}
