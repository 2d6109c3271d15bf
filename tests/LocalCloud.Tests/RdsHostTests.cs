using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalRds.Api;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The rds emulator as part of the host: definitions checked against the RDS request shapes before anything runs
/// (and before the emulator opens), the emulator's state surviving the host, the shape conversion.
/// </summary>
[Collection(RdsFlowTests.Collection)]
public sealed class RdsHostTests
{
    [Fact]
    public void StartExecution_WhenAnRdsParameterIsUnknown_ShouldRefuseTheMachineBeforeOpeningTheEmulator()
    {
        using var folder = new TempFolder();
        var cloud = RdsTestHosts.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["Misspelt"] = RdsFlowTests.DescribeInstance.Replace("\"DbInstanceIdentifier.$\"", "\"DBInstanceIdentifier.$\"", StringComparison.Ordinal),
        }), Path.Combine(folder.Path, "state"));

        var error = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Misspelt", """{"instance": "technician-marketplace"}"""));

        Assert.Contains("/States/Describe The Instance/Parameters: The field 'DBInstanceIdentifier' is not supported by Step Functions", error.Message,
            StringComparison.Ordinal);
        Assert.False(cloud.Rds.IsOpen);
        Assert.False(Directory.Exists(cloud.Rds.StateDirectory), "a refused machine opened the RDS emulator");
    }

    [Fact]
    public void StartExecution_WhenTheRdsActionIsNotImplemented_ShouldRefuseTheMachineListingTheActions()
    {
        using var folder = new TempFolder();
        var cloud = RdsTestHosts.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>
        {
            ["Stopper"] = RdsFlowTests.DescribeInstance.Replace("rds:describeDBInstances", "rds:stopDBInstance", StringComparison.Ordinal),
        }), Path.Combine(folder.Path, "state"));

        var error = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Stopper", """{"instance": "technician-marketplace"}"""));

        Assert.Contains("the rds emulator has no action 'stopDBInstance'", error.Message, StringComparison.Ordinal);
        Assert.Contains("restoreDBInstanceToPointInTime", error.Message, StringComparison.Ordinal);
        Assert.False(cloud.Rds.IsOpen);
    }

    [Fact]
    public async Task GetRdsAsync_WhenTheHostIsDisposedAndCreatedAgain_ShouldKeepTheAdoptedInstanceWithoutAnotherBackup()
    {
        using var folder = new TempFolder();
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["DescribeInstance"] = RdsFlowTests.DescribeInstance });
        var state = Path.Combine(folder.Path, "state");
        JsonObject first;
        await using (var cloud = RdsTestHosts.Create(template, state))
        {
            var execution = await cloud.RunExecutionAsync("DescribeInstance", """{"instance": "technician-marketplace"}""");
            Assert.True(execution.Status == "SUCCEEDED", $"{execution.Error}: {execution.Cause}\n{RdsTestHosts.Log(cloud)}");
            first = TestCloud.Json(execution.Output);
        }

        await using var again = RdsTestHosts.Create(template, state);
        var openedBeforeTheCall = again.Rds.IsOpen;
        var second = TestCloud.Json((await again.RunExecutionAsync("DescribeInstance", """{"instance": "technician-marketplace"}""")).Output);
        var resourceId = first["resourceId"]!.GetValue<string>();

        Assert.False(openedBeforeTheCall);
        Assert.Equal(resourceId, second["resourceId"]!.GetValue<string>());
        Assert.Equal("available", second["status"]!.GetValue<string>());
        Assert.Single(Directory.GetDirectories(Path.Combine(again.Rds.StateDirectory, "pg", "backups", resourceId)));
    }

    [Fact]
    public void InputShape_WhenActionIsImplemented_ShouldRequireWhatTheRdsReferenceRequires()
    {
        using var folder = new TempFolder();
        var cloud = RdsTestHosts.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), Path.Combine(folder.Path, "state"));
        var problems = new List<string>();

        cloud.Rds.InputShape("restoreDBInstanceToPointInTime")!.Validate(new JsonObject { ["SourceDBInstanceIdentifier"] = "a" }, string.Empty, problems);

        Assert.Equal(["The field 'TargetDBInstanceIdentifier' is required but was missing"], problems);
        Assert.Equal(RdsApiCatalog.ImplementedActions.Count, cloud.Rds.Actions.Count(a => cloud.Rds.InputShape(a) is not null));
    }
}
