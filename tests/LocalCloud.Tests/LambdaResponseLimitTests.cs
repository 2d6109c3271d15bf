using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// Lambda's 6 MB quota on a synchronous response, as the in-process function dispatch enforces it: an oversized
/// response becomes the function error Lambda returns (Function.ResponseSizeTooLarge), never a result.
/// </summary>
public sealed class LambdaResponseLimitTests
{
    private const string InvokeProbe = """
        {
          "Comment": "Calls the probe through the optimized integration.",
          "StartAt": "Invoke Probe",
          "States": {
            "Invoke Probe": {
              "Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": { "FunctionName": "${ProbeArn}", "Payload.$": "$" },
              "ResultSelector": { "status.$": "$.StatusCode" },
              "Catch": [ { "ErrorEquals": ["Function.ResponseSizeTooLarge"], "ResultPath": "$.error", "Next": "Report Too Large" } ],
              "End": true
            },
            "Report Too Large": { "Type": "Pass", "End": true }
          }
        }
        """;

    private const string CallProbeByArn = """
        { "StartAt": "Call", "States": { "Call": { "Type": "Task", "Resource": "${ProbeArn}", "End": true } } }
        """;

    private static string Pad(int bytes) => $$"""{"action": "pad", "message": "{{bytes}}"}""";

    [Fact]
    public async Task LambdaInvoke_WhenTheResponseIsOverSixMegabytes_ShouldFailWithFunctionResponseSizeTooLarge()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Big"] = InvokeProbe }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Big", Pad(FunctionHost.MaxResponseBytes));

        Assert.Equal("SUCCEEDED", execution.Status);
        var error = TestCloud.Json(execution.Output)["error"]!;
        Assert.Equal(FunctionHost.ResponseSizeTooLarge, error["Error"]!.GetValue<string>());
        var cause = TestCloud.Json(error["Cause"]!.GetValue<string>());
        Assert.Equal(FunctionHost.ResponseSizeTooLarge, cause["errorType"]!.GetValue<string>());
        Assert.Contains("exceeded maximum allowed payload size (6291456 bytes)", cause["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        var failed = execution.Events.OfType<JsonObject>().Single(e => e["type"]!.GetValue<string>() == "TaskFailed");
        Assert.Equal(FunctionHost.ResponseSizeTooLarge, failed["taskFailedEventDetails"]!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LambdaInvoke_WhenTheResponseIsUnderSixMegabytesButOverTheStateLimit_ShouldFailWithDataLimitExceeded()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Big"] = InvokeProbe }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Big", Pad(PayloadLimit.MaxBytes + 1));

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("States.DataLimitExceeded", execution.Error);
        Assert.StartsWith("The state/task 'lambda' returned a result with a size exceeding", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionArnResource_WhenTheResponseIsOverSixMegabytes_ShouldFailTheExecutionWithTheLambdaError()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Direct"] = CallProbeByArn }), folder.Path + "/state");

        var execution = await cloud.RunExecutionAsync("Direct", Pad(FunctionHost.MaxResponseBytes + 1));

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal(FunctionHost.ResponseSizeTooLarge, execution.Error);
    }

    [Fact]
    public async Task InvokeAsync_WhenTheResponseIsOverSixMegabytes_ShouldReturnTheErrorInsteadOfTheOutput()
    {
        using var folder = new TempFolder();
        var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), folder.Path + "/state");
        var probe = cloud.Functions.Find("ProbeFunction");

        var tooLarge = await cloud.Functions.InvokeAsync(probe, Encoding.UTF8.GetBytes(Pad(FunctionHost.MaxResponseBytes)), CancellationToken.None);
        var justUnder = await cloud.Functions.InvokeAsync(probe, Encoding.UTF8.GetBytes(Pad(FunctionHost.MaxResponseBytes - 1_000)), CancellationToken.None);

        Assert.Null(tooLarge.Output);
        Assert.Equal(FunctionHost.ResponseSizeTooLarge, tooLarge.Error!.ErrorType);
        Assert.Null(justUnder.Error);
        Assert.InRange(justUnder.Output!.Length, FunctionHost.MaxResponseBytes - 1_000, FunctionHost.MaxResponseBytes);
    }
}
