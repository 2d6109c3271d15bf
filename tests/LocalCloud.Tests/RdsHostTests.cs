using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Emulators;
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

        Assert.Contains("/States/Describe The Instance/Parameters: The field 'DBInstanceIdentifier' is not supported by Step Functions", error.Message, StringComparison.Ordinal);
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
    public void Convert_WhenGivenEveryShapeType_ShouldValidateAsTheRdsShapeSays()
    {
        RdsShape Scalar(string type) => new(type, new Dictionary<string, RdsShape>(), new HashSet<string>(), null);
        var shape = RdsShapeConverter.Structure(new RdsShape(
            "structure",
            new Dictionary<string, RdsShape>
            {
                ["Name"] = Scalar("string"),
                ["Count"] = Scalar("integer"),
                ["Ratio"] = Scalar("number"),
                ["On"] = Scalar("boolean"),
                ["At"] = Scalar("timestamp"),
                ["Names"] = new("list", new Dictionary<string, RdsShape>(), new HashSet<string>(), Scalar("string")),
                ["Labels"] = new("map", new Dictionary<string, RdsShape>(), new HashSet<string>(), Scalar("integer")),
            },
            new HashSet<string> { "Name" },
            null));
        var good = new List<string>();
        var bad = new List<string>();

        shape.Validate(JsonNode.Parse("""{"Name":"a","Count":2,"Ratio":0.5,"On":true,"At":"2025-01-01T00:00:00Z","Names":["x"],"Labels":{"k":1}}"""), string.Empty, good);
        shape.Validate(JsonNode.Parse("""{"Count":2.5,"Ratio":"x","On":1,"At":"soon","Names":"x","Labels":{"k":"one"},"Extra":1}"""), string.Empty, bad);

        Assert.Empty(good);
        Assert.Equal(
            [
                "The value for the field 'Count' must be a INTEGER", "The value for the field 'Ratio' must be a NUMBER",
                "The value for the field 'On' must be a BOOLEAN", "The value for the field 'At' must be a TIMESTAMP",
                "The value for the field 'Names' must be an ARRAY", "The value for the field 'Labels.k' must be a INTEGER",
                "The field 'Extra' is not supported by Step Functions", "The field 'Name' is required but was missing",
            ],
            bad);
    }

    [Fact]
    public void Convert_WhenTheTypeIsUnknown_ShouldRefuseInsteadOfGuessing()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RdsShapeConverter.Convert(new RdsShape("blob", new Dictionary<string, RdsShape>(), new HashSet<string>(), null)));

        Assert.Contains("'blob'", error.Message, StringComparison.Ordinal);
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
