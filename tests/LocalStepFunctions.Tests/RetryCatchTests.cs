using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Retry and Catch, including the spec's examples, with back-off intervals measured on the virtual clock.</summary>
public class RetryCatchTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Work";

    /// <summary>A Task with Retry/Catch; an unused first catcher keeps "Other" reachable so the definition validates.</summary>
    private static string TaskMachine(string retry, string @catch = "[]", string next = "\"Next\": \"Recovered\"") => Harness.Machine($$"""
        "S": { "Type": "Task", "Resource": "{{Fn}}", {{next}}, "Retry": {{retry}},
               "Catch": [ { "ErrorEquals": ["Unused.NeverThrown"], "Next": "Other" }
                          {{(@catch == "[]" ? "" : ", " + @catch.Trim().TrimStart('[').TrimEnd(']'))}} ] },
        "Recovered": { "Type": "Pass", "End": true },
        "Other": { "Type": "Pass", "Result": "other", "End": true }
        """);

    private static double[] CallOffsets(Harness harness)
    {
        var calls = harness.Invoker.Calls.Select(c => c.At).ToList();
        return calls.Select(at => (at - calls[0]).TotalSeconds).ToArray();
    }

    [Fact]
    public async Task Retry_WhenErrorIsTransient_ShouldRetryThenSucceedAfterBackoff()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["Transient", "Transient"], """{"ok":true}""");

        var result = await harness.RunAsync(TaskMachine("""[ { "ErrorEquals": ["Transient"], "IntervalSeconds": 3, "BackoffRate": 1.5 } ]"""));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal([0, 3, 7.5], CallOffsets(harness));
        Assert.Equal([0, 1, 2], harness.Invoker.Calls.Select(c => c.Invocation.RetryCount));
    }

    [Fact]
    public async Task Retry_WhenUsingTheSpecExample_ShouldWait3Then4Point5Then6Point75Then10Point125Seconds()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["States.Timeout"], null);

        var result = await harness.RunAsync(TaskMachine(
            """[ { "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 3, "MaxAttempts": 4, "BackoffRate": 1.5 } ]"""));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal([0, 3, 7.5, 14.25, 24.375], CallOffsets(harness));
    }

    [Fact]
    public async Task Retry_WhenFieldsAreOmitted_ShouldUseIntervalOneBackoffTwoAndThreeAttempts()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E"], null);

        await harness.RunAsync(TaskMachine("""[ { "ErrorEquals": ["E"] } ]"""));

        Assert.Equal([0, 1, 3, 7], CallOffsets(harness));
    }

    [Fact]
    public async Task Retry_WhenMaxDelaySecondsIsSet_ShouldCapEachInterval()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E"], null);

        await harness.RunAsync(TaskMachine(
            """[ { "ErrorEquals": ["E"], "IntervalSeconds": 10, "BackoffRate": 3, "MaxAttempts": 3, "MaxDelaySeconds": 20 } ]"""));

        Assert.Equal([0, 10, 30, 50], CallOffsets(harness));
    }

    [Fact]
    public async Task Retry_WhenJitterStrategyIsFull_ShouldWaitRandomlyUpToTheComputedInterval()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E"], null);

        await harness.RunAsync(TaskMachine(
            """[ { "ErrorEquals": ["E"], "IntervalSeconds": 100, "BackoffRate": 1, "MaxAttempts": 5, "JitterStrategy": "FULL" } ]"""));

        var offsets = CallOffsets(harness);
        var waits = offsets.Zip(offsets.Skip(1), (a, b) => b - a).ToArray();
        Assert.Equal(5, waits.Length);
        Assert.All(waits, w => Assert.InRange(w, 0, 100));
        Assert.Contains(waits, w => w < 100);
    }

    [Fact]
    public async Task Retry_WhenMaxAttemptsIsZero_ShouldNotRetryAndFallThroughToCatch()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E"], """{"ok":true}""");

        var result = await harness.RunAsync(TaskMachine(
            """[ { "ErrorEquals": ["E"], "MaxAttempts": 0 } ]""",
            """[ { "ErrorEquals": ["E"], "Next": "Recovered" } ]"""));

        Assert.Single(harness.Invoker.Calls);
        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.True(Harness.JsonEquals("""{"Error":"E","Cause":"attempt 0 failed"}""", result.Output), result.Output);
    }

    [Fact]
    public async Task Retry_WhenFirstMatchingRetrierIsExhausted_ShouldNotConsultLaterRetriers()
    {
        // The AWS doc example "retry any error except States.Timeout".
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["States.Timeout"], """{"ok":true}""");

        var result = await harness.RunAsync(TaskMachine("""[ { "ErrorEquals": ["States.Timeout"], "MaxAttempts": 0 }, { "ErrorEquals": ["States.ALL"] } ]"""));

        Assert.Single(harness.Invoker.Calls);
        Assert.Equal(ErrorNames.Timeout, result.Error);
    }

    [Fact]
    public async Task Retry_WhenErrorIsNotSpecific_ShouldBeHandledByTheStatesAllRetrier()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["Other"], null);

        var result = await harness.RunAsync(TaskMachine(
            """[ { "ErrorEquals": ["Specific"], "MaxAttempts": 5 }, { "ErrorEquals": ["States.ALL"], "MaxAttempts": 2, "IntervalSeconds": 2 } ]"""));

        Assert.Equal([0, 2, 6], CallOffsets(harness));
        Assert.Equal("Other", result.Error);
    }

    [Fact]
    public async Task Retry_WhenRunningTheSpecComplexScenario_ShouldCountAttemptsPerRetrierThenCatch()
    {
        // Errors A, B, C, B: waits of 1 and 2 s (first retrier), 5 s (second), then the first retrier is exhausted → Catch.
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["ErrorA", "ErrorB", "ErrorC", "ErrorB"], """{"never":true}""");

        var result = await harness.RunAsync(Harness.Machine($$"""
            "X": { "Type": "Task", "Resource": "{{Fn}}", "Next": "Y",
                   "Retry": [ { "ErrorEquals": ["ErrorA", "ErrorB"], "IntervalSeconds": 1, "BackoffRate": 2.0, "MaxAttempts": 2 },
                              { "ErrorEquals": ["ErrorC"], "IntervalSeconds": 5 } ],
                   "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Z" } ] },
            "Y": { "Type": "Succeed" },
            "Z": { "Type": "Pass", "Result": "caught", "End": true }
            """, startAt: "X"));

        Assert.Equal([0, 1, 3, 8], CallOffsets(harness));
        Assert.Equal("\"caught\"", result.Output);
    }

    [Fact]
    public async Task Catch_WhenRetriesAreExhausted_ShouldPlaceErrorOutputAtResultPathAndKeepInput()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["java.lang.Exception"], null);

        var result = await harness.RunAsync(TaskMachine(
            """[ { "ErrorEquals": ["java.lang.Exception"], "MaxAttempts": 1 } ]""",
            """[ { "ErrorEquals": ["java.lang.Exception"], "ResultPath": "$.error-info", "Next": "Recovered" }, """ +
                """{ "ErrorEquals": ["States.ALL"], "Next": "Other" } ]"""),
            """{ "order": 7 }""");

        Assert.Equal(2, harness.Invoker.Calls.Count);
        Assert.True(
            Harness.JsonEquals("""{"order":7,"error-info":{"Error":"java.lang.Exception","Cause":"attempt 1 failed"}}""", result.Output),
            result.Output);
        Assert.Contains(harness.History, e => e.Type == HistoryEventType.PassStateEntered && e.StateName == "Recovered");
    }

    [Fact]
    public async Task Catch_WhenCatcherResultPathIsNull_ShouldPassTheOriginalInput()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E"], null);

        var result = await harness.RunAsync(
            TaskMachine("[]", """[ { "ErrorEquals": ["E"], "ResultPath": null, "Next": "Recovered" } ]"""),
            """{ "keep": 1 }""");

        Assert.True(Harness.JsonEquals("""{"keep":1}""", result.Output), result.Output);
    }

    [Fact]
    public async Task Catch_WhenSeveralCatchersMatch_ShouldUseTheFirstInOrder()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E"], null);

        var result = await harness.RunAsync(TaskMachine("[]",
            """[ { "ErrorEquals": ["States.TaskFailed"], "Next": "Other" }, { "ErrorEquals": ["E"], "Next": "Recovered" } ]"""));

        Assert.Equal("\"other\"", result.Output);
    }

    [Theory]
    [InlineData("MyError", "\"States.TaskFailed\"", true)]
    [InlineData("States.Permissions", "\"States.TaskFailed\"", true)]
    [InlineData("MyError", "\"States.ALL\"", true)]
    [InlineData("MyError", "\"OtherError\"", false)]
    [InlineData("MyError", "\"myerror\"", false)]
    public async Task Catch_WhenMatchingErrorNames_ShouldApplyWildcardAndCaseSensitiveRules(string error, string errorEquals, bool caught)
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, [error], null);

        var result = await harness.RunAsync(TaskMachine("[]", $$"""[ { "ErrorEquals": [{{errorEquals}}], "Next": "Recovered" } ]"""));

        Assert.Equal(caught ? ExecutionStatus.Succeeded : ExecutionStatus.Failed, result.Status);
    }

    [Fact]
    public async Task Catch_WhenTaskTimesOut_ShouldNotMatchStatesTaskFailedButMatchStatesTimeout()
    {
        var harness = new Harness();
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            await harness.Clock.DelayAsync(TimeSpan.FromHours(1), ct);
            return null;
        });

        var result = await harness.RunAsync(TaskMachine("[]",
            """[ { "ErrorEquals": ["States.TaskFailed"], "Next": "Other" }, { "ErrorEquals": ["States.Timeout"], "Next": "Recovered" } ]""",
            "\"End\": true, \"TimeoutSeconds\": 5"));

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.True(
            Harness.JsonEquals("""{"Error":"States.Timeout","Cause":"The task did not complete within TimeoutSeconds"}""", result.Output),
            result.Output);
    }

    [Fact]
    public async Task Catch_WhenInvokerThrowsAnUnexpectedException_ShouldReportStatesTaskFailedWithTheMessage()
    {
        var harness = new Harness();
        harness.Invoker.On(Fn, (_, _) => throw new InvalidOperationException("disk on fire"));

        var result = await harness.RunAsync(TaskMachine("[]"));

        Assert.Equal(ErrorNames.TaskFailed, result.Error);
        Assert.Contains("disk on fire", result.Cause);
        Assert.Contains(harness.History, e => e.Type == HistoryEventType.TaskFailed && e.Error == ErrorNames.TaskFailed);
    }

    [Fact]
    public async Task Retry_WhenParallelBranchFails_ShouldRerunTheWholeParallelState()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["Flaky"], """{"ok":1}""");

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Parallel", "End": true, "Retry": [ { "ErrorEquals": ["Flaky"], "IntervalSeconds": 4 } ],
                   "Branches": [ { "StartAt": "T", "States": { "T": { "Type": "Task", "Resource": "{{Fn}}", "End": true } } },
                                 { "StartAt": "P", "States": { "P": { "Type": "Pass", "Result": 2, "End": true } } } ] }
            """));

        Assert.True(Harness.JsonEquals("""[{"ok":1},2]""", result.Output), result.Output);
        Assert.Equal([0, 4], CallOffsets(harness));
        Assert.Equal(2, harness.History.Count(e => e.Type == HistoryEventType.ParallelStateStarted));
    }

    [Fact]
    public async Task Catch_WhenBranchReachesAFailState_ShouldCatchTheFailStatesErrorOnTheParallel()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Parallel", "Next": "Done",
                   "Catch": [ { "ErrorEquals": ["BackupNotFoundException"], "ResultPath": "$.failure", "Next": "Done" } ],
                   "Branches": [ { "StartAt": "F", "States": { "F": { "Type": "Fail", "Error": "BackupNotFoundException", "Cause": "no snapshot" } } } ] },
            "Done": { "Type": "Succeed" }
            """), """{ "db": "orders" }""");

        Assert.True(
            Harness.JsonEquals("""{"db":"orders","failure":{"Error":"BackupNotFoundException","Cause":"no snapshot"}}""", result.Output),
            result.Output);
    }

    [Fact]
    public async Task Retry_WhenErrorIsStatesRuntime_ShouldNeitherRetryNorCatch()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "InputPath": "$.missing", "End": true,
                   "Retry": [ { "ErrorEquals": ["States.ALL"] } ], "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "R" } ] },
            "R": { "Type": "Succeed" }
            """));

        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Empty(harness.Invoker.Calls);
        Assert.Equal(TimeSpan.Zero, result.StopDate - result.StartDate);
    }

    [Fact]
    public async Task Retry_WhenStateRetries_ShouldExposeTheRetryCountInTheContextObject()
    {
        var harness = new Harness();
        harness.Invoker.FailsThen(Fn, ["E", "E"], "{}");

        await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Fn}}", "Parameters": { "retry.$": "$$.State.RetryCount" }, "End": true,
                   "Retry": [ { "ErrorEquals": ["E"] } ] }
            """));

        Assert.Equal([0, 1, 2], harness.Invoker.Calls.Select(c => c.Invocation.Parameters!["retry"]!.GetValue<int>()));
    }
}
