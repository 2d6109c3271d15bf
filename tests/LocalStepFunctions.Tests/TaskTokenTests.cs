using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>.waitForTaskToken: the state pauses until SendTaskSuccess/Failure, honouring HeartbeatSeconds and TimeoutSeconds.</summary>
public class TaskTokenTests
{
    private const string Approval = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

    private static string ApprovalMachine(string extra = "") => Harness.Machine($$"""
        "S": { "Type": "Task", "Resource": "{{Approval}}", {{extra}}
               "Parameters": { "QueueUrl": "https://sqs/approvals", "MessageBody": { "token.$": "$$.Task.Token", "plan.$": "$.plan" } },
               "ResultPath": "$.approval", "Next": "Done",
               "Catch": [ { "ErrorEquals": ["Rejected"], "ResultPath": "$.rejection", "Next": "Rejected" },
                          { "ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "Expired" } ] },
        "Done": { "Type": "Succeed" },
        "Rejected": { "Type": "Succeed" },
        "Expired": { "Type": "Succeed" }
        """);

    private static Task<HistoryEvent> WaitForEvent(Harness harness, HistoryEventType type)
    {
        var seen = new TaskCompletionSource<HistoryEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Engine.HistoryEventRecorded += (_, e) =>
        {
            if (e.Event.Type == type)
            {
                seen.TrySetResult(e.Event);
            }
        };
        return seen.Task.WaitAsync(Harness.RealTimeLimit);
    }

    [Fact]
    public async Task SendTaskSuccess_WhenTokenIsAwaited_ShouldResumeWithTheOutput()
    {
        var harness = new Harness();
        harness.Start(ApprovalMachine(), """{ "plan": "failover-eu" }""");
        var token = await harness.Invoker.TokenDelivered.Task.WaitAsync(Harness.RealTimeLimit);

        harness.Engine.SendTaskSuccess(token, """{ "approvedBy": "oncall" }""");
        var result = await harness.CompletionAsync();

        Assert.True(Harness.JsonEquals("""{"plan":"failover-eu","approval":{"approvedBy":"oncall"}}""", result.Output), result.Output);
        var call = harness.Invoker.Calls.Single().Invocation;
        Assert.Equal(token, call.Parameters!["MessageBody"]!["token"]!.GetValue<string>());
        Assert.Equal("arn:aws:states:::sqs:sendMessage", call.BaseResource);
        var types = harness.History.Select(e => e.Type).ToList();
        Assert.True(types.IndexOf(HistoryEventType.TaskSubmitted) < types.IndexOf(HistoryEventType.TaskSucceeded));
    }

    [Fact]
    public async Task SendTaskFailure_WhenTokenIsAwaited_ShouldFailTheStateWithThatErrorForCatch()
    {
        var harness = new Harness();
        harness.Start(ApprovalMachine(), """{ "plan": "p" }""");
        var token = await harness.Invoker.TokenDelivered.Task.WaitAsync(Harness.RealTimeLimit);

        harness.Engine.SendTaskFailure(token, "Rejected", "not during business hours");
        var result = await harness.CompletionAsync();

        Assert.True(Harness.JsonEquals("""{"plan":"p","rejection":{"Error":"Rejected","Cause":"not during business hours"}}""", result.Output), result.Output);
        Assert.Contains(harness.History, e => e.Type == HistoryEventType.TaskFailed && e.Error == "Rejected");
    }

    [Fact]
    public async Task SendTaskSuccess_WhenAnsweredBeforeTheInvokerReturns_ShouldNotLoseTheAnswer()
    {
        var harness = new Harness();
        harness.Invoker.On(Approval, (call, _) =>
        {
            harness.Engine.SendTaskSuccess(call.TaskToken!, "\"instant\"");
            return Task.FromResult<JsonNode?>(JsonNode.Parse("""{"MessageId":"m-1"}"""));
        });

        var result = await harness.RunAsync(ApprovalMachine(), """{ "plan": "p" }""");

        Assert.Equal("instant", JsonNode.Parse(result.Output!)!["approval"]!.GetValue<string>());
        Assert.Equal("""{"MessageId":"m-1"}""", harness.History.Single(e => e.Type == HistoryEventType.TaskSubmitted).Output);
    }

    [Fact]
    public async Task Heartbeat_WhenNotSentWithinHeartbeatSeconds_ShouldTimeOutAndHeartbeatsShouldExtendTheDeadline()
    {
        var harness = new Harness();
        var submitted = WaitForEvent(harness, HistoryEventType.TaskSubmitted);
        harness.Start(ApprovalMachine("\"HeartbeatSeconds\": 60, \"TimeoutSeconds\": 600,"), """{ "plan": "p" }""");
        var token = await harness.Invoker.TokenDelivered.Task.WaitAsync(Harness.RealTimeLimit);
        await submitted;

        harness.Clock.Advance(TimeSpan.FromSeconds(50));
        harness.Engine.SendTaskHeartbeat(token);
        harness.Clock.Advance(TimeSpan.FromSeconds(50));
        var afterHeartbeat = harness.Engine.DescribeExecution(harness.LastExecutionArn!).Status;
        harness.Clock.Advance(TimeSpan.FromSeconds(15));
        var result = await harness.CompletionAsync();

        Assert.Equal(ExecutionStatus.Running, afterHeartbeat);
        var timedOut = harness.History.Single(e => e.Type == HistoryEventType.TaskTimedOut);
        Assert.Equal(ErrorNames.HeartbeatTimeout, timedOut.Error);
        Assert.Equal(TimeSpan.FromSeconds(110), timedOut.Timestamp - result.StartDate);
        Assert.Contains("States.HeartbeatTimeout", result.Output);
        Assert.Throws<StepFunctionsApiException>(() => harness.Engine.SendTaskSuccess(token, "{}"));
    }

    [Fact]
    public async Task TokenWait_WhenNobodyAnswers_ShouldKeepTheVirtualClockStillByDefault()
    {
        var harness = new Harness();
        var submitted = WaitForEvent(harness, HistoryEventType.TaskSubmitted);
        harness.Start(ApprovalMachine("\"TimeoutSeconds\": 300,"), """{ "plan": "p" }""");
        var token = await harness.Invoker.TokenDelivered.Task.WaitAsync(Harness.RealTimeLimit);
        await submitted;
        var before = harness.Clock.GetUtcNow();

        await Task.Delay(200);
        var clockDuringWait = harness.Clock.GetUtcNow();
        harness.Engine.SendTaskSuccess(token, "true");
        var result = await harness.CompletionAsync();

        Assert.Equal(before, clockDuringWait);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
    }

    [Fact]
    public async Task TokenWait_WhenConfiguredToAdvanceTheClock_ShouldTimeOutAtTimeoutSecondsWithoutAnAnswer()
    {
        var harness = new Harness(new StateMachineEngineOptions { AdvanceVirtualClockDuringTaskTokenWaits = true });

        var result = await harness.RunAsync(ApprovalMachine("\"TimeoutSeconds\": 300,"), """{ "plan": "p" }""");

        Assert.Equal(ErrorNames.Timeout, JsonNode.Parse(result.Output!)!["timeout"]!["Error"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(300), result.StopDate - result.StartDate);
    }

    [Fact]
    public void SendTaskSuccess_WhenTokenIsUnknown_ShouldThrowInvalidToken()
    {
        var harness = new Harness();

        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.SendTaskSuccess("AQBnot-a-token", "{}"));

        Assert.Equal("InvalidToken", error.ErrorCode);
    }

    [Fact]
    public async Task SendTaskSuccess_WhenTokenWasAlreadyAnswered_ShouldThrowTaskTimedOut()
    {
        var harness = new Harness();
        harness.Start(ApprovalMachine(), """{ "plan": "p" }""");
        var token = await harness.Invoker.TokenDelivered.Task.WaitAsync(Harness.RealTimeLimit);
        harness.Engine.SendTaskSuccess(token, "1");
        await harness.CompletionAsync();

        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.SendTaskFailure(token, "Late", "too late"));

        Assert.Equal("TaskTimedOut", error.ErrorCode);
    }

    [Fact]
    public async Task SendTaskSuccess_WhenOutputIsNotJson_ShouldThrowInvalidOutput()
    {
        var harness = new Harness();
        harness.Start(ApprovalMachine(), """{ "plan": "p" }""");
        var token = await harness.Invoker.TokenDelivered.Task.WaitAsync(Harness.RealTimeLimit);

        var error = Assert.Throws<StepFunctionsApiException>(() => harness.Engine.SendTaskSuccess(token, "{ nope"));
        harness.Engine.StopExecution(harness.LastExecutionArn!);

        Assert.Equal("InvalidOutput", error.ErrorCode);
    }
}
