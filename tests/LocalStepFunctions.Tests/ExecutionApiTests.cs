using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Start/Describe/Stop/History/observer, the context object and the API's error codes.</summary>
public class ExecutionApiTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Work";

    [Fact]
    public async Task GetExecutionHistory_WhenPassThenTaskRun_ShouldRecordAwsEventNamesWithChainedIds()
    {
        var harness = new Harness();
        harness.Invoker.Returns(Fn, """{"r":1}""");

        await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Pass", "Next": "T" },
            "T": { "Type": "Task", "Resource": "{{Fn}}", "End": true }
            """), """{ "in": true }""");

        var history = harness.History;
        Assert.Equal(
            [HistoryEventType.ExecutionStarted, HistoryEventType.PassStateEntered, HistoryEventType.PassStateExited, HistoryEventType.TaskStateEntered,
             HistoryEventType.TaskScheduled, HistoryEventType.TaskStarted, HistoryEventType.TaskSucceeded, HistoryEventType.TaskStateExited,
             HistoryEventType.ExecutionSucceeded],
            history.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(0, history.Count).Select(i => (long)i), history.Select(e => e.PreviousEventId));
        var scheduled = history.Single(e => e.Type == HistoryEventType.TaskScheduled);
        Assert.Equal((Fn, "lambda", """{"in":true}"""), (scheduled.Resource, scheduled.ResourceType, scheduled.Parameters));
        Assert.Equal("""{"in":true}""", history[0].Input);
        Assert.Equal("""{"r":1}""", history.Single(e => e.Type == HistoryEventType.TaskSucceeded).Output);
    }

    [Fact]
    public async Task DescribeExecution_WhenSucceeded_ShouldReportStatusInputOutputAndDates()
    {
        var harness = new Harness();
        var arn = harness.Start(Harness.Machine("""
            "S": { "Type": "Wait", "Seconds": 10, "Next": "P" }, "P": { "Type": "Pass", "Result": { "ok": 1 }, "End": true }
            """), """{ "x": 1 }""");

        var result = await harness.CompletionAsync();
        var described = harness.Engine.DescribeExecution(arn);

        Assert.Equal(described, result);
        Assert.Equal(ExecutionStatus.Succeeded, described.Status);
        Assert.Equal("SUCCEEDED", described.Status.ToApiName());
        Assert.Equal("""{"x":1}""", described.Input);
        Assert.Equal("""{"ok":1}""", described.Output);
        Assert.Equal(described.StartDate.AddSeconds(10), described.StopDate);
        Assert.StartsWith("arn:aws:states:us-east-1:123456789012:execution:Test-", arn);
        Assert.EndsWith(":run-1", arn);
    }

    [Fact]
    public async Task StopExecution_WhenRunning_ShouldAbortImmediatelyAndRecordNothingAfterwards()
    {
        var harness = new Harness();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        var arn = harness.Start(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "End": true }
            """));
        await started.Task.WaitAsync(Harness.RealTimeLimit);

        harness.Engine.StopExecution(arn, "Operator.Cancelled", "drill over");
        var result = await harness.CompletionAsync();
        await Task.Delay(100);

        Assert.Equal(ExecutionStatus.Aborted, result.Status);
        Assert.Equal(("Operator.Cancelled", "drill over"), (result.Error, result.Cause));
        Assert.Equal(HistoryEventType.ExecutionAborted, harness.History[^1].Type);
    }

    [Fact]
    public async Task HistoryEventRecorded_WhenExecutionRuns_ShouldNotifyEveryEventInOrder()
    {
        var harness = new Harness();
        var seen = new ConcurrentQueue<HistoryEvent>();
        harness.Engine.HistoryEventRecorded += (_, e) => seen.Enqueue(e.Event);
        harness.Engine.HistoryEventRecorded += (_, _) => throw new InvalidOperationException("a broken printer");

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "End": true }
            """));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(harness.History, seen.ToArray());
    }

    [Fact]
    public async Task ContextObject_WhenReadFromParameters_ShouldExposeExecutionStateAndStateMachineFields()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Wait", "Seconds": 5, "Next": "Read" },
            "Read": { "Type": "Pass", "End": true, "Parameters": {
                "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name", "input.$": "$$.Execution.Input", "start.$": "$$.Execution.StartTime",
                "role.$": "$$.Execution.RoleArn", "state.$": "$$.State.Name", "entered.$": "$$.State.EnteredTime", "retries.$": "$$.State.RetryCount",
                "machine.$": "$$.StateMachine.Id", "machineName.$": "$$.StateMachine.Name" } }
            """), """{ "k": "v" }""");

        var output = JsonNode.Parse(result.Output!)!;
        Assert.Equal(result.ExecutionArn, output["id"]!.GetValue<string>());
        Assert.Equal("run-1", output["name"]!.GetValue<string>());
        Assert.Equal("""{"k":"v"}""", output["input"]!.ToJsonString());
        Assert.Equal("2025-01-01T00:00:00.000Z", output["start"]!.GetValue<string>());
        Assert.Equal("2025-01-01T00:00:05.000Z", output["entered"]!.GetValue<string>());
        Assert.Equal("Read", output["state"]!.GetValue<string>());
        Assert.Equal(0, output["retries"]!.GetValue<int>());
        Assert.Equal(result.StateMachineArn, output["machine"]!.GetValue<string>());
        Assert.StartsWith("Test-", output["machineName"]!.GetValue<string>());
        Assert.Contains(":role/", output["role"]!.GetValue<string>());
    }

    [Fact]
    public void StartExecution_WhenNameIsReused_ShouldThrowExecutionAlreadyExists()
    {
        var harness = new Harness();
        var machine = harness.Engine.CreateStateMachine("Dup", Harness.Machine("\"S\": { \"Type\": \"Succeed\" }"));
        harness.Engine.StartExecution(machine, "{}", "same");

        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.StartExecution(machine, "{}", "same"));

        Assert.Equal("ExecutionAlreadyExists", error.ErrorCode);
    }

    [Theory]
    [InlineData("arn:aws:states:us-east-1:123456789012:stateMachine:Nope", "{}", "StateMachineDoesNotExist")]
    [InlineData(null, "{ nope", "InvalidExecutionInput")]
    public void StartExecution_WhenRequestIsInvalid_ShouldThrowTheAwsErrorCode(string? machineArn, string input, string errorCode)
    {
        var harness = new Harness();
        var machine = machineArn ?? harness.Engine.CreateStateMachine("M", Harness.Machine("\"S\": { \"Type\": \"Succeed\" }"));

        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.StartExecution(machine, input));

        Assert.Equal(errorCode, error.ErrorCode);
    }

    [Fact]
    public void DescribeExecution_WhenArnIsUnknown_ShouldThrowExecutionDoesNotExist()
    {
        var harness = new Harness();

        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.DescribeExecution("arn:aws:states:us-east-1:123456789012:execution:M:x"));

        Assert.Equal("ExecutionDoesNotExist", error.ErrorCode);
    }

    [Fact]
    public void CreateStateMachine_WhenDefinitionIsInvalid_ShouldThrowValidationErrors()
    {
        var harness = new Harness();

        var error = Assert.Throws<AslValidationException>(() => harness.Engine.CreateStateMachine(
            "Bad",
            """{ "StartAt": "X", "States": { "X": { "Type": "Pass", "Next": "Y" } } }"""));

        Assert.Equal("/States/X/Next", Assert.Single(error.Errors).Location);
    }

    [Fact]
    public async Task ListExecutions_WhenSeveralExecutionsRan_ShouldListThemPerStateMachine()
    {
        var harness = new Harness();
        var first = harness.Engine.CreateStateMachine("First", Harness.Machine("\"S\": { \"Type\": \"Succeed\" }"));
        var second = harness.Engine.CreateStateMachine("Second", Harness.Machine("\"S\": { \"Type\": \"Succeed\" }"));
        await harness.Engine.WaitForExecutionAsync(harness.Engine.StartExecution(first, "{}", "a")).WaitAsync(Harness.RealTimeLimit);
        await harness.Engine.WaitForExecutionAsync(harness.Engine.StartExecution(first, "{}", "b")).WaitAsync(Harness.RealTimeLimit);
        await harness.Engine.WaitForExecutionAsync(harness.Engine.StartExecution(second, "{}", "c")).WaitAsync(Harness.RealTimeLimit);

        Assert.Equal(["a", "b"], harness.Engine.ListExecutions(first).Select(e => e.Name).Order());
        Assert.Equal(3, harness.Engine.ListExecutions().Count);
    }

    [Fact]
    public async Task StartExecution_WhenManyExecutionsShareOneVirtualClock_ShouldAllFinishAtTheirOwnVirtualTimes()
    {
        var harness = new Harness();
        var machine = harness.Engine.CreateStateMachine("Many", Harness.Machine("""
            "S": { "Type": "Wait", "SecondsPath": "$.s", "End": true }
            """));

        var arns = Enumerable.Range(1, 20).Select(i => harness.Engine.StartExecution(machine, $$"""{ "s": {{i * 60}} }""", $"e{i}")).ToList();
        var results = await Task.WhenAll(arns.Select(a => harness.Engine.WaitForExecutionAsync(a).WaitAsync(Harness.RealTimeLimit)));

        Assert.All(results.Select((r, i) => (r, i)), x => Assert.Equal(TimeSpan.FromSeconds((x.i + 1) * 60), x.r.StopDate - x.r.StartDate));
    }
}
