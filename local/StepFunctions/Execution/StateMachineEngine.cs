using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;
using DisasterRecovery.LocalStepFunctions.States;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>
/// The local Step Functions service: register machines, start, describe, stop and inspect executions, and answer
/// task tokens — the same verbs as the AWS API, in-process. Task work goes to the host's
/// <see cref="ITaskResourceInvoker"/>; all waiting (Wait states, retry back-off, timeouts) uses the supplied
/// <see cref="TimeProvider"/>, so a <see cref="VirtualTimeProvider"/> makes long workflows run instantly.
/// </summary>
public sealed class StateMachineEngine
{
    private readonly ITaskResourceInvoker _invoker;
    private readonly StateMachineEngineOptions _options;
    private readonly ActivityTracker _tracker;
    private readonly TaskTokenRegistry _tokens = new();
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, StateMachineRecord> _machines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExecutionRecord> _executions = new(StringComparer.Ordinal);

    /// <summary>Creates an engine.</summary>
    /// <param name="invoker">Runs Task states.</param>
    /// <param name="clock">Clock for every wait and timestamp; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">ARN region/account, randomness, task-token clock policy.</param>
    public StateMachineEngine(ITaskResourceInvoker invoker, TimeProvider? clock = null, StateMachineEngineOptions? options = null)
    {
        _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));
        _options = options ?? new StateMachineEngineOptions();
        _tracker = new ActivityTracker(clock ?? TimeProvider.System);
        _random = new SynchronizedRandom(_options.Random ?? new Random());
    }

    /// <summary>Every history event of every execution, as it is recorded (observers must not throw).</summary>
    public event EventHandler<HistoryEventRecordedEventArgs>? HistoryEventRecorded;

    /// <summary>The engine's clock.</summary>
    public TimeProvider Clock => _tracker.Clock;

    /// <summary>Parses, validates and registers a definition; returns the state machine ARN.</summary>
    /// <exception cref="AslValidationException">The definition is not valid ASL.</exception>
    public string CreateStateMachine(string name, string definitionJson, string? roleArn = null) =>
        CreateStateMachine(name, StateMachine.Parse(definitionJson), roleArn);

    /// <summary>Registers an already parsed definition; returns the state machine ARN.</summary>
    public string CreateStateMachine(string name, StateMachine definition, string? roleArn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definition);
        var arn = $"arn:aws:states:{_options.Region}:{_options.AccountId}:stateMachine:{name}";
        _machines[arn] = new StateMachineRecord(arn, name, definition,
            roleArn ?? $"arn:aws:iam::{_options.AccountId}:role/{name}-role");
        return arn;
    }

    /// <summary>Starts an execution and returns its ARN immediately; the execution runs in the background.</summary>
    /// <exception cref="StepFunctionsApiException">
    /// StateMachineDoesNotExist, InvalidExecutionInput, ExecutionAlreadyExists, or ValidationException for an input over 256 KiB.
    /// </exception>
    public string StartExecution(string stateMachineArn, string? input = null, string? name = null)
    {
        if (!_machines.TryGetValue(stateMachineArn, out var machine))
        {
            throw new StepFunctionsApiException("StateMachineDoesNotExist", $"State machine does not exist: '{stateMachineArn}'");
        }

        RequireWithinPayloadLimit(input, "input");
        JsonNode? inputNode;
        try
        {
            inputNode = JsonValues.Parse(input);
        }
        catch (JsonException ex)
        {
            throw new StepFunctionsApiException("InvalidExecutionInput", "Invalid execution input: " + ex.Message);
        }

        name ??= Guid.NewGuid().ToString();
        var arn = $"arn:aws:states:{_options.Region}:{_options.AccountId}:execution:{machine.Name}:{name}";

        // Count the root flow before reading the clock for the start date: otherwise a virtual clock
        // that sees every other execution waiting can jump ahead between the two, and this execution's
        // first Wait would start later than its recorded start.
        var root = _tracker.StartFlow();
        ExecutionRecord execution;
        HistoryCursor cursor;
        try
        {
            execution = new ExecutionRecord(arn, name, machine, inputNode, Clock.GetUtcNow(), RaiseRecorded);
            if (!_executions.TryAdd(arn, execution))
            {
                throw new StepFunctionsApiException("ExecutionAlreadyExists", $"Execution already exists: '{arn}'");
            }

            cursor = new HistoryCursor(0);
            execution.Record(cursor, HistoryEventType.ExecutionStarted, execution.StartDate,
                e => e with { Input = JsonValues.ToJson(inputNode), RoleArn = machine.RoleArn });
        }
        catch
        {
            root.End();
            throw;
        }

        var timeout = machine.Definition.TimeoutSeconds is { } seconds
            ? Clock.CreateTimer(_ => TimeOut(execution, cursor, seconds), null, TimeSpan.FromSeconds(seconds), Timeout.InfiniteTimeSpan)
            : null;
        _ = Task.Run(() => RunAsync(execution, cursor, root, timeout));
        return arn;
    }

    /// <summary>Status, input, output, error and dates of an execution.</summary>
    public ExecutionDescription DescribeExecution(string executionArn) => Find(executionArn).Describe();

    /// <summary>The execution's history so far, oldest first.</summary>
    public IReadOnlyList<HistoryEvent> GetExecutionHistory(string executionArn) => Find(executionArn).History();

    /// <summary>Executions, optionally of one state machine, in no particular order.</summary>
    public IReadOnlyList<ExecutionDescription> ListExecutions(string? stateMachineArn = null) =>
        _executions.Values.Where(e => stateMachineArn is null || e.Machine.Arn == stateMachineArn).Select(e => e.Describe()).ToList();

    /// <summary>Completes when the execution has reached a final status.</summary>
    public Task<ExecutionDescription> WaitForExecutionAsync(string executionArn, CancellationToken cancellationToken = default) =>
        Find(executionArn).Completion.WaitAsync(cancellationToken);

    /// <summary>Stops a running execution: it becomes ABORTED at once and its running states are cancelled.</summary>
    public void StopExecution(string executionArn, string? error = null, string? cause = null)
    {
        var execution = Find(executionArn);
        if (execution.TryComplete(new HistoryCursor(execution.History().LastOrDefault()?.Id ?? 0), ExecutionStatus.Aborted,
                Clock.GetUtcNow(), null, error, cause))
        {
            execution.Cancellation.Cancel();
        }
    }

    /// <summary>Completes a <c>.waitForTaskToken</c> task with <paramref name="outputJson"/> as its result.</summary>
    /// <exception cref="StepFunctionsApiException">InvalidToken, TaskTimedOut, InvalidOutput, or ValidationException for an output over 256 KiB.</exception>
    public void SendTaskSuccess(string taskToken, string outputJson)
    {
        RequireWithinPayloadLimit(outputJson, "output");
        JsonNode? output;
        try
        {
            output = JsonNode.Parse(outputJson);
        }
        catch (JsonException ex)
        {
            throw new StepFunctionsApiException("InvalidOutput", "Invalid task output: " + ex.Message);
        }

        _tokens.Complete(taskToken, new TaskTokenOutcome(true, output, null, null));
    }

    /// <summary>Fails a <c>.waitForTaskToken</c> task; <paramref name="error"/> is what Retry/Catch match.</summary>
    public void SendTaskFailure(string taskToken, string? error = null, string? cause = null) =>
        _tokens.Complete(taskToken, new TaskTokenOutcome(false, null, error, cause));

    /// <summary>Resets the HeartbeatSeconds timer of a <c>.waitForTaskToken</c> task.</summary>
    public void SendTaskHeartbeat(string taskToken) => _tokens.Heartbeat(taskToken);

    private async Task RunAsync(ExecutionRecord execution, HistoryCursor cursor, Flow root, ITimer? timeout)
    {
        Flow.Current = root;
        var run = new RunContext(execution, _invoker, _tracker, _tokens, _random, _options);
        var branch = new BranchScope(run, root, execution.Cancellation.Token, cursor);
        try
        {
            var output = await StateInterpreter.RunAsync(execution.Machine.Definition, execution.Input, branch).ConfigureAwait(false);
            execution.TryComplete(cursor, ExecutionStatus.Succeeded, Clock.GetUtcNow(), output, null, null);
        }
        catch (OperationCanceledException) when (execution.Cancellation.IsCancellationRequested)
        {
            // Stop or the execution timeout already recorded the final status.
        }
        catch (StatesErrorException ex)
        {
            execution.TryComplete(cursor, ExecutionStatus.Failed, Clock.GetUtcNow(), null, ex.Error, ex.Cause);
        }
        catch (Exception ex)
        {
            execution.TryComplete(cursor, ExecutionStatus.Failed, Clock.GetUtcNow(), null, ErrorNames.Runtime,
                $"Internal error in the local engine: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            timeout?.Dispose();
            root.End();
        }
    }

    private void TimeOut(ExecutionRecord execution, HistoryCursor cursor, int seconds)
    {
        if (execution.TryComplete(cursor, ExecutionStatus.TimedOut, Clock.GetUtcNow(), null, ErrorNames.Timeout,
                $"The execution ran longer than the state machine's TimeoutSeconds ({seconds} s)"))
        {
            execution.Cancellation.Cancel();
        }
    }

    /// <summary>The API's length constraint on <c>input</c>/<c>output</c> (botocore's SensitiveData: at most 262,144 bytes of UTF-8).</summary>
    private static void RequireWithinPayloadLimit(string? json, string member)
    {
        if (json is not null && PayloadLimit.SizeOf(json) > PayloadLimit.MaxBytes)
        {
            throw new StepFunctionsApiException("ValidationException",
                $"1 validation error detected: Value at '{member}' failed to satisfy constraint: " +
                $"Member must have length less than or equal to {PayloadLimit.MaxBytes} " +
                $"(it has {PayloadLimit.SizeOf(json)} bytes of UTF-8)");
        }
    }

    private ExecutionRecord Find(string executionArn) =>
        _executions.TryGetValue(executionArn, out var execution)
            ? execution
            : throw new StepFunctionsApiException("ExecutionDoesNotExist", $"Execution does not exist: '{executionArn}'");

    private void RaiseRecorded(string executionArn, HistoryEvent historyEvent)
    {
        try
        {
            HistoryEventRecorded?.Invoke(this, new HistoryEventRecordedEventArgs(executionArn, historyEvent));
        }
        catch (Exception)
        {
            // An observer (a CLI printer) must never be able to change the outcome of an execution.
        }
    }

    /// <summary>Random is not thread-safe; branches draw jitter and MathRandom values concurrently.</summary>
    private sealed class SynchronizedRandom(Random inner) : Random
    {
        private readonly object _gate = new();

        public override int Next()
        {
            lock (_gate)
            {
                return inner.Next();
            }
        }

        public override int Next(int maxValue)
        {
            lock (_gate)
            {
                return inner.Next(maxValue);
            }
        }

        public override int Next(int minValue, int maxValue)
        {
            lock (_gate)
            {
                return inner.Next(minValue, maxValue);
            }
        }

        public override long NextInt64(long minValue, long maxValue)
        {
            lock (_gate)
            {
                return inner.NextInt64(minValue, maxValue);
            }
        }

        public override double NextDouble()
        {
            lock (_gate)
            {
                return inner.NextDouble();
            }
        }

        protected override double Sample() => NextDouble();
    }
}
