using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Walks a machine (or branch) from StartAt to a terminal state, recording Entered/Exited events and handing
/// each state to the executor for its type.
/// </summary>
internal static class StateInterpreter
{
    public static async Task<JsonNode?> RunAsync(StateMachine machine, JsonNode? input, BranchScope branch)
    {
        var stateName = machine.StartAt;
        while (true)
        {
            branch.Cancellation.ThrowIfCancellationRequested();
            var state = machine.States[stateName];
            var entered = branch.Run.Clock.GetUtcNow();
            var enteredEvent = branch.Record(EnteredEvent(state.Type), e => e with { StateName = state.Name, Input = JsonValues.ToJson(input) });
            var scope = new StateScope(branch, state, input, entered, enteredEvent?.Id ?? 0);
            StateOutcome outcome;
            try
            {
                outcome = await ExecuteAsync(state, scope).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (branch.Cancellation.IsCancellationRequested)
            {
                if (AbortedEvent(state.Type) is { } aborted)
                {
                    branch.Record(aborted, e => e with { StateName = state.Name });
                }

                throw;
            }
            catch (StatesErrorException ex) when (ex.IsTerminal && !ex.HasStateContext)
            {
                // AWS prefixes unprocessable-data errors with the state they happened in.
                throw new StatesErrorException(ex.Error,
                    $"An error occurred while executing the state '{state.Name}' (entered at the event id #{scope.EnteredEventId}). {ex.Cause}")
                {
                    HasStateContext = true,
                };
            }

            var outputJson = JsonValues.ToJson(outcome.Output);
            PayloadLimit.Check(outputJson, state.Name);
            if (ExitedEvent(state.Type) is { } exited)
            {
                branch.Record(exited, e => e with { StateName = state.Name, Output = outputJson });
            }

            if (outcome.Next is null)
            {
                return outcome.Output;
            }

            stateName = outcome.Next;
            input = outcome.Output;
        }
    }

    private static Task<StateOutcome> ExecuteAsync(State state, StateScope scope) => state switch
    {
        TaskState task => TaskStateExecutor.ExecuteAsync(task, scope),
        PassState pass => Task.FromResult(PassStateExecutor.Execute(pass, scope)),
        ChoiceState choice => Task.FromResult(ChoiceStateExecutor.Execute(choice, scope)),
        WaitState wait => WaitStateExecutor.ExecuteAsync(wait, scope),
        SucceedState succeed => Task.FromResult(SucceedStateExecutor.Execute(succeed, scope)),
        FailState fail => throw FailStateExecutor.Fail(fail, scope),
        ParallelState parallel => ParallelStateExecutor.ExecuteAsync(parallel, scope),
        MapState map => MapStateExecutor.ExecuteAsync(map, scope),
        _ => throw new InvalidOperationException($"Unsupported state type {state.Type}."),
    };

    private static HistoryEventType EnteredEvent(StateType type) => type switch
    {
        StateType.Task => HistoryEventType.TaskStateEntered,
        StateType.Pass => HistoryEventType.PassStateEntered,
        StateType.Choice => HistoryEventType.ChoiceStateEntered,
        StateType.Wait => HistoryEventType.WaitStateEntered,
        StateType.Succeed => HistoryEventType.SucceedStateEntered,
        StateType.Fail => HistoryEventType.FailStateEntered,
        StateType.Parallel => HistoryEventType.ParallelStateEntered,
        _ => HistoryEventType.MapStateEntered,
    };

    private static HistoryEventType? ExitedEvent(StateType type) => type switch
    {
        StateType.Task => HistoryEventType.TaskStateExited,
        StateType.Pass => HistoryEventType.PassStateExited,
        StateType.Choice => HistoryEventType.ChoiceStateExited,
        StateType.Wait => HistoryEventType.WaitStateExited,
        StateType.Succeed => HistoryEventType.SucceedStateExited,
        StateType.Parallel => HistoryEventType.ParallelStateExited,
        StateType.Map => HistoryEventType.MapStateExited,
        _ => null,
    };

    private static HistoryEventType? AbortedEvent(StateType type) => type switch
    {
        StateType.Task => HistoryEventType.TaskStateAborted,
        StateType.Wait => HistoryEventType.WaitStateAborted,
        StateType.Parallel => HistoryEventType.ParallelStateAborted,
        StateType.Map => HistoryEventType.MapStateAborted,
        _ => null,
    };
}
