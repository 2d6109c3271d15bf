using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalSfn;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// A stack deployed without the Fargate job network (DatabaseSubnetIds empty: FargateConfigured false, no cluster or task
/// definitions): an input that asks for runner fargate is refused at the flow's start, naming the parameters, before
/// anything is backed up, stopped or restored.
/// </summary>
public sealed class FargateNotConfiguredTests : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "dr-no-fargate", Guid.NewGuid().ToString("N"));
    private LocalCloudHost _cloud = null!;

    public async Task InitializeAsync()
    {
        // Started with local/servers (as RecoveryCloud), so that the flows' S3 steps have their emulator.
        _cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = RepositoryPaths.Of("template.yaml"),
            StateDirectory = _stateDirectory,
            Settings = new StackSettings
            {
                ParameterOverrides = new Dictionary<string, string>(RecoveryCloud.ConfiguredStack) { ["DatabaseSubnetIds"] = "" },
            },
            Clock = new VirtualTimeProvider(),
            Random = new Random(11),
            LocalServersInfoFile = LocalServers.InfoFile,
        });
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still being closed; the temp folder is cleaned up by the OS eventually.
        }
    }

    [Fact]
    public void Stack_WhenDatabaseSubnetIdsIsEmpty_ShouldHaveNoTaskDefinitions()
    {
        Assert.Empty(_cloud.Stack.TaskDefinitions);
    }

    [Fact]
    public async Task PostgresBackup_WhenFargateIsAskedFor_ShouldRefuseAtItsStartAndRunNothing()
    {
        var execution = await _cloud.RunExecutionAsync("PostgresBackupStateMachine", """{"runner": "fargate"}""");

        Assert.Equal(("FAILED", "StackNotConfigured"), (execution.Status, execution.Error));
        Assert.StartsWith("The input asks for runner fargate, but the stack has no Fargate job network: deploy with --parameter-overrides DatabaseSubnetIds=",
            execution.Cause, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was backed up.", execution.Cause, StringComparison.Ordinal);
        Assert.Equal(
            ["Check the input", "Apply Defaults", "Merge Defaults", "Is The Request Valid?", "Refuse Fargate Without Its Network"], StatesEntered(execution));
        Assert.Empty(_cloud.Sns.Messages);
    }

    [Fact]
    public async Task RestoreDatabase_WhenFargateIsAskedFor_ShouldRefuseAtItsStartAndChangeNothing()
    {
        var execution = await _cloud.RunExecutionAsync(
            "RestoreDatabaseStateMachine", """{"runner": "fargate", "healthUrl": "http://127.0.0.1:1/health"}""");

        Assert.Equal(("FAILED", "StackNotConfigured"), (execution.Status, execution.Error));
        Assert.EndsWith("Nothing was stopped or restored.", execution.Cause, StringComparison.Ordinal);
        Assert.Equal(
            ["Check the input", "Apply Defaults", "Is The Stack Configured?", "Can The Restore Run Where Asked?", "Refuse Fargate Without Its Network"],
            StatesEntered(execution));
        Assert.Empty(_cloud.Eks.Calls);
    }

    /// <summary>The states the execution entered, in order (from its GetExecutionHistory events).</summary>
    private static List<string> StatesEntered(ExecutionDocument execution) =>
        execution.Events.OfType<JsonObject>()
            .Where(e => e["type"]!.GetValue<string>().EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e["stateEnteredEventDetails"]!["name"]!.GetValue<string>())
            .ToList();
}
