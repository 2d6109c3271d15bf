using System.Diagnostics;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Benchmarks;

/// <summary>The figures of one benchmark run set.</summary>
/// <param name="States">States per execution.</param>
/// <param name="Runs">Measured executions.</param>
/// <param name="WallTimes">Wall time of each measured execution, in run order.</param>
/// <param name="VirtualTimeCovered">Virtual time from start to stop of one execution.</param>
/// <param name="HistoryEvents">History events of one execution.</param>
public sealed record EngineBenchmarkResult(int States, int Runs, IReadOnlyList<TimeSpan> WallTimes, TimeSpan VirtualTimeCovered, int HistoryEvents)
{
    public TimeSpan Min => WallTimes.Min();

    public TimeSpan Max => WallTimes.Max();

    public TimeSpan Median
    {
        get
        {
            var sorted = WallTimes.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }
}

/// <summary>
/// Measures the engine's own overhead: an execution of <c>N</c> states alternating a one-hour Wait with a Pass or a
/// Task (whose invoker answers at once), on the virtual clock, so what is measured is the engine — parsing paths,
/// recording history, the clock jumping — and not the work.
/// </summary>
public static class EngineBenchmark
{
    /// <summary>The synthetic definition: generated, because its size is the benchmark's parameter (no repository flow is this shape).</summary>
    public static string Definition(int states)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(states, 2);
        var definition = new JsonObject
        {
            ["Comment"] = $"Engine benchmark: {states} states alternating a one-hour Wait with a Pass or a Task.",
            ["StartAt"] = "State 1",
        };
        var all = new JsonObject();
        for (var i = 1; i <= states; i++)
        {
            JsonObject state;
            if (i % 2 == 1)
            {
                state = new JsonObject { ["Type"] = "Wait", ["Seconds"] = 3600 };
            }
            else if (i % 4 == 2)
            {
                state = new JsonObject { ["Type"] = "Pass", ["Result"] = new JsonObject { ["step"] = i }, ["ResultPath"] = "$.last" };
            }
            else
            {
                state = new JsonObject
                {
                    ["Type"] = "Task",
                    ["Resource"] = "arn:aws:lambda:us-east-1:000000000000:function:benchmark-noop",
                    ["Parameters"] = new JsonObject { ["step"] = i, ["last.$"] = "$.last" },
                    ["ResultPath"] = "$.task",
                };
            }

            if (i == states)
            {
                state["End"] = true;
            }
            else
            {
                state["Next"] = $"State {i + 1}";
            }

            all[$"State {i}"] = state;
        }

        definition["States"] = all;
        return definition.ToJsonString();
    }

    /// <summary>Runs <paramref name="warmup"/> unmeasured and <paramref name="runs"/> measured executions, each on a fresh engine and clock.</summary>
    public static async Task<EngineBenchmarkResult> RunAsync(int states, int runs, int warmup, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var definition = Definition(states);
        var invoker = new DelegateTaskInvoker((invocation, _) => Task.FromResult<JsonNode?>(new JsonObject { ["done"] = invocation.StateName }));
        var times = new List<TimeSpan>();
        var covered = TimeSpan.Zero;
        var events = 0;
        for (var run = 0; run < warmup + runs; run++)
        {
            var clock = new VirtualTimeProvider();
            var engine = new StateMachineEngine(invoker, clock, new StateMachineEngineOptions { AccountId = "000000000000" });
            var machine = engine.CreateStateMachine("engine-benchmark", definition);
            var wall = Stopwatch.StartNew();
            var execution = engine.StartExecution(machine, """{"last": null}""");
            var result = await engine.WaitForExecutionAsync(execution, cancellationToken).ConfigureAwait(false);
            wall.Stop();
            if (result.Status != ExecutionStatus.Succeeded)
            {
                throw new InvalidOperationException($"the benchmark execution ended {result.Status.ToApiName()}: {result.Error}: {result.Cause}");
            }

            if (run >= warmup)
            {
                times.Add(wall.Elapsed);
            }

            covered = result.StopDate!.Value - result.StartDate;
            events = engine.GetExecutionHistory(execution).Count;
        }

        return new EngineBenchmarkResult(states, runs, times, covered, events);
    }
}
