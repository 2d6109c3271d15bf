using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>One engine on a virtual clock with a scripted invoker; every test builds its own.</summary>
internal sealed class Harness
{
    /// <summary>Generous real-time bound: a hung engine fails the test instead of hanging the run.</summary>
    public static readonly TimeSpan RealTimeLimit = TimeSpan.FromSeconds(20);

    public Harness(StateMachineEngineOptions? options = null, DateTimeOffset? start = null)
    {
        Clock = new VirtualTimeProvider(start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Invoker = new ScriptedInvoker(Clock);
        Engine = new StateMachineEngine(Invoker, Clock, options ?? new StateMachineEngineOptions { Random = new Random(7) });
    }

    public VirtualTimeProvider Clock { get; }

    public ScriptedInvoker Invoker { get; }

    public StateMachineEngine Engine { get; }

    public string? LastExecutionArn { get; private set; }

    public IReadOnlyList<HistoryEvent> History => Engine.GetExecutionHistory(LastExecutionArn!);

    public string Start(string definition, string input = "{}")
    {
        var machine = Engine.CreateStateMachine("Test-" + Guid.NewGuid().ToString("N")[..8], definition);
        LastExecutionArn = Engine.StartExecution(machine, input, "run-1");
        return LastExecutionArn;
    }

    public async Task<ExecutionDescription> RunAsync(string definition, string input = "{}")
    {
        var arn = Start(definition, input);
        return await Engine.WaitForExecutionAsync(arn).WaitAsync(RealTimeLimit);
    }

    public Task<ExecutionDescription> CompletionAsync() => Engine.WaitForExecutionAsync(LastExecutionArn!).WaitAsync(RealTimeLimit);

    /// <summary>Runs a single Pass state with the given Parameters and returns the output's "r" field, or throws with the error.</summary>
    public static async Task<JsonNode?> EvaluateAsync(string expression, string input = "{}")
    {
        var harness = new Harness();
        var parameters = new JsonObject { ["r.$"] = expression };
        var definition = new JsonObject
        {
            ["StartAt"] = "P",
            ["States"] = new JsonObject { ["P"] = new JsonObject { ["Type"] = "Pass", ["Parameters"] = parameters, ["End"] = true } },
        };
        var result = await harness.RunAsync(definition.ToJsonString(), input);
        if (result.Status != ExecutionStatus.Succeeded)
        {
            throw new TaskFailedException(result.Error ?? "(none)", result.Cause ?? "(none)");
        }

        return JsonNode.Parse(result.Output!)!["r"];
    }

    public static string Machine(string states, string startAt = "S", string extra = "") =>
        $$"""{ "StartAt": "{{startAt}}", {{extra}} "States": {{{states}}} }""";

    public static bool JsonEquals(string expected, string? actual) =>
        JsonNode.DeepEquals(JsonNode.Parse(expected), actual is null ? null : JsonNode.Parse(actual));
}

/// <summary>
/// A hand-written invoker: each resource gets a script; every call is recorded with the virtual time it started at.
/// </summary>
internal sealed class ScriptedInvoker(TimeProvider clock) : ITaskResourceInvoker
{
    private readonly ConcurrentDictionary<string, Func<TaskInvocation, CancellationToken, Task<JsonNode?>>> _scripts = new();

    public ConcurrentQueue<(TaskInvocation Invocation, DateTimeOffset At)> Calls { get; } = new();

    public TaskCompletionSource<string> TokenDelivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ScriptedInvoker On(string resource, Func<TaskInvocation, CancellationToken, Task<JsonNode?>> script)
    {
        _scripts[resource] = script;
        return this;
    }

    public ScriptedInvoker Returns(string resource, string json) =>
        On(resource, (_, _) => Task.FromResult(JsonNode.Parse(json)));

    /// <summary>Fails with the given errors in order, then returns <paramref name="finalJson"/> (or keeps failing with the last error).</summary>
    public ScriptedInvoker FailsThen(string resource, string[] errors, string? finalJson)
    {
        var attempt = -1;
        return On(resource, (_, _) =>
        {
            var current = Interlocked.Increment(ref attempt);
            if (current < errors.Length || finalJson is null)
            {
                var error = errors[Math.Min(current, errors.Length - 1)];
                throw new TaskFailedException(error, $"attempt {current} failed");
            }

            return Task.FromResult(JsonNode.Parse(finalJson));
        });
    }

    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        Calls.Enqueue((invocation, clock.GetUtcNow()));
        if (invocation.TaskToken is not null)
        {
            TokenDelivered.TrySetResult(invocation.TaskToken);
        }

        return _scripts.TryGetValue(invocation.Resource, out var script)
            ? script(invocation, cancellationToken)
            : Task.FromResult<JsonNode?>(JsonNode.Parse("""{"echo":true}"""));
    }
}
