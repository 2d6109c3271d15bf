using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Task and execution timeouts, all in virtual time.</summary>
public class TimeoutTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Slow";

    [Fact]
    public async Task Task_WhenItRunsLongerThanTimeoutSeconds_ShouldFailWithStatesTimeoutAndCancelTheInvoker()
    {
        var harness = new Harness();
        var cancelled = false;
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            try
            {
                await harness.Clock.DelayAsync(TimeSpan.FromHours(1), ct);
                return null;
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                throw;
            }
        });

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "TimeoutSeconds": 30, "End": true }
            """));

        Assert.Equal(ErrorNames.Timeout, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(30), result.StopDate - result.StartDate);
        var timedOut = Assert.Single(harness.History, e => e.Type == HistoryEventType.TaskTimedOut);
        Assert.Equal(result.StartDate.AddSeconds(30), timedOut.Timestamp);
        Assert.True(SpinWait.SpinUntil(() => cancelled, Harness.RealTimeLimit));
    }

    [Fact]
    public async Task Task_WhenTimeoutSecondsPathIsUsed_ShouldReadTheTimeoutFromTheInput()
    {
        var harness = new Harness();
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            await harness.Clock.DelayAsync(TimeSpan.FromHours(1), ct);
            return null;
        });

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "TimeoutSecondsPath": "$.timeout", "End": true }
            """), """{ "timeout": 45 }""");

        Assert.Equal(ErrorNames.Timeout, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(45), result.StopDate - result.StartDate);
        Assert.Equal(45, harness.History.Single(e => e.Type == HistoryEventType.TaskScheduled).TimeoutInSeconds);
    }

    [Fact]
    public async Task Task_WhenTimeoutSecondsPathIsNotAPositiveInteger_ShouldFailWithStatesRuntime()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "TimeoutSecondsPath": "$.timeout", "End": true }
            """), """{ "timeout": "soon" }""");

        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Empty(harness.Invoker.Calls);
    }

    [Fact]
    public async Task Task_WhenTimedOutAndRetriedOnTimeout_ShouldSucceedOnTheFasterAttempt()
    {
        var harness = new Harness();
        var attempt = 0;
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            var slow = Interlocked.Increment(ref attempt) == 1;
            await harness.Clock.DelayAsync(TimeSpan.FromSeconds(slow ? 600 : 5), ct);
            return System.Text.Json.Nodes.JsonValue.Create("done");
        });

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "TimeoutSeconds": 60, "End": true,
                   "Retry": [ { "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 10 } ] }
            """));

        Assert.Equal("\"done\"", result.Output);
        Assert.Equal(TimeSpan.FromSeconds(60 + 10 + 5), result.StopDate - result.StartDate);
    }

    [Fact]
    public async Task Execution_WhenItRunsLongerThanTimeoutSeconds_ShouldEndTimedOutWithStatesTimeout()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Wait", "Seconds": 3600, "Next": "After" },
            "After": { "Type": "Succeed" }
            """, extra: "\"TimeoutSeconds\": 60,"));

        Assert.Equal(ExecutionStatus.TimedOut, result.Status);
        Assert.Equal(ErrorNames.Timeout, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(60), result.StopDate - result.StartDate);
        Assert.Equal(HistoryEventType.ExecutionTimedOut, harness.History[^1].Type);
        Assert.DoesNotContain(harness.History, e => e.StateName == "After");
    }

    [Fact]
    public async Task Execution_WhenItFinishesBeforeTimeoutSeconds_ShouldSucceed()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Wait", "Seconds": 59, "End": true }
            """, extra: "\"TimeoutSeconds\": 60,"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(1, harness.Clock.PendingTimers == 0 ? 1 : 0);
    }

    [Fact]
    public async Task Task_WhenAwaitingRealWorkWithATimeout_ShouldNotLetTheVirtualClockSkipAhead()
    {
        // The invoker waits for something outside the clock (like real I/O): the engine must not time it out
        // by jumping the virtual clock, because the work could still finish.
        var harness = new Harness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            started.TrySetResult();
            await release.Task.WaitAsync(ct);
            return System.Text.Json.Nodes.JsonValue.Create("io done");
        });
        harness.Start(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "TimeoutSeconds": 30, "End": true }
            """));
        await started.Task.WaitAsync(Harness.RealTimeLimit);
        var before = harness.Clock.GetUtcNow();

        await Task.Delay(200);
        var stillRunning = harness.Engine.DescribeExecution(harness.LastExecutionArn!).Status;
        release.SetResult();
        var result = await harness.CompletionAsync();

        Assert.Equal(ExecutionStatus.Running, stillRunning);
        Assert.Equal(before, result.StopDate);
        Assert.Equal("\"io done\"", result.Output);
    }

    [Fact]
    public async Task Task_WhenRealWorkOutlastsTimeoutAfterManualAdvance_ShouldTimeOut()
    {
        var harness = new Harness();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        harness.Start(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "TimeoutSeconds": 30, "End": true }
            """));
        await started.Task.WaitAsync(Harness.RealTimeLimit);

        harness.Clock.Advance(TimeSpan.FromSeconds(31));
        var result = await harness.CompletionAsync();

        Assert.Equal(ErrorNames.Timeout, result.Error);
        Assert.Equal(TimeSpan.FromSeconds(30), harness.History.Single(e => e.Type == HistoryEventType.TaskTimedOut).Timestamp - result.StartDate);
    }
}
