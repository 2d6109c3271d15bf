using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Tests;

public sealed class LambdaDispatchTests
{
    private const string InvokeEcho = """
        {
          "Comment": "Calls the probe through the optimized integration and keeps the whole response.",
          "StartAt": "Invoke Probe",
          "States": {
            "Invoke Probe": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName": "${ProbeArn}", "Payload.$": "$" },
              "End": true
            }
          }
        }
        """;

    private const string InvokeAndCatch = """
        {
          "StartAt": "Invoke Probe",
          "States": {
            "Invoke Probe": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName": "${ProbeArn}", "Payload.$": "$" },
              "Catch": [ { "ErrorEquals": ["ProbeRequestedFailureException"], "ResultPath": "$.error", "Next": "Caught" } ],
              "End": true
            },
            "Caught": { "Type": "Pass", "End": true }
          }
        }
        """;

    [Fact]
    public async Task LambdaInvoke_WhenFunctionSucceeds_ShouldReturnStepFunctionsResponseWrapper()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["EchoMachine"] = InvokeEcho }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("EchoMachine", """{"action": "echo", "message": "hello"}""");

        Assert.Equal("SUCCEEDED", execution.Status);
        var wrapper = TestCloud.Json(execution.Output);
        Assert.Equal(
            new[] { "ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode" },
            wrapper.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("$LATEST", wrapper["ExecutedVersion"]!.GetValue<string>());
        Assert.Equal(200, wrapper["StatusCode"]!.GetValue<int>());
        Assert.Equal(200, wrapper["SdkHttpMetadata"]!["HttpStatusCode"]!.GetValue<int>());
        Assert.Equal("$LATEST", wrapper["SdkHttpMetadata"]!["HttpHeaders"]!["X-Amz-Executed-Version"]!.GetValue<string>());
        var requestId = wrapper["SdkResponseMetadata"]!["RequestId"]!.GetValue<string>();
        Assert.Equal(requestId, wrapper["Payload"]!["requestId"]!.GetValue<string>());
        Assert.Equal("hello", wrapper["Payload"]!["message"]!.GetValue<string>());
        Assert.Equal(cloud.Stack.FindFunction("ProbeFunction")!.Arn, wrapper["Payload"]!["functionArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task LambdaInvoke_WhenFunctionThrows_ShouldFailTheTaskWithErrorTypeAndJsonCause()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["EchoMachine"] = InvokeEcho }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("EchoMachine", """{"action": "throw", "message": "backup not found"}""");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("ProbeRequestedFailureException", execution.Error);
        var failed = execution.Events.OfType<JsonObject>().Single(e => e["type"]!.GetValue<string>() == "TaskFailed");
        var details = failed["taskFailedEventDetails"]!;
        Assert.Equal("ProbeRequestedFailureException", details["error"]!.GetValue<string>());
        Assert.Equal(("lambda", "invoke"), (details["resourceType"]!.GetValue<string>(), details["resource"]!.GetValue<string>()));
        var cause = TestCloud.Json(details["cause"]!.GetValue<string>());
        Assert.Equal(new[] { "errorMessage", "errorType", "stackTrace" }, cause.Select(p => p.Key).ToArray());
        Assert.Equal("backup not found", cause["errorMessage"]!.GetValue<string>());
        Assert.Equal("ProbeRequestedFailureException", cause["errorType"]!.GetValue<string>());
        Assert.NotEmpty(cause["stackTrace"]!.AsArray());
    }

    [Fact]
    public async Task LambdaInvoke_WhenCatchNamesTheExceptionType_ShouldRecoverWithErrorAndCause()
    {
        using var folder = new TempFolder();
        var cloud =
            TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["CatchMachine"] = InvokeAndCatch }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("CatchMachine", """{"action": "throw", "message": "no"}""");

        Assert.Equal("SUCCEEDED", execution.Status);
        var error = TestCloud.Json(execution.Output)["error"]!;
        Assert.Equal("ProbeRequestedFailureException", error["Error"]!.GetValue<string>());
        Assert.Equal("no", TestCloud.Json(error["Cause"]!.GetValue<string>())["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task FunctionArnResource_WhenFunctionSucceeds_ShouldReturnTheFunctionResultItself()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "${ProbeArn}", "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Direct"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Direct", """{"action": "echo", "message": "direct"}""");

        Assert.Equal("SUCCEEDED", execution.Status);
        var output = TestCloud.Json(execution.Output);
        Assert.Equal("direct", output["message"]!.GetValue<string>());
        Assert.False(output.ContainsKey("StatusCode"));
    }

    [Fact]
    public async Task LambdaInvoke_WhenFunctionNameIsNotInTheTemplate_ShouldFailWithLambdaResourceNotFound()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName.$": "$.name", "Payload": {} }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Dynamic"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Dynamic", """{"name": "NoSuchFunction"}""");

        Assert.Equal("Lambda.ResourceNotFoundException", execution.Error);
        Assert.Contains("Function not found: arn:aws:lambda:us-east-1:000000000000:function:NoSuchFunction", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void StartExecution_WhenLambdaInvokeHasAnUnknownParameter_ShouldRefuseTheMachineNamingStateAndField()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName": "${ProbeArn}", "Input.$": "$" }, "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Typo"] = machine }), folder.Path + "/state");

        var error = Assert.Throws<StackLoadException>(() => cloud.StartExecution("Typo", "{}"));

        Assert.Contains("/States/Call/Parameters: The field 'Input' is not supported by Step Functions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExecution_WhenInputFailsAPath_ShouldFailWithStatesRuntime()
    {
        using var folder = new TempFolder();
        var machine = """
            { "StartAt": "Pick", "States": { "Pick": { "Type": "Pass", "InputPath": "$.backup.id", "End": true } } }
            """;
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Paths"] = machine }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Paths", """{"restore": true}""");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("States.Runtime", execution.Error);
        Assert.Contains("'Pick'", execution.Cause, StringComparison.Ordinal);
        Assert.Contains("$.backup.id", execution.Cause, StringComparison.Ordinal);
    }
}
