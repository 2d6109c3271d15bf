using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>Starts the local PostgreSQL 15 and Redis with <c>local/servers start</c> (idempotent).</summary>
public sealed class StartLocalServersStep : IDrillStep
{
    public string Name => "Start local PostgreSQL and Redis";

    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var (servers, infoFile) = await LocalServersScript.StartAsync(context.RepositoryRoot, cancellationToken).ConfigureAwait(false);
        context.Servers = servers;
        return new DrillStepOutcome(true, $"{servers} ({infoFile})");
    }
}

/// <summary>Starts the <see cref="LocalPlatformStandIn"/> in front of the local servers.</summary>
public sealed class StartPlatformStandInStep : IDrillStep
{
    public string Name => "Start the platform API stand-in";

    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var servers = context.Servers ?? throw new InvalidOperationException("the local servers step must run first");
        var standIn = await LocalPlatformStandIn.StartAsync(servers, 0, cancellationToken).ConfigureAwait(false);
        context.OnCleanup(standIn);
        context.PlatformStandIn = standIn;
        return new DrillStepOutcome(true, $"LocalPlatformStandIn serving {standIn.HealthUrl}");
    }
}

/// <summary>
/// Runs a state machine of the template through the local cloud, printing each state, and judges it by its final
/// status. The input is built from the context, so a step can point a flow at what earlier steps started.
/// </summary>
public sealed class RunFlowStep(string name, string stateMachine, Func<DrillContext, JsonObject> input) : IDrillStep
{
    public string Name { get; } = name;

    public async Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken)
    {
        var executionName = $"drill-{context.Cloud.Clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}";
        var inputJson = input(context).ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        context.Output.WriteLine($"  input: {inputJson}");
        var execution = await context.Cloud.RunExecutionAsync(stateMachine, inputJson, executionName, cancellationToken).ConfigureAwait(false);
        var succeeded = execution.Status == "SUCCEEDED";
        var summary = succeeded
            ? $"{stateMachine} {execution.Status} ({execution.ExecutionArn})"
            : $"{stateMachine} {execution.Status}: {execution.Error}: {execution.Cause} ({execution.ExecutionArn})";
        return new DrillStepOutcome(succeeded, summary, stateMachine);
    }
}
