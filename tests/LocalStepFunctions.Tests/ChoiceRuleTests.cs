using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Every comparison operator (and its Path variant), the type tests, And/Or/Not and the spec's Choice example.</summary>
public class ChoiceRuleTests
{
    private static async Task<ExecutionDescription> RunRuleAsync(string rule, string input)
    {
        var harness = new Harness();
        return await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Choice", "Choices": [ { {{rule}}, "Next": "Yes" } ], "Default": "No" },
            "Yes": { "Type": "Pass", "Result": "yes", "End": true },
            "No": { "Type": "Pass", "Result": "no", "End": true }
            """), input);
    }

    [Theory]
    [InlineData("\"StringEquals\": \"abc\"", "\"abc\"", true)]
    [InlineData("\"StringEquals\": \"abc\"", "\"abd\"", false)]
    [InlineData("\"StringEquals\": \"5\"", "5", false)]
    [InlineData("\"StringLessThan\": \"abd\"", "\"abc\"", true)]
    [InlineData("\"StringLessThan\": \"abc\"", "\"abc\"", false)]
    [InlineData("\"StringLessThan\": \"a\"", "\"B\"", true)]
    [InlineData("\"StringGreaterThan\": \"MyStringABC\"", "\"MyStringABD\"", true)]
    [InlineData("\"StringGreaterThan\": \"b\"", "\"b\"", false)]
    [InlineData("\"StringLessThanEquals\": \"abc\"", "\"abc\"", true)]
    [InlineData("\"StringLessThanEquals\": \"abc\"", "\"abd\"", false)]
    [InlineData("\"StringGreaterThanEquals\": \"abc\"", "\"abc\"", true)]
    [InlineData("\"StringGreaterThanEquals\": \"abd\"", "\"abc\"", false)]
    [InlineData("\"StringMatches\": \"log-*.txt\"", "\"log-2024-01.txt\"", true)]
    [InlineData("\"StringMatches\": \"log-*.txt\"", "\"log-.txt\"", true)]
    [InlineData("\"StringMatches\": \"log-*.txt\"", "\"log.txt\"", false)]
    [InlineData("\"StringMatches\": \"*\"", "\"\"", true)]
    [InlineData("\"StringMatches\": \"a*b*c\"", "\"aXbYbZc\"", true)]
    [InlineData("\"StringMatches\": \"a\\\\*b\"", "\"a*b\"", true)]
    [InlineData("\"StringMatches\": \"a\\\\*b\"", "\"aXb\"", false)]
    [InlineData("\"StringMatches\": \"a\\\\\\\\b\"", "\"a\\\\b\"", true)]
    [InlineData("\"StringMatches\": \"exact\"", "\"exactly\"", false)]
    [InlineData("\"NumericEquals\": 1", "1.0", true)]
    [InlineData("\"NumericEquals\": 1", "2", false)]
    [InlineData("\"NumericEquals\": 1", "\"1\"", false)]
    [InlineData("\"NumericLessThan\": 30", "22", true)]
    [InlineData("\"NumericLessThan\": 30", "30", false)]
    [InlineData("\"NumericGreaterThan\": 0.5", "0.51", true)]
    [InlineData("\"NumericGreaterThan\": 0.5", "0.5", false)]
    [InlineData("\"NumericLessThanEquals\": 30", "30", true)]
    [InlineData("\"NumericLessThanEquals\": -1", "0", false)]
    [InlineData("\"NumericGreaterThanEquals\": 20", "20", true)]
    [InlineData("\"NumericGreaterThanEquals\": 20", "19.99", false)]
    [InlineData("\"BooleanEquals\": true", "true", true)]
    [InlineData("\"BooleanEquals\": false", "true", false)]
    [InlineData("\"BooleanEquals\": true", "\"true\"", false)]
    [InlineData("\"TimestampEquals\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01T12:00:00Z\"", true)]
    [InlineData("\"TimestampEquals\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01T13:00:00+01:00\"", true)]
    [InlineData("\"TimestampEquals\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01 12:00:00\"", false)]
    [InlineData("\"TimestampLessThan\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01T11:59:59.999Z\"", true)]
    [InlineData("\"TimestampLessThan\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01T12:00:00Z\"", false)]
    [InlineData("\"TimestampGreaterThan\": \"2001-01-01T12:00:00Z\"", "\"2001-01-02T00:00:00Z\"", true)]
    [InlineData("\"TimestampGreaterThan\": \"2001-01-01T12:00:00Z\"", "\"2000-12-31T00:00:00Z\"", false)]
    [InlineData("\"TimestampLessThanEquals\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01T12:00:00Z\"", true)]
    [InlineData("\"TimestampGreaterThanEquals\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01T12:00:00Z\"", true)]
    [InlineData("\"TimestampGreaterThanEquals\": \"2001-01-01T12:00:00Z\"", "\"2001-01-01t11:00:00z\"", false)]
    [InlineData("\"IsNull\": true", "null", true)]
    [InlineData("\"IsNull\": true", "0", false)]
    [InlineData("\"IsNull\": false", "0", true)]
    [InlineData("\"IsNumeric\": true", "3.5", true)]
    [InlineData("\"IsNumeric\": true", "\"3.5\"", false)]
    [InlineData("\"IsString\": true", "\"x\"", true)]
    [InlineData("\"IsString\": false", "1", true)]
    [InlineData("\"IsBoolean\": true", "false", true)]
    [InlineData("\"IsBoolean\": true", "\"false\"", false)]
    [InlineData("\"IsTimestamp\": true", "\"2016-03-14T01:59:00Z\"", true)]
    [InlineData("\"IsTimestamp\": true", "\"2016-03-14\"", false)]
    [InlineData("\"IsPresent\": true", "1", true)]
    public async Task Evaluate_WhenComparingVariableWithLiteral_ShouldMatchPerOperatorSemantics(string comparison, string value, bool matches)
    {
        var result = await RunRuleAsync($"\"Variable\": \"$.v\", {comparison}", $$"""{ "v": {{value}} }""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(matches ? "\"yes\"" : "\"no\"", result.Output);
    }

    [Theory]
    [InlineData("\"StringEqualsPath\": \"$.other\"", "\"a\"", "\"a\"", true)]
    [InlineData("\"StringLessThanPath\": \"$.other\"", "\"a\"", "\"b\"", true)]
    [InlineData("\"StringGreaterThanPath\": \"$.other\"", "\"a\"", "\"b\"", false)]
    [InlineData("\"StringLessThanEqualsPath\": \"$.other\"", "\"b\"", "\"b\"", true)]
    [InlineData("\"StringGreaterThanEqualsPath\": \"$.other\"", "\"a\"", "\"b\"", false)]
    [InlineData("\"NumericEqualsPath\": \"$.other\"", "3", "3", true)]
    [InlineData("\"NumericLessThanPath\": \"$.other\"", "1", "2", true)]
    [InlineData("\"NumericGreaterThanPath\": \"$.other\"", "1", "2", false)]
    [InlineData("\"NumericLessThanEqualsPath\": \"$.other\"", "2", "2", true)]
    [InlineData("\"NumericGreaterThanEqualsPath\": \"$.other\"", "1", "2", false)]
    [InlineData("\"NumericEqualsPath\": \"$.other\"", "3", "\"3\"", false)]
    [InlineData("\"BooleanEqualsPath\": \"$.other\"", "true", "true", true)]
    [InlineData("\"TimestampEqualsPath\": \"$.other\"", "\"2020-01-01T00:00:00Z\"", "\"2020-01-01T00:00:00Z\"", true)]
    [InlineData("\"TimestampLessThanPath\": \"$.other\"", "\"2020-01-01T00:00:00Z\"", "\"2020-01-02T00:00:00Z\"", true)]
    [InlineData("\"TimestampGreaterThanPath\": \"$.other\"", "\"2020-01-01T00:00:00Z\"", "\"2020-01-02T00:00:00Z\"", false)]
    [InlineData("\"TimestampLessThanEqualsPath\": \"$.other\"", "\"2020-01-02T00:00:00Z\"", "\"2020-01-02T00:00:00Z\"", true)]
    [InlineData("\"TimestampGreaterThanEqualsPath\": \"$.other\"", "\"2020-01-01T00:00:00Z\"", "\"2020-01-02T00:00:00Z\"", false)]
    public async Task Evaluate_WhenComparingVariableWithAnotherPath_ShouldCompareBothInputValues(string comparison, string value, string other, bool matches)
    {
        var result = await RunRuleAsync($"\"Variable\": \"$.v\", {comparison}", $$"""{ "v": {{value}}, "other": {{other}} }""");

        Assert.Equal(matches ? "\"yes\"" : "\"no\"", result.Output);
    }

    [Theory]
    [InlineData("\"Variable\": \"$.missing\", \"IsPresent\": true", false)]
    [InlineData("\"Variable\": \"$.missing\", \"IsPresent\": false", true)]
    [InlineData("\"And\": [ { \"Variable\": \"$.missing\", \"IsPresent\": true }, { \"Variable\": \"$.missing\", \"StringEquals\": \"x\" } ]", false)]
    [InlineData("\"Or\": [ { \"Variable\": \"$.v\", \"NumericEquals\": 1 }, { \"Variable\": \"$.v\", \"NumericEquals\": 2 } ]", true)]
    [InlineData("\"Or\": [ { \"Variable\": \"$.v\", \"NumericEquals\": 3 }, { \"Variable\": \"$.v\", \"NumericEquals\": 4 } ]", false)]
    [InlineData("\"Not\": { \"Variable\": \"$.v\", \"NumericEquals\": 2 }", false)]
    [InlineData("\"Not\": { \"Not\": { \"Variable\": \"$.v\", \"NumericEquals\": 2 } }", true)]
    [InlineData("\"Variable\": \"$$.Execution.Name\", \"StringEquals\": \"run-1\"", true)]
    public async Task Evaluate_WhenRuleCombinesConditions_ShouldApplyBooleanLogicAndShortCircuitIsPresent(string rule, bool matches)
    {
        var result = await RunRuleAsync(rule, """{ "v": 2 }""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Equal(matches ? "\"yes\"" : "\"no\"", result.Output);
    }

    [Theory]
    [InlineData("""{ "type": "Private", "value": 22 }""", "ValueInTwenties")]
    [InlineData("""{ "type": "Public", "value": 22 }""", "Public")]
    [InlineData("""{ "type": "Private", "value": 0 }""", "ValueIsZero")]
    [InlineData("""{ "type": "Private", "value": 35 }""", "DefaultState")]
    public async Task Evaluate_WhenRunningTheDocumentedChoiceExample_ShouldTransitionToTheDocumentedState(string input, string expectedState)
    {
        var harness = new Harness();

        await harness.RunAsync(Harness.Machine("""
            "ChoiceStateX": { "Type": "Choice", "Choices": [
                { "Not": { "Variable": "$.type", "StringEquals": "Private" }, "Next": "Public" },
                { "Variable": "$.value", "NumericEquals": 0, "Next": "ValueIsZero" },
                { "And": [ { "Variable": "$.value", "NumericGreaterThanEquals": 20 }, { "Variable": "$.value", "NumericLessThan": 30 } ],
                  "Next": "ValueInTwenties" } ],
              "Default": "DefaultState" },
            "Public": { "Type": "Succeed" }, "ValueIsZero": { "Type": "Succeed" }, "ValueInTwenties": { "Type": "Succeed" },
            "DefaultState": { "Type": "Fail", "Cause": "No Matches!" }
            """, startAt: "ChoiceStateX"), input);

        var entered = harness.History
            .Where(e => e.StateName is not null && e.Type.ToString().EndsWith("Entered", StringComparison.Ordinal))
            .Select(e => e.StateName)
            .ToList();
        Assert.Equal(["ChoiceStateX", expectedState], entered);
    }

    [Theory]
    [InlineData(
        "\"Variable\": \"$.missing\", \"StringEquals\": \"x\"",
        "Invalid path '$.missing': The choice state's condition path references an invalid value.")]
    [InlineData("\"Variable\": \"$.missing\", \"IsNull\": true", "Invalid path '$.missing'")]
    [InlineData("\"Variable\": \"$.v\", \"NumericEqualsPath\": \"$.missing\"", "Invalid path '$.missing'")]
    public async Task Evaluate_WhenAPathInTheRuleDoesNotExist_ShouldFailWithStatesRuntime(string rule, string causeFragment)
    {
        var result = await RunRuleAsync(rule, """{ "v": 2 }""");

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Contains(causeFragment, result.Cause);
    }

    [Fact]
    public async Task Evaluate_WhenNoRuleMatchesAndNoDefault_ShouldFailWithNoChoiceMatched()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Choice", "Choices": [ { "Variable": "$.v", "NumericEquals": 1, "Next": "Done" } ] },
            "Done": { "Type": "Succeed" }
            """), """{ "v": 2 }""");

        Assert.Equal(ErrorNames.NoChoiceMatched, result.Error);
        Assert.Contains("'S'", result.Cause);
    }

    [Fact]
    public async Task Evaluate_WhenNoChoiceMatchedInsideParallel_ShouldBeCatchableByTheParallelState()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Parallel", "Next": "Done",
                   "Catch": [ { "ErrorEquals": ["States.NoChoiceMatched"], "ResultPath": "$.error", "Next": "Handled" } ],
                   "Branches": [ { "StartAt": "C", "States": {
                       "C": { "Type": "Choice", "Choices": [ { "Variable": "$.v", "NumericEquals": 1, "Next": "X" } ] },
                       "X": { "Type": "Succeed" } } } ] },
            "Handled": { "Type": "Pass", "End": true },
            "Done": { "Type": "Succeed" }
            """), """{ "v": 2 }""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains("States.NoChoiceMatched", result.Output);
    }

    [Fact]
    public async Task Evaluate_WhenChoiceHasInputAndOutputPath_ShouldEvaluateEffectiveInputAndFilterOutput()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Choice", "InputPath": "$.inner", "OutputPath": "$.keep",
                   "Choices": [ { "Variable": "$.v", "NumericEquals": 1, "Next": "Done" } ] },
            "Done": { "Type": "Succeed" }
            """), """{ "inner": { "v": 1, "keep": { "k": true } } }""");

        Assert.True(Harness.JsonEquals("""{"k":true}""", result.Output), result.Output);
    }
}
