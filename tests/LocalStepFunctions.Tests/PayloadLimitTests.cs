using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>
/// The 256 KiB quota on data between states (262,144 bytes of UTF-8 JSON): over it a state fails with
/// States.DataLimitExceeded, which States.ALL and States.TaskFailed do not catch, and an execution input is refused.
/// </summary>
public class PayloadLimitTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Work";
    private const string LambdaInvoke = "arn:aws:states:::lambda:invoke";

    /// <summary>A JSON string value whose document <c>{"data":"…"}</c> is exactly <paramref name="bytes"/> bytes of UTF-8.</summary>
    private static string Document(int bytes) => new JsonObject { ["data"] = new string('x', bytes - """{"data":""}""".Length) }.ToJsonString();

    [Fact]
    public async Task Task_WhenTheResultIsOneByteOverTheLimit_ShouldFailWithDataLimitExceededNamingTheResource()
    {
        var harness = new Harness();
        harness.Invoker.Returns(LambdaInvoke, Document(PayloadLimit.MaxBytes + 1));

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{LambdaInvoke}}", "ResultPath": null, "End": true }
            """));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, result.Error);
        Assert.StartsWith(
            "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
            result.Cause, StringComparison.Ordinal);
        var failed = Assert.Single(harness.History, e => e.Type == HistoryEventType.TaskFailed);
        Assert.Equal(ErrorNames.DataLimitExceeded, failed.Error);
        Assert.DoesNotContain(harness.History, e => e.Type == HistoryEventType.TaskSucceeded);
    }

    [Fact]
    public async Task Task_WhenTheResultIsExactlyAtTheLimitAndDiscarded_ShouldSucceed()
    {
        var harness = new Harness();
        harness.Invoker.Returns(Fn, Document(PayloadLimit.MaxBytes));

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "ResultPath": null, "End": true }
            """));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
    }

    [Fact]
    public async Task Catch_WhenOnlyStatesAllOrTaskFailedIsNamed_ShouldNotCatchDataLimitExceeded()
    {
        var harness = new Harness();
        harness.Invoker.Returns(Fn, Document(PayloadLimit.MaxBytes + 10));

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "End": true,
                   "Retry": [ { "ErrorEquals": ["States.ALL"], "MaxAttempts": 2 } ],
                   "Catch": [ { "ErrorEquals": ["States.TaskFailed"], "Next": "Cleanup" }, { "ErrorEquals": ["States.ALL"], "Next": "Cleanup" } ] },
            "Cleanup": { "Type": "Pass", "End": true }
            """));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, result.Error);
        Assert.Single(harness.Invoker.Calls);
        Assert.DoesNotContain(harness.History, e => e.StateName == "Cleanup");
    }

    [Fact]
    public async Task Catch_WhenDataLimitExceededIsNamed_ShouldCatchIt()
    {
        var harness = new Harness();
        harness.Invoker.Returns(Fn, Document(PayloadLimit.MaxBytes + 10));

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "End": true,
                   "Catch": [ { "ErrorEquals": ["States.DataLimitExceeded"], "ResultPath": "$.error", "Next": "Cleanup" } ] },
            "Cleanup": { "Type": "Pass", "End": true }
            """));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, JsonNode.Parse(result.Output!)!["error"]!["Error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pass_WhenItsOutputGoesOverTheLimit_ShouldFailTheExecutionNamingTheState()
    {
        var half = Document(PayloadLimit.MaxBytes / 2 + 100);

        var result = await new Harness().RunAsync(Harness.Machine($$"""
            "Double It": { "Type": "Pass", "Parameters": { "a.$": "$.data", "b.$": "$.data" }, "End": true }
            """, startAt: "Double It"), half);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, result.Error);
        Assert.Contains("'Double It'", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_WhenItsParametersGoOverTheLimit_ShouldFailBeforeCallingTheResource()
    {
        var harness = new Harness();
        var half = Document(PayloadLimit.MaxBytes / 2 + 100);

        var result = await harness.RunAsync(Harness.Machine($$"""
            "Send Both": { "Type": "Task", "Resource": "{{Fn}}", "Parameters": { "a.$": "$.data", "b.$": "$.data" }, "End": true,
                           "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Cleanup" } ] },
            "Cleanup": { "Type": "Pass", "End": true }
            """, startAt: "Send Both"), half);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, result.Error);
        Assert.Contains("'Send Both' has an input with a size exceeding", result.Cause, StringComparison.Ordinal);
        Assert.Empty(harness.Invoker.Calls);
    }

    [Fact]
    public async Task Map_WhenTheCollectedResultsGoOverTheLimit_ShouldFailTheState()
    {
        // Each iteration is within the limit (100 kB); the three together are not.
        var input = new JsonObject { ["big"] = new string('y', 100_000), ["items"] = new JsonArray(1, 2, 3) }.ToJsonString();

        var result = await new Harness().RunAsync(Harness.Machine("""
            "Fan Out": { "Type": "Map", "ItemsPath": "$.items", "ItemSelector": { "v.$": "$.big" }, "End": true,
                         "ItemProcessor": { "StartAt": "Keep", "States": { "Keep": { "Type": "Pass", "End": true } } } }
            """, startAt: "Fan Out"), input);

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.DataLimitExceeded, result.Error);
        Assert.Contains("'Fan Out'", result.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void StartExecution_WhenTheInputIsOverTheLimit_ShouldRefuseItWithValidationException()
    {
        var harness = new Harness();
        var machine = harness.Engine.CreateStateMachine("Small", Harness.Machine("""
            "S": { "Type": "Pass", "End": true }
            """));

        // Multi-byte characters: the limit counts UTF-8 bytes, not characters.
        var input = new JsonObject { ["data"] = new string('é', PayloadLimit.MaxBytes / 2) }.ToJsonString();
        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.StartExecution(machine, input));

        Assert.Equal("ValidationException", error.ErrorCode);
        Assert.Contains(
            "Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
            error.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Engine.ListExecutions(machine));
    }

    [Fact]
    public async Task StartExecution_WhenTheInputIsExactlyAtTheLimit_ShouldRun()
    {
        var result = await new Harness().RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "End": true }
            """), Document(PayloadLimit.MaxBytes));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
    }
}
