using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRoute53;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Tests;

public sealed class Route53EmulatorTests
{
    /// <summary>The failover shape of the plan: upsert the record, then Wait → GetChange → Choice until INSYNC, with a cap.</summary>
    private const string UpsertAndPoll = """
        {
          "Comment": "Creates a zone, upserts the API record and polls the change until Route 53 reports it in sync.",
          "StartAt": "Create Hosted Zone",
          "TimeoutSeconds": 3600,
          "States": {
            "Create Hosted Zone": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:route53:createHostedZone",
              "Parameters": { "Name": "drill.example.com", "CallerReference.$": "$$.Execution.Name" },
              "ResultSelector": { "id.$": "$.HostedZone.Id" },
              "ResultPath": "$.zone",
              "Next": "Point The API At The DR Region"
            },
            "Point The API At The DR Region": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:route53:changeResourceRecordSets",
              "Parameters": {
                "HostedZoneId.$": "$.zone.id",
                "ChangeBatch": {
                  "Comment": "fail over",
                  "Changes": [ { "Action": "UPSERT", "ResourceRecordSet": {
                    "Name": "api.drill.example.com", "Type": "A", "Ttl": 60, "ResourceRecords": [ { "Value": "192.0.2.10" } ] } } ]
                }
              },
              "ResultSelector": { "id.$": "$.ChangeInfo.Id", "status.$": "$.ChangeInfo.Status" },
              "ResultPath": "$.change",
              "Next": "Remember First Status"
            },
            "Remember First Status": { "Type": "Pass", "InputPath": "$.change.status", "ResultPath": "$.firstStatus", "Next": "Wait For Propagation" },
            "Wait For Propagation": { "Type": "Wait", "Seconds": 20, "Next": "Get Change" },
            "Get Change": {
              "Type": "Task",
              "Resource": "arn:aws:states:::aws-sdk:route53:getChange",
              "Parameters": { "Id.$": "$.change.id" },
              "ResultSelector": { "id.$": "$.ChangeInfo.Id", "status.$": "$.ChangeInfo.Status" },
              "ResultPath": "$.change",
              "Next": "Count The Poll"
            },
            "Count The Poll": { "Type": "Pass", "Parameters": { "count.$": "States.MathAdd($.polls.count, 1)" }, "ResultPath": "$.polls",
              "Next": "Is The Change In Sync?" },
            "Is The Change In Sync?": {
              "Type": "Choice",
              "Choices": [
                { "Variable": "$.change.status", "StringEquals": "INSYNC", "Next": "Record Set In Sync" },
                { "Variable": "$.polls.count", "NumericGreaterThanEquals": 10, "Next": "Gave Up Waiting" }
              ],
              "Default": "Wait For Propagation"
            },
            "Record Set In Sync": { "Type": "Succeed" },
            "Gave Up Waiting": { "Type": "Fail", "Error": "ChangeNotInSync", "Cause": "still PENDING after 10 polls" }
          }
        }
        """;

    private const string CreateTwice = """
        {
          "StartAt": "Create Hosted Zone",
          "States": {
            "Create Hosted Zone": {
              "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:createHostedZone",
              "Parameters": { "Name": "twice.example.com", "CallerReference.$": "$$.Execution.Name" },
              "ResultSelector": { "id.$": "$.HostedZone.Id" }, "ResultPath": "$.zone", "Next": "Create Record"
            },
            "Create Record": {
              "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:changeResourceRecordSets",
              "Parameters": { "HostedZoneId.$": "$.zone.id", "ChangeBatch": { "Changes": [ { "Action": "CREATE",
                "ResourceRecordSet": { "Name": "www.twice.example.com", "Type": "CNAME", "Ttl": 300,
                  "ResourceRecords": [ { "Value": "lb.example.net" } ] } } ] } },
              "ResultPath": null, "Next": "Create It Again"
            },
            "Create It Again": {
              "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:changeResourceRecordSets",
              "Parameters": { "HostedZoneId.$": "$.zone.id", "ChangeBatch": { "Changes": [ { "Action": "CREATE",
                "ResourceRecordSet": { "Name": "www.twice.example.com", "Type": "CNAME", "Ttl": 300,
                  "ResourceRecords": [ { "Value": "lb.example.net" } ] } } ] } },
              "Catch": [ { "ErrorEquals": ["Route53.InvalidChangeBatchException"], "ResultPath": "$.error", "Next": "Refused" } ],
              "End": true
            },
            "Refused": { "Type": "Pass", "End": true }
          }
        }
        """;

    [Fact]
    public async Task GetChange_WhenPolledAfterAnUpsert_ShouldGoFromPendingToInsyncOnTheVirtualClock()
    {
        using var folder = new TempFolder();
        var clock = new VirtualTimeProvider();
        var cloud =
            TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Failover"] = UpsertAndPoll }), folder.Path + "/state", clock);
        var started = clock.GetUtcNow();

        var execution = await cloud.RunExecutionAsync("Failover", """{"polls": {"count": 0}}""");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        Assert.Equal("PENDING", output["firstStatus"]!.GetValue<string>());
        Assert.Equal("INSYNC", output["change"]!["status"]!.GetValue<string>());
        Assert.Equal(3, output["polls"]!["count"]!.GetValue<int>()); // PENDING at +20 s and +40 s, INSYNC at +60 s
        Assert.Equal(TimeSpan.FromSeconds(60), clock.GetUtcNow() - started);
        var zone = Assert.Single(cloud.Route53.HostedZones);
        var record = zone.RecordSets.Single(r => r["Type"]!.GetValue<string>() == "A");
        Assert.Equal("api.drill.example.com.", record["Name"]!.GetValue<string>());
        Assert.Equal("192.0.2.10", record["ResourceRecords"]![0]!["Value"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChangeResourceRecordSets_WhenCreatingAnExistingSet_ShouldFailWithInvalidChangeBatchException()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Twice"] = CreateTwice }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Twice", "{}");

        Assert.Equal("SUCCEEDED", execution.Status);
        var error = TestCloud.Json(execution.Output)["error"]!;
        Assert.Equal("Route53.InvalidChangeBatchException", error["Error"]!.GetValue<string>());
        Assert.Contains("Tried to create resource record set [name='www.twice.example.com.', type='CNAME'] but it already exists",
            error["Cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("(Service: Route53, Status Code: 400", error["Cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeResourceRecordSets_WhenDeletingWithDifferentValues_ShouldRefuseAndKeepTheRecord()
    {
        using var folder = new TempFolder();
        var route53 = new Route53Emulator(folder.Path + "/route53.json");
        var context = new ServiceCallContext(new VirtualTimeProvider(), "us-east-1", "000000000000", null, null);
        var zone = await route53.InvokeAsync("createHostedZone", new JsonObject { ["Name"] = "example.org", ["CallerReference"] = "r1" }, context, default);
        var zoneId = zone!["HostedZone"]!["Id"]!.GetValue<string>();
        JsonObject Change(string action, string value) => new()
        {
            ["HostedZoneId"] = zoneId,
            ["ChangeBatch"] = new JsonObject
            {
                ["Changes"] = new JsonArray(new JsonObject
                {
                    ["Action"] = action,
                    ["ResourceRecordSet"] = new JsonObject
                    {
                        ["Name"] = "db.example.org", ["Type"] = "A", ["Ttl"] = 60, ["ResourceRecords"] = new JsonArray(new JsonObject { ["Value"] = value }),
                    },
                }),
            },
        };
        await route53.InvokeAsync("changeResourceRecordSets", Change("CREATE", "192.0.2.1"), context, default);

        var error = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            route53.InvokeAsync("changeResourceRecordSets", Change("DELETE", "192.0.2.2"), context, default));

        Assert.Equal("InvalidChangeBatchException", error.Code);
        Assert.Contains("the values provided do not match the current values", error.Message, StringComparison.Ordinal);
        Assert.Contains(route53.HostedZones.Single().RecordSets, r => r["Name"]!.GetValue<string>() == "db.example.org.");
    }

    [Fact]
    public void StartExecution_WhenAnSdkParameterIsUnknownOrMissing_ShouldRefuseTheMachineWithStepFunctionsWording()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Upsert", "States": { "Upsert": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:changeResourceRecordSets",
              "Parameters": { "ZoneId": "Z1", "ChangeBatch": { "Changes": [] } }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Typo"] = machine }), folder.Path + "/state");

        var error = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Typo", "{}"));

        Assert.Contains("/States/Upsert/Parameters: The field 'ZoneId' is not supported by Step Functions", error.Message, StringComparison.Ordinal);
        Assert.Contains("/States/Upsert/Parameters: The field 'HostedZoneId' is required but was missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StartExecution_WhenTheActionIsNotEmulated_ShouldListTheActionsThatAre()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Policy", "States": { "Policy": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:createTrafficPolicy",
              "Parameters": { "Name": "p" }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Policy"] = machine }), folder.Path + "/state");

        var error = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Policy", "{}"));

        Assert.Contains("the route53 emulator has no action 'createTrafficPolicy'", error.Message, StringComparison.Ordinal);
        Assert.Contains("changeResourceRecordSets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeResourceRecordSets_WhenADynamicParameterHasAnUnknownField_ShouldFailWithStatesRuntime()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Upsert", "States": { "Upsert": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:changeResourceRecordSets",
              "Parameters": { "HostedZoneId": "Z1", "ChangeBatch.$": "$.batch" },
              "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Caught" } ], "End": true },
              "Caught": { "Type": "Succeed" } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Dynamic"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Dynamic",
            """{"batch": {"Changes": [{"Action": "UPSERT", "ResourceRecordSet": {"Name": "a.example.com", "Type": "A", "TTL": 60}}]}}""");

        Assert.Equal("FAILED", execution.Status); // States.Runtime is not caught, even by States.ALL
        Assert.Equal("States.Runtime", execution.Error);
        Assert.Contains("The field 'ChangeBatch.Changes[0].ResourceRecordSet.TTL' is not supported by Step Functions", execution.Cause,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHostedZone_WhenTheZoneDoesNotExist_ShouldFailWithNoSuchHostedZoneException()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Get", "States": { "Get": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:route53:getHostedZone",
              "Parameters": { "Id": "/hostedzone/ZNOTHERE" }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Missing"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Missing", "{}");

        Assert.Equal("Route53.NoSuchHostedZoneException", execution.Error);
        Assert.StartsWith("No hosted zone found with ID: ZNOTHERE", execution.Cause, StringComparison.Ordinal);
    }
}
