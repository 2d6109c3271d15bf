using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalRds;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// State machines calling <c>arn:aws:states:::aws-sdk:rds:*</c> through the local cloud, against real PostgreSQL 15: the
/// shared local/servers cluster adopted as <c>technician-marketplace</c>, and one real point-in-time restore of it.
/// </summary>
[Collection(RdsFlowTests.Collection)]
public sealed class RdsFlowTests(RdsFlowTests.Cloud cloud) : IClassFixture<RdsFlowTests.Cloud>
{
    /// <summary>The RDS test classes run one at a time: real clusters on a two-core machine.</summary>
    public const string Collection = "Real RDS clusters";

    /// <summary>Reads an instance's endpoint; a missing instance is caught and reported.</summary>
    public const string DescribeInstance = """
        {
          "Comment": "Reads an instance's endpoint; reports a missing one instead of failing.",
          "StartAt": "Describe The Instance",
          "TimeoutSeconds": 600,
          "States": {
            "Describe The Instance": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances",
              "Parameters": { "DbInstanceIdentifier.$": "$.instance" },
              "ResultSelector": {
                "address.$": "$.DbInstances[0].Endpoint.Address",
                "port.$": "$.DbInstances[0].Endpoint.Port",
                "status.$": "$.DbInstances[0].DbInstanceStatus",
                "resourceId.$": "$.DbInstances[0].DbiResourceId"
              },
              "Catch": [ { "ErrorEquals": [ "Rds.DbInstanceNotFoundException" ], "ResultPath": "$.error", "Next": "Report The Missing Instance" } ],
              "End": true
            },
            "Report The Missing Instance": {
              "Type": "Pass",
              "Parameters": { "missing.$": "$.instance", "error.$": "$.error.Error", "cause.$": "$.error.Cause" },
              "End": true
            }
          }
        }
        """;

    /// <summary>Restores the production instance to its latest restorable time, polls until available, deletes the copy, polls until gone.</summary>
    private const string RestoreThenDelete = """
        {
          "Comment": "Restores technician-marketplace to its latest restorable time, waits until the copy is available, then deletes it.",
          "StartAt": "Restore The Marketplace To Its Latest Time",
          "TimeoutSeconds": 14400,
          "States": {
            "Restore The Marketplace To Its Latest Time": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:rds:restoreDBInstanceToPointInTime",
              "Parameters": {
                "SourceDBInstanceIdentifier": "technician-marketplace",
                "TargetDBInstanceIdentifier.$": "$.target",
                "UseLatestRestorableTime": true,
                "Tags": [ { "Key": "purpose", "Value": "drill" } ]
              },
              "ResultSelector": { "status.$": "$.DbInstance.DbInstanceStatus" },
              "ResultPath": "$.restore",
              "Next": "Start Counting Polls"
            },
            "Start Counting Polls": { "Type": "Pass", "Result": { "count": 0 }, "ResultPath": "$.polls", "Next": "Wait Before Polling" },
            "Wait Before Polling": { "Type": "Wait", "Seconds": 30, "Next": "Describe The Copy" },
            "Describe The Copy": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances",
              "Parameters": { "DbInstanceIdentifier.$": "$.target" },
              "ResultSelector": { "status.$": "$.DbInstances[0].DbInstanceStatus", "instance.$": "$.DbInstances[0]" },
              "ResultPath": "$.describe",
              "Next": "Count The Poll"
            },
            "Count The Poll": { "Type": "Pass", "Parameters": { "count.$": "States.MathAdd($.polls.count, 1)" }, "ResultPath": "$.polls",
              "Next": "Is The Copy Available?" },
            "Is The Copy Available?": {
              "Type": "Choice",
              "Choices": [
                { "Variable": "$.describe.status", "StringEquals": "available", "Next": "Delete The Copy" },
                { "Variable": "$.polls.count", "NumericGreaterThanEquals": 60, "Next": "Give Up Waiting For The Copy" }
              ],
              "Default": "Wait Before Polling"
            },
            "Give Up Waiting For The Copy": { "Type": "Fail", "Error": "RestoreTookTooLong", "Cause": "the copy was not available after 60 polls" },
            "Delete The Copy": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:rds:deleteDBInstance",
              "Parameters": { "DbInstanceIdentifier.$": "$.target", "SkipFinalSnapshot": true },
              "ResultSelector": { "status.$": "$.DbInstance.DbInstanceStatus" },
              "ResultPath": "$.deletion",
              "Next": "Wait Before Checking The Deletion"
            },
            "Wait Before Checking The Deletion": { "Type": "Wait", "Seconds": 30, "Next": "Describe The Deleted Copy" },
            "Describe The Deleted Copy": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:rds:describeDBInstances",
              "Parameters": { "DbInstanceIdentifier.$": "$.target" },
              "ResultSelector": { "status.$": "$.DbInstances[0].DbInstanceStatus" },
              "ResultPath": "$.afterDeletion",
              "Catch": [ { "ErrorEquals": [ "Rds.DbInstanceNotFoundException" ], "ResultPath": "$.gone", "Next": "The Copy Is Gone" } ],
              "Next": "Count The Deletion Poll"
            },
            "Count The Deletion Poll": { "Type": "Pass", "Parameters": { "count.$": "States.MathAdd($.polls.count, 1)" }, "ResultPath": "$.polls",
              "Next": "Is The Poll Cap Reached?" },
            "Is The Poll Cap Reached?": {
              "Type": "Choice",
              "Choices": [ { "Variable": "$.polls.count", "NumericGreaterThanEquals": 120, "Next": "Give Up Waiting For The Deletion" } ],
              "Default": "Wait Before Checking The Deletion"
            },
            "Give Up Waiting For The Deletion": { "Type": "Fail", "Error": "DeletionTookTooLong", "Cause": "the copy still existed after 120 polls" },
            "The Copy Is Gone": { "Type": "Succeed" }
          }
        }
        """;

    [Fact]
    public async Task DescribeDbInstances_WhenTheMarketplaceIsAdopted_ShouldReturnTheLocalServersEndpoint()
    {
        var execution = await cloud.Host.RunExecutionAsync("DescribeInstance", """{"instance": "technician-marketplace"}""");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Error}: {execution.Cause}\n{RdsTestHosts.Log(cloud.Host)}");
        var output = TestCloud.Json(execution.Output);
        Assert.Equal("127.0.0.1", output["address"]!.GetValue<string>());
        Assert.Equal(RdsTestHosts.MarketplacePort, output["port"]!.GetValue<int>());
        Assert.Equal("available", output["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeDbInstances_WhenTheInstanceDoesNotExist_ShouldBeCaughtAsRdsDbInstanceNotFoundException()
    {
        var execution = await cloud.Host.RunExecutionAsync("DescribeInstance", """{"instance": "no-such-instance"}""");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Error}: {execution.Cause}\n{RdsTestHosts.Log(cloud.Host)}");
        var output = TestCloud.Json(execution.Output);
        Assert.Equal("Rds.DbInstanceNotFoundException", output["error"]!.GetValue<string>());
        Assert.StartsWith("DBInstance no-such-instance not found. (Service: Rds, Status Code: 404, Request ID: ", output["cause"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenPolledOnTheVirtualClock_ShouldMakeAnAvailableCopyAndDeleteIt()
    {
        var execution = await cloud.Host.RunExecutionAsync("RestoreThenDelete", """{"target": "marketplace-drill-copy"}""");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Error}: {execution.Cause}\n{RdsTestHosts.Log(cloud.Host)}");
        var output = TestCloud.Json(execution.Output);
        var copy = output["describe"]!["instance"]!;
        var rds = await cloud.Host.GetRdsAsync();
        var afterwards = await Assert.ThrowsAsync<RdsEmulatorException>(() =>
            rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "marketplace-drill-copy" }));
        var started = DateTimeOffset.Parse(execution.StartDate, CultureInfo.InvariantCulture);
        var stopped = DateTimeOffset.Parse(execution.StopDate!, CultureInfo.InvariantCulture);

        Assert.Equal("creating", output["restore"]!["status"]!.GetValue<string>());
        Assert.True(output["polls"]!["count"]!.GetValue<int>() >= 2, "the first describe after a restore starts always shows creating");
        Assert.Equal("available", copy["DbInstanceStatus"]!.GetValue<string>());
        Assert.NotEqual(RdsTestHosts.MarketplacePort, copy["Endpoint"]!["Port"]!.GetValue<int>());
        Assert.Equal("drill", copy["TagList"]![0]!["Value"]!.GetValue<string>());
        Assert.Equal("deleting", output["deletion"]!["status"]!.GetValue<string>());
        Assert.Equal("Rds.DbInstanceNotFoundException", output["gone"]!["Error"]!.GetValue<string>());
        Assert.Equal(RdsErrors.DbInstanceNotFound, afterwards.ErrorName);
        Assert.False(Directory.Exists(Path.Combine(cloud.Host.Rds.StateDirectory, "pg", "instances", copy["DbiResourceId"]!.GetValue<string>())));
        Assert.True(stopped - started >= TimeSpan.FromSeconds(60), $"two Waits of 30 s on the engine's clock, took {stopped - started}");
    }

    /// <summary>One local cloud for the class: its state folder adopts the shared cluster once.</summary>
    public sealed class Cloud : IAsyncLifetime
    {
        private readonly TempFolder _folder = new();

        public LocalCloudHost Host { get; private set; } = null!;

        public Task InitializeAsync()
        {
            var template = TestCloud.WriteTemplate(_folder, new Dictionary<string, string>
            {
                ["DescribeInstance"] = DescribeInstance,
                ["RestoreThenDelete"] = RestoreThenDelete,
            });
            Host = RdsTestHosts.Create(template, Path.Combine(_folder.Path, "state"));
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            await Host.DisposeAsync();
            _folder.Dispose();
        }
    }
}
