using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Wait in its four forms and Fail with static and dynamic Error/Cause.</summary>
public class WaitAndFailStateTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("\"Seconds\": 3600", 3600)]
    [InlineData("\"Seconds\": 0", 0)]
    [InlineData("\"SecondsPath\": \"$.delay\"", 90)]
    [InlineData("\"Timestamp\": \"2025-01-01T02:00:00Z\"", 7200)]
    [InlineData("\"Timestamp\": \"2025-01-01T03:00:00+02:00\"", 3600)]
    [InlineData("\"Timestamp\": \"2024-12-31T00:00:00Z\"", 0)]
    [InlineData("\"TimestampPath\": \"$.until\"", 1800)]
    public async Task Wait_WhenGivenADurationOrTimestamp_ShouldWaitThatLongInVirtualTime(string field, int expectedSeconds)
    {
        var harness = new Harness(start: Start);

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Wait", {{field}}, "End": true }
            """), """{ "delay": 90, "until": "2025-01-01T00:30:00Z" }""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), result.StopDate - result.StartDate);
        Assert.True(Harness.JsonEquals("""{ "delay": 90, "until": "2025-01-01T00:30:00Z" }""", result.Output));
    }

    [Theory]
    [InlineData("\"SecondsPath\": \"$.text\"", "SecondsPath")]
    [InlineData("\"SecondsPath\": \"$.negative\"", "SecondsPath")]
    [InlineData("\"SecondsPath\": \"$.fraction\"", "SecondsPath")]
    [InlineData("\"SecondsPath\": \"$.missing\"", "$.missing")]
    [InlineData("\"TimestampPath\": \"$.text\"", "TimestampPath")]
    [InlineData("\"TimestampPath\": \"$.sloppy\"", "TimestampPath")]
    public async Task Wait_WhenPathValueIsUnusable_ShouldFailWithStatesRuntime(string field, string causeFragment)
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Wait", {{field}}, "End": true }
            """), """{ "text": "ten", "negative": -5, "fraction": 1.5, "sloppy": "2025-01-01 00:00:00" }""");

        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Contains(causeFragment, result.Cause);
    }

    [Fact]
    public async Task Wait_WhenInputAndOutputPathAreSet_ShouldPassTheFilteredInputThrough()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Wait", "InputPath": "$.inner", "SecondsPath": "$.s", "OutputPath": "$.keep", "End": true }
            """), """{ "inner": { "s": 5, "keep": [1] } }""");

        Assert.Equal("[1]", result.Output);
    }

    [Fact]
    public async Task Fail_WhenErrorAndCauseAreStatic_ShouldFailTheExecutionWithThem()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Fail", "Error": "ErrorA", "Cause": "Kaiju attack" }
            """));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(("ErrorA", "Kaiju attack"), (result.Error, result.Cause));
        Assert.Equal(
            [HistoryEventType.ExecutionStarted, HistoryEventType.FailStateEntered, HistoryEventType.ExecutionFailed],
            harness.History.Select(e => e.Type));
    }

    [Fact]
    public async Task Fail_WhenErrorPathAndCausePathAreUsed_ShouldReadThemFromTheInputOrAnIntrinsic()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Fail", "ErrorPath": "$.error", "CausePath": "States.Format('Restore of {} failed', $.db)" }
            """), """{ "error": "RestoreFailed", "db": "orders" }""");

        Assert.Equal(("RestoreFailed", "Restore of orders failed"), (result.Error, result.Cause));
    }

    [Fact]
    public async Task Fail_WhenErrorPathIsNotAString_ShouldFailWithStatesRuntime()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Fail", "ErrorPath": "$.error" }
            """), """{ "error": 42 }""");

        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Contains("ErrorPath", result.Cause);
    }

    [Fact]
    public async Task Succeed_WhenReached_ShouldEndWithItsFilteredInput()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b" }
            """), """{ "a": { "b": "done" } }""");

        Assert.Equal("\"done\"", result.Output);
        Assert.Equal(HistoryEventType.SucceedStateExited, harness.History[^2].Type);
    }
}
