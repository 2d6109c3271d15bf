using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalSfn;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>
/// Runs one of the template's flows for a drill step: one line on the console when the execution starts (the step's
/// result line tells how it ended, with <see cref="Outcome"/>), its input and end in the drill's log (where the
/// <see cref="DrillSession"/> also writes every state and the functions' log lines).
/// </summary>
internal static class DrillFlow
{
    private const int MaxCause = 240;

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<ExecutionDocument> RunAsync(DrillContext context, string stateMachine, JsonObject input, string executionName,
        CancellationToken cancellationToken)
    {
        var json = input.ToJsonString(Relaxed);
        context.Output.WriteLine($"      running {stateMachine}, execution {executionName}");
        context.Log.WriteLine($"--- {stateMachine} execution {executionName}, input: {json}");
        var execution = await context.Cloud.RunExecutionAsync(stateMachine, json, executionName, cancellationToken).ConfigureAwait(false);
        context.Log.WriteLine($"--- {stateMachine} execution {executionName}: {Outcome(execution)} ({execution.ExecutionArn})");
        return execution;
    }

    /// <summary>"SUCCEEDED after 23 states in 16.5 s", or "FAILED in state 'X' after 9 states: Error: cause".</summary>
    public static string Outcome(ExecutionDocument execution)
    {
        var entered = execution.Events.OfType<JsonObject>()
            .Where(e => e["type"]?.GetValue<string>() is { } type && type.EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e["stateEnteredEventDetails"]?["name"]?.GetValue<string>())
            .ToList();
        var took = ((execution.WallTimeMilliseconds ?? 0) / 1000).ToString("0.0", CultureInfo.InvariantCulture);
        if (execution.Status == "SUCCEEDED")
        {
            return $"SUCCEEDED after {entered.Count} states in {took} s";
        }

        var where = entered.Count == 0 ? string.Empty : $" in state '{entered[^1]}'";
        return $"{execution.Status}{where} after {entered.Count} states in {took} s: {execution.Error}: {OneLine(execution.Cause)}";
    }

    /// <summary>A cause on one line, cut to a readable length (the whole of it is in the execution's history).</summary>
    public static string OneLine(string? text)
    {
        var single = string.Join(' ', (text ?? string.Empty).Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return single.Length <= MaxCause ? single : single[..(MaxCause - 3)] + "...";
    }
}
