namespace DisasterRecovery.LocalCloud.Tests;

public sealed class SnsAndCloudWatchTests
{
    [Fact]
    public async Task SnsPublish_WhenTheTopicIsNotInTheTemplate_ShouldFailWithTheIntegrationsErrorName()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Optimized", "States": {
              "Optimized": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:000000000000:nowhere", "Message": "m" },
                "Catch": [ { "ErrorEquals": ["SNS.NotFoundException"], "ResultPath": "$.optimized", "Next": "Sdk" } ], "End": true },
              "Sdk": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:000000000000:nowhere", "Message": "m" },
                "Catch": [ { "ErrorEquals": ["Sns.NotFoundException"], "ResultPath": "$.sdk", "Next": "Done" } ], "End": true },
              "Done": { "Type": "Succeed" } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Publish"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Publish", "{}");

        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
        var output = TestCloud.Json(execution.Output);
        Assert.StartsWith("Topic does not exist (Service: SNS, Status Code: 404", output["optimized"]!["Cause"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Sns.NotFoundException", output["sdk"]!["Error"]!.GetValue<string>());
        Assert.Empty(cloud.Sns.Messages);
    }

    [Fact]
    public async Task SnsPublish_WhenSdkIntegrationPublishes_ShouldReturnOnlyTheMessageIdAndRecordTheMessage()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Publish", "States": { "Publish": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sns:publish",
              "Parameters": { "TopicArn": "${TopicArn}", "Subject": "DR drill", "Message.$": "$.text",
                "MessageAttributes": { "severity": { "DataType": "String", "StringValue": "low" } } }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Publish"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Publish", """{"text": "restore verified"}""");

        var output = TestCloud.Json(execution.Output);
        Assert.Equal(new[] { "MessageId" }, output.Select(p => p.Key).ToArray());
        var message = Assert.Single(cloud.Sns.Messages);
        Assert.Equal(output["MessageId"]!.GetValue<string>(), message.MessageId);
        Assert.Equal(("DR drill", "restore verified"), (message.Subject, message.Message));
        Assert.Equal("low", message.MessageAttributes!["severity"]!["StringValue"]!.GetValue<string>());
        Assert.Equal("Publish", message.StateName);
    }

    [Fact]
    public async Task PutMetricData_WhenCalledFromAMachine_ShouldRecordEachDatumAcrossRestarts()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Report", "States": { "Report": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:cloudwatch:putMetricData",
              "Parameters": { "Namespace": "DisasterRecovery", "MetricData": [
                { "MetricName": "RestoreDurationSeconds", "Value.$": "$.seconds", "Unit": "Seconds",
                  "Dimensions": [ { "Name": "Environment", "Value": "drill" } ] },
                { "MetricName": "DrillSucceeded", "Value": 1, "Unit": "Count" } ] }, "End": true } } }
            """;
        var template = TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Metrics"] = machine });
        var cloud = TestCloud.Create(template, folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Metrics", """{"seconds": 412.5}""");

        Assert.Equal("{}", execution.Output);
        var metrics = TestCloud.Create(template, folder.Path + "/state").CloudWatch.Metrics;
        Assert.Equal(new[] { "RestoreDurationSeconds", "DrillSucceeded" }, metrics.Select(m => m.MetricName).ToArray());
        Assert.Equal(412.5, metrics[0].Datum["Value"]!.GetValue<double>());
        Assert.All(metrics, m => Assert.Equal("DisasterRecovery", m.Namespace));
    }

    [Fact]
    public async Task PutMetricData_WhenTheUnitIsNotOneCloudWatchKnows_ShouldFailWithInvalidParameterValueException()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Report", "States": { "Report": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:cloudwatch:putMetricData",
              "Parameters": { "Namespace": "DisasterRecovery", "MetricData": [ { "MetricName": "Lag", "Value": 3, "Unit": "Minutes" } ] }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Metrics"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Metrics", "{}");

        Assert.Equal("CloudWatch.InvalidParameterValueException", execution.Error);
        Assert.Contains("The value Minutes for parameter MetricData.member.1.Unit is invalid.", execution.Cause, StringComparison.Ordinal);
        Assert.Empty(cloud.CloudWatch.Metrics);
    }
}
