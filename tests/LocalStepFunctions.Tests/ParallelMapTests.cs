using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Parallel and Map: output shape, concurrency, failure propagation, cancellation and tolerated failures.</summary>
public class ParallelMapTests
{
    private const string Fn = "arn:aws:lambda:us-east-1:123456789012:function:Item";

    private static string Map(
        string fields,
        string processor = $$"""{ "StartAt": "T", "States": { "T": { "Type": "Task", "Resource": "{{Fn}}", "End": true } } }""") =>
        Harness.Machine($$"""
            "S": { "Type": "Map", "End": true, "ItemProcessor": {{processor}} {{fields}} }
            """);

    [Fact]
    public async Task Parallel_WhenBranchesFinishInAnyOrder_ShouldOutputResultsInBranchOrder()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Parallel", "End": true, "Branches": [
                { "StartAt": "Slow",
                  "States": { "Slow": { "Type": "Wait", "Seconds": 100, "Next": "A" }, "A": { "Type": "Pass", "Result": "a", "End": true } } },
                { "StartAt": "Fast",
                  "States": { "Fast": { "Type": "Wait", "Seconds": 50, "Next": "B" }, "B": { "Type": "Pass", "Result": "b", "End": true } } },
                { "StartAt": "C", "States": { "C": { "Type": "Pass", "End": true } } } ] }
            """), """{ "in": 1 }""");

        Assert.True(Harness.JsonEquals("""["a","b",{"in":1}]""", result.Output), result.Output);
        Assert.Equal(TimeSpan.FromSeconds(100), result.StopDate - result.StartDate);
        Assert.Equal(
            [
                HistoryEventType.ParallelStateEntered, HistoryEventType.ParallelStateStarted, HistoryEventType.ParallelStateSucceeded,
                HistoryEventType.ParallelStateExited,
            ],
            harness.History.Where(e => e.Type.ToString().StartsWith("ParallelState", StringComparison.Ordinal)).Select(e => e.Type));
    }

    [Fact]
    public async Task Parallel_WhenOneBranchFails_ShouldFailWithThatErrorAndCancelTheSiblings()
    {
        var harness = new Harness();
        var siblingCancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            try
            {
                await harness.Clock.DelayAsync(TimeSpan.FromHours(2), ct);
                siblingCancelled.TrySetResult(false);
                return null;
            }
            catch (OperationCanceledException)
            {
                siblingCancelled.TrySetResult(true);
                throw;
            }
        });
        harness.Invoker.FailsThen("arn:aws:lambda:us-east-1:123456789012:function:Boom", ["RestoreFailed"], null);

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Parallel", "End": true, "Branches": [
                { "StartAt": "Waiting", "States": {
                    "Waiting": { "Type": "Wait", "Seconds": 3600, "Next": "Never" },
                    "Never": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Never", "End": true } } },
                { "StartAt": "Working", "States": { "Working": { "Type": "Task", "Resource": "{{Fn}}", "End": true } } },
                { "StartAt": "Later", "States": {
                    "Later": { "Type": "Wait", "Seconds": 10, "Next": "Failing" },
                    "Failing": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Boom", "End": true } } } ] }
            """));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal("RestoreFailed", result.Error);
        Assert.True(await siblingCancelled.Task.WaitAsync(Harness.RealTimeLimit));
        Assert.DoesNotContain(harness.Invoker.Calls, c => c.Invocation.Resource.EndsWith(":Never", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromSeconds(10), result.StopDate - result.StartDate);
        var types = harness.History.Select(e => e.Type).ToList();
        Assert.Contains(HistoryEventType.WaitStateAborted, types);
        Assert.Contains(HistoryEventType.TaskStateAborted, types);
        Assert.True(types.IndexOf(HistoryEventType.ParallelStateFailed) > types.IndexOf(HistoryEventType.WaitStateAborted));
    }

    [Fact]
    public async Task Map_WhenItemSelectorUsesMapContext_ShouldBuildEachIterationInputAndKeepOrder()
    {
        var harness = new Harness();
        harness.Invoker.On(
            Fn,
            (call, _) => Task.FromResult<JsonNode?>(
                JsonValue.Create($"{call.Parameters!["courier"]}:{call.Parameters["index"]}:{call.Parameters["parcel"]!["prod"]}")));

        var result = await harness.RunAsync(Harness.Machine($$"""
            "Validate-All": { "Type": "Map", "InputPath": "$.detail", "ItemsPath": "$.shipped", "MaxConcurrency": 0, "ResultPath": "$.detail.shipped",
              "ItemSelector": { "parcel.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index", "courier.$": "$.delivery-partner" },
              "ItemProcessor": { "StartAt": "Validate", "States": { "Validate": { "Type": "Task", "Resource": "{{Fn}}", "End": true } } },
              "End": true }
            """, startAt: "Validate-All"), """
            { "ship-date": "2016-03-14T01:59:00Z", "detail": { "delivery-partner": "UQS", "shipped": [
                { "prod": "R31", "dest-code": 9511, "quantity": 1344 }, { "prod": "S39", "dest-code": 9511, "quantity": 40 },
                { "prod": "R40", "dest-code": 9860, "quantity": 887 } ] } }
            """);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.True(
            Harness.JsonEquals("""["UQS:0:R31","UQS:1:S39","UQS:2:R40"]""", JsonNode.Parse(result.Output!)!["detail"]!["shipped"]!.ToJsonString()),
            result.Output);
    }

    [Fact]
    public async Task Map_WhenLegacyIteratorAndParametersAreUsed_ShouldBehaveLikeItemProcessorAndItemSelector()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Map", "End": true, "ItemsPath": "$.items", "Parameters": { "v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index" },
                   "Iterator": { "StartAt": "P", "States": { "P": { "Type": "Pass", "End": true } } } }
            """), """{ "items": ["x", "y"] }""");

        Assert.True(Harness.JsonEquals("""[{"v":"x","i":0},{"v":"y","i":1}]""", result.Output), result.Output);
    }

    [Theory]
    [InlineData(", \"MaxConcurrency\": 1", new[] { 0d, 10, 20, 30 })]
    [InlineData(", \"MaxConcurrency\": 2", new[] { 0d, 0, 10, 10 })]
    [InlineData(", \"MaxConcurrency\": 0", new[] { 0d, 0, 0, 0 })]
    [InlineData(", \"MaxConcurrencyPath\": \"$.limit\"", new[] { 0d, 10, 20, 30 })]
    public async Task Map_WhenMaxConcurrencyIsSet_ShouldStartAtMostThatManyIterationsAtOnce(string field, double[] expectedStartOffsets)
    {
        var harness = new Harness();
        harness.Invoker.On(Fn, async (_, ct) =>
        {
            await harness.Clock.DelayAsync(TimeSpan.FromSeconds(10), ct);
            return null;
        });

        var result = await harness.RunAsync(Map(", \"ItemsPath\": \"$.items\"" + field), """{ "items": [1, 2, 3, 4], "limit": 1 }""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        var starts = harness.Invoker.Calls.Select(c => (c.At - result.StartDate).TotalSeconds).Order().ToArray();
        Assert.Equal(expectedStartOffsets, starts);
    }

    [Fact]
    public async Task Map_WhenAnIterationFailsWithoutTolerance_ShouldFailWithTheIterationsErrorAndBeCatchable()
    {
        var harness = new Harness();
        harness.Invoker.On(Fn, (call, _) => call.Parameters!.GetValue<int>() == 2
            ? throw new TaskFailedException("ChecksumMismatchException", "item 2")
            : Task.FromResult<JsonNode?>(JsonValue.Create(1)));

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Map", "Next": "Done", "ItemProcessor": { "StartAt": "T", "States": { "T": { "Type": "Task", "Resource": "{{Fn}}", "End": true } } },
                   "Catch": [ { "ErrorEquals": ["ChecksumMismatchException"], "Next": "Handled" } ] },
            "Handled": { "Type": "Pass", "End": true },
            "Done": { "Type": "Succeed" }
            """), "[1, 2, 3]");

        Assert.True(Harness.JsonEquals("""{"Error":"ChecksumMismatchException","Cause":"item 2"}""", result.Output), result.Output);
        Assert.Contains(harness.History, e => e.Type == HistoryEventType.MapIterationFailed && e.Index == 1);
        Assert.Contains(harness.History, e => e.Type == HistoryEventType.MapStateFailed && e.Error == "ChecksumMismatchException");
    }

    [Theory]
    [InlineData(", \"ToleratedFailureCount\": 1", "[1, -1, 3, 4]", true)]
    [InlineData(", \"ToleratedFailureCount\": 1", "[1, -1, -3, 4]", false)]
    [InlineData(", \"ToleratedFailureCount\": 0", "[1, -1, 3, 4]", false)]
    [InlineData(", \"ToleratedFailurePercentage\": 50", "[1, -1, -3, 4]", true)]
    [InlineData(", \"ToleratedFailurePercentage\": 50", "[1, -1, -3, -4]", false)]
    [InlineData(", \"ToleratedFailureCountPath\": \"$.tolerate\"", "[1, -1, -3, 4]", true)]
    [InlineData(", \"ToleratedFailurePercentagePath\": \"$.percent\"", "[1, -1, 3, 4]", false)]
    public async Task Map_WhenFailureToleranceIsSet_ShouldFailOnlyWhenTheThresholdIsExceeded(string field, string items, bool succeeds)
    {
        var harness = new Harness();
        harness.Invoker.On(Fn, (call, _) => call.Parameters!.GetValue<int>() < 0
            ? throw new TaskFailedException("ItemFailed", $"item {call.Parameters}")
            : Task.FromResult<JsonNode?>(JsonValue.Create("ok")));

        var result = await harness.RunAsync(Map(", \"ItemsPath\": \"$.items\"" + field), $$"""{ "items": {{items}}, "tolerate": 2, "percent": 10 }""");

        Assert.Equal(succeeds ? ExecutionStatus.Succeeded : ExecutionStatus.Failed, result.Status);
        if (succeeds)
        {
            var output = JsonNode.Parse(result.Output!)!.AsArray();
            Assert.Equal("ok", output[0]!.GetValue<string>());
            Assert.Equal("ItemFailed", output[1]!["Error"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal(ErrorNames.ExceedToleratedFailureThreshold, result.Error);
        }
    }

    [Fact]
    public async Task Map_WhenItemsPathIsNotAnArray_ShouldFailWithStatesRuntime()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Map(", \"ItemsPath\": \"$.items\""), """{ "items": { "not": "array" } }""");

        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Contains("must be an array", result.Cause);
    }

    [Fact]
    public async Task Map_WhenItemsAreEmpty_ShouldOutputAnEmptyArrayAndRecordLengthZero()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Map(string.Empty), "[]");

        Assert.Equal("[]", result.Output);
        Assert.Contains(harness.History, e => e.Type == HistoryEventType.MapStateStarted && e.Length == 0);
    }

    [Fact]
    public async Task Map_WhenIterationsRun_ShouldRecordStartedAndSucceededEventsChainedToTheirIteration()
    {
        var harness = new Harness();

        await harness.RunAsync(Map(string.Empty), "[10, 20]");

        var history = harness.History;
        var started = history.Where(e => e.Type == HistoryEventType.MapIterationStarted).ToList();
        Assert.Equal([0, 1], started.Select(e => e.Index!.Value).Order());
        Assert.Equal(2, history.Count(e => e.Type == HistoryEventType.MapIterationSucceeded));
        var mapStarted = history.Single(e => e.Type == HistoryEventType.MapStateStarted);
        Assert.All(started, e => Assert.Equal(mapStarted.Id, e.PreviousEventId));
        Assert.Equal(2, mapStarted.Length);
    }

    [Fact]
    public async Task Map_WhenNestedInsideParallel_ShouldProduceNestedResults()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Parallel", "End": true, "Branches": [ { "StartAt": "M", "States": {
                "M": { "Type": "Map", "End": true, "ItemSelector": { "doubled.$": "States.MathAdd($$.Map.Item.Value, $$.Map.Item.Value)" },
                       "ItemProcessor": { "StartAt": "W", "States": {
                         "W": { "Type": "Wait", "Seconds": 5, "Next": "P" }, "P": { "Type": "Pass", "OutputPath": "$.doubled", "End": true } } } } } } ] }
            """), "[1, 2, 3]");

        Assert.True(Harness.JsonEquals("[[2,4,6]]", result.Output), result.Output);
        Assert.Equal(TimeSpan.FromSeconds(5), result.StopDate - result.StartDate);
    }

    [Fact]
    public async Task Map_WhenManyIterationsWaitConcurrently_ShouldFinishAtTheLongestWait()
    {
        var harness = new Harness();
        var seen = new ConcurrentBag<int>();
        harness.Invoker.On(Fn, async (call, ct) =>
        {
            var seconds = call.Parameters!.GetValue<int>();
            await harness.Clock.DelayAsync(TimeSpan.FromSeconds(seconds), ct);
            seen.Add(seconds);
            return JsonValue.Create(seconds);
        });

        var result = await harness.RunAsync(Map(string.Empty), "[300, 100, 200, 50]");

        Assert.Equal("[300,100,200,50]", result.Output);
        Assert.Equal(TimeSpan.FromSeconds(300), result.StopDate - result.StartDate);
        Assert.Equal(4, seen.Count);
    }
}
