using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Model;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>Definition problems are reported with the state and field they concern, all at once.</summary>
public class DefinitionValidationTests
{
    private const string Done = "\"Done\": { \"Type\": \"Succeed\" }";

    [Theory]
    [InlineData("""{ "States": { "A": { "Type": "Succeed" } } }""", null, "StartAt", "field 'StartAt' is required")]
    [InlineData("""{ "StartAt": "Nope", "States": { "A": { "Type": "Succeed" } } }""", null, "StartAt", "StartAt 'Nope' does not name a state")]
    [InlineData("""{ "StartAt": "A", "States": {} }""", null, "States", "non-empty object")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Lambda", "End": true } } }""", "A", "Type", "unknown Type 'Lambda'")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "End": true } } }""", "A", "Type", "field 'Type' is required")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Pass", "Next": "Nowhere" } } }""", "A", "Next", "Next 'Nowhere' does not name a state")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "Next": "Done", "End": true }, "Done": { "Type": "Succeed" } } }""",
        "A", "Next", "both Next and End")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Pass" } } }""", "A", "Next", "either Next or End")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "IsNull": true, "Next": "Done" } ], "End": true """ +
            """}, "Done": { "Type": "Succeed" } } }""",
        "A", "End", "not supported by a Choice state")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [] } } }""", "A", "Choices", "non-empty array")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Not": { "Variable": "$.a", "IsNull": true, "Next": "Done" """ +
            """}, "Next": "Done" } ] }, "Done": { "Type": "Succeed" } } }""",
        "A", "Next", "only top-level Choice Rules may have Next")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "NumericEquals": "1", "Next": "Done" } ] }, "Done": """ +
            """{ "Type": "Succeed" } } }""",
        "A", "NumericEquals", "needs a number")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "TimestampEquals": "yesterday", "Next": "Done" } ] """ +
            """}, "Done": { "Type": "Succeed" } } }""",
        "A", "TimestampEquals", "RFC 3339")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "StringMatchesPath": "$.b", "Next": "Done" } ] """ +
            """}, "Done": { "Type": "Succeed" } } }""",
        "A", "StringMatchesPath", "not a comparison operator")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a[*]", "IsNull": true, "Next": "Done" } ] }, "Done": """ +
            """{ "Type": "Succeed" } } }""",
        "A", "Variable", "not a reference path")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "Next": "Done" } ] }, "Done": { "Type": "Succeed" } } }""",
        "A", "Variable", "exactly one comparison operator")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "IsNull": true, "Next": "Done" } ], "Default": "Gone" """ +
            """}, "Done": { "Type": "Succeed" } } }""",
        "A", "Default", "Default 'Gone' does not name a state")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "Retry": [ { "ErrorEquals": ["States.ALL"] }, """ +
            """{ "ErrorEquals": ["E"] } ] } } }""",
        "A", "ErrorEquals", "States.ALL must appear alone")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "Catch": [ { "ErrorEquals": """ +
            """["States.ALL", "E"], "Next": "A" } ] } } }""",
        "A", "ErrorEquals", "States.ALL must appear alone")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "Retry": [ { "ErrorEquals": [] } ] } } }""",
        "A", "ErrorEquals", "non-empty array")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "Retry": [ { "ErrorEquals": ["E"], "MaxAttempts": -1 } ] """ +
            """} } }""",
        "A", "MaxAttempts", "integer >= 0")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true,""" +
            """ "Retry": [ { "ErrorEquals": ["E"], "BackoffRate": 0.5 } ] } } }""",
        "A", "BackoffRate", "at least 1.0")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "Retry": [ { "ErrorEquals": """ +
            """["E"], "JitterStrategy": "HALF" } ] } } }""",
        "A", "JitterStrategy", "FULL or NONE")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "Catch": [ { "ErrorEquals": ["E"], "Next": "Missing" } ] """ +
            """} } }""",
        "A", "Catch.Next", "'Missing' does not name a state")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Task", "End": true } } }""", "A", "Resource", "field 'Resource' is required")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "TimeoutSeconds": 10, "HeartbeatSeconds": 10 } } }""",
        "A", "HeartbeatSeconds", "smaller than TimeoutSeconds")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "TimeoutSeconds": 0 } } }""",
        "A", "TimeoutSeconds", "integer >= 1")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "End": true, "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t" } } }""",
        "A", "TimeoutSecondsPath", "cannot both be set")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "ResultPath": "$.a[*]", "End": true } } }""",
        "A", "ResultPath", "not a reference path")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "ResultPath": "$$.Execution", "End": true } } }""",
        "A", "ResultPath", "context object")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Pass", "InputPath": "foo", "End": true } } }""", "A", "InputPath", "must start with '$'")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "Parameters": { "x.$": 5 }, "End": true } } }""",
        "A", "Parameters", "must be a string")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "Parameters": { "a": 1, "a.$": "$.x" }, "End": true } } }""",
        "A", "Parameters", "The field 'a.$' duplicates the field 'a'")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "Parameters": { "outer": [ { "b.$": "$.x", "b": 2 } ] }, "End": true } } }""",
        "A", "Parameters", "both set 'b' once '.$' is removed")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "arn:x", "ResultSelector": { "id.$": "$.a", "id": "fixed" }, "End": true } } }""",
        "A", "ResultSelector", "The field 'id' duplicates the field 'id.$'")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Map", "End": true, "ItemSelector": { "v": 0, "v.$": "$$.Map.Item.Value" }, "ItemProcessor": """ +
            """{ "StartAt": "B", "States": { "B": { "Type": "Succeed" } } } } } }""",
        "A", "ItemSelector", "duplicates the field 'v'")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Parallel", "End": true, "Parameters": { "p": { "q": 1, "q.$": "$.q" } }, "Branches": [ """ +
            """{ "StartAt": "B", "States": { "B": { "Type": "Succeed" } } } ] } } }""",
        "A", "Parameters", "duplicates the field 'q'")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Wait", "Seconds": 5, "SecondsPath": "$.s", "End": true } } }""",
        "A", "Seconds",
        "exactly one of Seconds, Timestamp, SecondsPath, TimestampPath")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Wait", "End": true } } }""", "A", "Seconds", "exactly one of")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Wait", "Timestamp": "2020-01-01 00:00", "End": true } } }""", "A", "Timestamp", "RFC 3339")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Fail", "Error": "E", "ErrorPath": "$.e" } } }""", "A", "ErrorPath", "cannot both be set")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Succeed", "Next": "A" } } }""", "A", "Next", "not supported by a Succeed state")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true }, "Orphan": { "Type": "Succeed" } } }""", "Orphan", null, "not reachable")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Parallel", "End": true, "Branches": [] } } }""", "A", "Branches", "non-empty array")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Parallel", "Next": "Done", "Branches": [ { "StartAt": "B", "States": { "B": """ +
            """{ "Type": "Pass", "Next": "Done" } } } ] }, "Done": { "Type": "Succeed" } } }""",
        "B", "Next", "does not name a state in the same scope")]
    [InlineData("""{ "StartAt": "A", "States": { "A": { "Type": "Map", "End": true } } }""", "A", "ItemProcessor", "needs an ItemProcessor")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Map", "End": true, "ItemReader": {}, "ItemProcessor": { "StartAt": "B", "States": { "B": """ +
            """{ "Type": "Succeed" } } } } } }""",
        "A", "ItemReader", "not supported by the local engine")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Map", "End": true, "ToleratedFailurePercentage": 150,""" +
            """ "ItemProcessor": { "StartAt": "B", "States": { "B": { "Type": "Succeed" } } } } } }""",
        "A", "ToleratedFailurePercentage", "between 0 and 100")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Map", "End": true, "MaxConcurrency": 2, "MaxConcurrencyPath": "$.m", "ItemProcessor": """ +
            """{ "StartAt": "B", "States": { "B": { "Type": "Succeed" } } } } } }""",
        "A", "MaxConcurrencyPath", "cannot both be set")]
    [InlineData(
        """{ "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true, "Resource": "arn:x" } } }""",
        "A", "Resource", "not supported by a Pass state")]
    [InlineData(
        """{ "StartAt": "A", "QueryLanguage": "JSONata", "States": { "A": { "Type": "Pass", "End": true } } }""",
        null, "QueryLanguage", "JSONPath only")]
    [InlineData("""{ "StartAt": "A", "TimeoutSeconds": -5, "States": { "A": { "Type": "Pass", "End": true } } }""", null, "TimeoutSeconds", "integer >= 1")]
    public void Parse_WhenDefinitionBreaksARule_ShouldReportTheStateAndField(string definition, string? stateName, string? field, string messageFragment)
    {
        var error = Assert.Throws<AslValidationException>(() => StateMachine.Parse(definition));

        Assert.Contains(error.Errors, e => e.StateName == stateName && e.Field == field && e.Message.Contains(messageFragment, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateStateMachine_WhenAParameterIsWrittenTwice_ShouldRefuseTheMachineNamingTheStateAndLocation()
    {
        var engine = new Harness().Engine;

        var error = Assert.Throws<AslValidationException>(() => engine.CreateStateMachine("Duplicates", """
            { "StartAt": "Restore Snapshot", "States": { "Restore Snapshot": { "Type": "Task", "Resource": "arn:x",
              "Parameters": { "DbInstanceIdentifier": "fixed", "DbInstanceIdentifier.$": "$.instance" }, "End": true } } }
            """));

        var problem = Assert.Single(error.Errors);
        Assert.Equal(
            ("Restore Snapshot", "Parameters", "/States/Restore Snapshot/Parameters/DbInstanceIdentifier.$"),
            (problem.StateName, problem.Field, problem.Location));
        Assert.Contains("State 'Restore Snapshot'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenDefinitionHasSeveralProblems_ShouldReportThemAllWithLocations()
    {
        var error = Assert.Throws<AslValidationException>(() => StateMachine.Parse("""
            { "StartAt": "A", "States": {
                "A": { "Type": "Pass", "Next": "Missing" },
                "B": { "Type": "Bogus" } } }
            """));

        Assert.Contains(error.Errors, e => e.Location == "/States/A/Next");
        Assert.Contains(error.Errors, e => e.Location == "/States/B/Type");
        Assert.Contains("/States/A/Next", error.Message);
    }

    [Fact]
    public void Parse_WhenTextIsNotJson_ShouldReportInvalidJson()
    {
        var error = Assert.Throws<AslValidationException>(() => StateMachine.Parse("{ \"StartAt\": "));

        Assert.Contains("not valid JSON", Assert.Single(error.Errors).Message);
    }

    [Fact]
    public void Parse_WhenDefinitionIsValid_ShouldBuildTheModel()
    {
        var machine = StateMachine.Parse($$"""
            { "Comment": "c", "StartAt": "A", "TimeoutSeconds": 60, "States": {
                "A": { "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 5, "TimeoutSeconds": 10,
                       "Retry": [ { "ErrorEquals": ["E"] } ], "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Done" } ], "Next": "Done" },
                {{Done}} } }
            """);

        var task = Assert.IsType<TaskState>(machine.States["A"]);
        Assert.Equal(60, machine.TimeoutSeconds);
        Assert.Equal(IntegrationPattern.WaitForTaskToken, task.Pattern);
        Assert.Equal("arn:aws:states:::sqs:sendMessage", task.BaseResource);
        var retrier = Assert.Single(task.Retry);
        Assert.Equal((1d, 3, 2d), (retrier.IntervalSeconds, retrier.MaxAttempts, retrier.BackoffRate));
        Assert.Equal("Done", Assert.Single(task.Catch).Next);
    }

    [Theory]
    [InlineData("arn:aws:states:::lambda:invoke", IntegrationPattern.RequestResponse)]
    [InlineData("arn:aws:states:::ecs:runTask.sync", IntegrationPattern.Sync)]
    [InlineData("arn:aws:states:::states:startExecution.sync:2", IntegrationPattern.Sync)]
    [InlineData("arn:aws:states:::lambda:invoke.waitForTaskToken", IntegrationPattern.WaitForTaskToken)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:F", IntegrationPattern.RequestResponse)]
    public void Parse_WhenResourceHasASuffix_ShouldDeriveTheIntegrationPattern(string resource, IntegrationPattern pattern)
    {
        var machine = StateMachine.Parse($$"""{ "StartAt": "A", "States": { "A": { "Type": "Task", "Resource": "{{resource}}", "End": true } } }""");

        Assert.Equal(pattern, ((TaskState)machine.States["A"]).Pattern);
    }
}
