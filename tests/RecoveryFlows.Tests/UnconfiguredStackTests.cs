using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalSfn;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// A stack deployed without the parameters production needs (issue 11 §2.10): each flow that uses one refuses at its
/// start, naming the parameter and how to set it, before anything is stopped, restored or checked.
/// </summary>
public sealed class UnconfiguredStackTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "dr-unconfigured", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed; the temp folder is cleaned up by the OS eventually.
        }
    }

    [Theory]
    [InlineData("EksClusterName", "Refuse Without The EKS Cluster Name")]
    [InlineData("EksEndpoint", "Refuse Without The EKS Endpoint")]
    [InlineData("EksCertificateAuthority", "Refuse Without The EKS Certificate Authority")]
    [InlineData("ServiceHealthUrl", "Refuse Without The Health URL")]
    public async Task RestoreDatabase_WhenAParameterIsEmpty_ShouldRefuseAtItsStartNamingItAndChangeNothing(string parameter, string refusal)
    {
        await using var cloud = await CloudAsync(new Dictionary<string, string>(RecoveryCloud.ConfiguredStack) { [parameter] = "" });

        var execution = await cloud.RunExecutionAsync("RestoreDatabaseStateMachine", """{"reason": "unconfigured stack"}""");

        Assert.Equal(("FAILED", "StackNotConfigured"), (execution.Status, execution.Error));
        Assert.StartsWith($"The stack parameter {parameter} is empty", execution.Cause, StringComparison.Ordinal);
        Assert.Contains($"deploy with --parameter-overrides {parameter}=<", execution.Cause, StringComparison.Ordinal);
        Assert.Equal(["Check the input", "Apply Defaults", "Is The Stack Configured?", refusal], StatesEntered(execution));
        Assert.Empty(cloud.Eks.Calls);
        Assert.Equal(PlatformEmulators.SeedReplicas, cloud.Eks.Replicas(PlatformEmulators.Namespace, PlatformEmulators.Deployment));
        Assert.Empty(cloud.Sns.Messages);
    }

    [Fact]
    public async Task RestoreDatabase_WhenServiceHealthUrlIsEmptyButTheInputGivesOne_ShouldGoOnPastTheStackCheck()
    {
        // No Fargate network either, so an input asking for Fargate is refused right after the stack check: nothing runs.
        await using var cloud = await CloudAsync(
            new Dictionary<string, string>(RecoveryCloud.ConfiguredStack) { ["ServiceHealthUrl"] = "", ["DatabaseSubnetIds"] = "" });

        // before is malformed on purpose: the input check refuses it first.
        var refused = await cloud.RunExecutionAsync(
            "RestoreDatabaseStateMachine", """{"healthUrl": "http://127.0.0.1:1/health", "before": "yesterday"}""");
        var execution = await cloud.RunExecutionAsync(
            "RestoreDatabaseStateMachine", """{"healthUrl": "http://127.0.0.1:1/health", "runner": "fargate"}""");

        Assert.Equal(("FAILED", "InvalidInputException"), (refused.Status, refused.Error));
        var message = JsonNode.Parse(refused.Cause!)!["errorMessage"]!.GetValue<string>();
        Assert.StartsWith("before: must be an ISO 8601 timestamp", message, StringComparison.Ordinal);
        Assert.Equal(["Check the input", "Input refused"], StatesEntered(refused));
        Assert.Equal(("FAILED", "StackNotConfigured"), (execution.Status, execution.Error));
        Assert.Equal(
            ["Check the input", "Apply Defaults", "Is The Stack Configured?", "Can The Restore Run Where Asked?", "Refuse Fargate Without Its Network"],
            StatesEntered(execution));
        Assert.Empty(cloud.Eks.Calls);
    }

    [Fact]
    public async Task ServiceHealth_WhenServiceHealthUrlIsEmpty_ShouldRefuseTheScheduledRunNamingTheParameter()
    {
        await using var cloud = await CloudAsync(new Dictionary<string, string> { ["ServiceHealthUrl"] = "" });
        var schedule = cloud.Stack.Schedules.Single(s => s.TargetLogicalId == "ServiceHealthStateMachine");

        var execution = await cloud.RunExecutionAsync("ServiceHealthStateMachine", schedule.Input);

        Assert.Equal(("FAILED", "StackNotConfigured"), (execution.Status, execution.Error));
        Assert.Contains(
            "the stack parameter ServiceHealthUrl, which is then empty: deploy with --parameter-overrides ServiceHealthUrl=<",
            execution.Cause,
            StringComparison.Ordinal);
        Assert.Equal(
            ["Check the input", "Apply Defaults", "Merge Defaults", "Is A Health URL Given?", "Refuse Without A Health URL"], StatesEntered(execution));
        Assert.Empty(cloud.Sns.Messages);
    }

    /// <summary>
    /// A local cloud with these parameters, started with local/servers (its S3 included): the flows' S3 steps (reading a
    /// Fargate job's result) need the S3 emulator to be accepted, even when the refusal comes first.
    /// </summary>
    private Task<LocalCloudHost> CloudAsync(IReadOnlyDictionary<string, string> overrides) => LocalCloudHost.StartAsync(new LocalCloudOptions
    {
        TemplatePath = RepositoryPaths.Of("template.yaml"),
        StateDirectory = _stateDirectory,
        Settings = new StackSettings { ParameterOverrides = overrides },
        Clock = new VirtualTimeProvider(),
        Random = new Random(11),
        LocalServersInfoFile = LocalServers.InfoFile,
    });

    /// <summary>The states the execution entered, in order (from its GetExecutionHistory events).</summary>
    private static List<string> StatesEntered(ExecutionDocument execution) =>
        execution.Events.OfType<JsonObject>()
            .Where(e => e["type"]!.GetValue<string>().EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e["stateEnteredEventDetails"]!["name"]!.GetValue<string>())
            .ToList();
}
