using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>InputPath → Parameters → ResultSelector → ResultPath → OutputPath, using the spec's and AWS's examples.</summary>
public class InputOutputProcessingTests
{
    private const string Lambda = "arn:aws:lambda:us-east-1:123456789012:function:Add";
    private const string NumbersInput = """{ "title": "Numbers to add", "numbers": { "val1": 3, "val2": 4 } }""";

    [Theory]
    [InlineData("\"$\"", "\"$.sum\"", "\"$\"", """{"title":"Numbers to add","numbers":{"val1":3,"val2":4},"sum":7}""")]
    [InlineData("\"$.numbers\"", "\"$.sum\"", "\"$\"", """{"title":"Numbers to add","numbers":{"val1":3,"val2":4},"sum":7}""")]
    [InlineData("\"$.numbers\"", "\"$.sum\"", "\"$.sum\"", "7")]
    [InlineData("\"$.numbers\"", "\"$\"", "\"$\"", "7")]
    [InlineData("\"$.numbers\"", "null", "\"$\"", NumbersInput)]
    [InlineData("\"$.numbers\"", "\"$.numbers.val1\"", "\"$.numbers\"", """{"val1":7,"val2":4}""")]
    [InlineData("\"$.numbers\"", "\"$.result.of.adding\"", "\"$.result\"", """{"of":{"adding":7}}""")]
    [InlineData("\"$.numbers\"", "\"$.sum\"", "null", "{}")]
    public async Task ApplyPaths_WhenSpecExampleFieldsAreSet_ShouldProduceDocumentedOutput(
        string inputPath, string resultPath, string outputPath, string expected)
    {
        var harness = new Harness();
        harness.Invoker.Returns(Lambda, "7");

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Lambda}}",
                   "InputPath": {{inputPath}}, "ResultPath": {{resultPath}}, "OutputPath": {{outputPath}}, "End": true }
            """), NumbersInput);

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.True(Harness.JsonEquals(expected, result.Output), result.Output);
    }

    [Fact]
    public async Task ApplyInputPath_WhenInputPathIsNumbers_ShouldSendOnlyThatObjectToTheTask()
    {
        var harness = new Harness();
        harness.Invoker.Returns(Lambda, "7");

        await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Lambda}}", "InputPath": "$.numbers", "End": true }
            """), NumbersInput);

        Assert.True(Harness.JsonEquals("""{"val1":3,"val2":4}""", harness.Invoker.Calls.Single().Invocation.Parameters!.ToJsonString()));
    }

    [Fact]
    public async Task ApplyInputPath_WhenInputPathIsNull_ShouldSendAnEmptyObject()
    {
        var harness = new Harness();

        await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Lambda}}", "InputPath": null, "End": true }
            """), NumbersInput);

        Assert.Equal("{}", harness.Invoker.Calls.Single().Invocation.Parameters!.ToJsonString());
    }

    [Fact]
    public async Task ApplyResultPath_WhenPassStateHasResultAndResultPath_ShouldAddResultToInput()
    {
        // The spec's Pass state example.
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "Result": { "x-datum": 0.381018, "y-datum": 622.2269926397355 }, "ResultPath": "$.coords", "End": true }
            """), """{ "georefOf": "Home" }""");

        Assert.True(Harness.JsonEquals("""{"georefOf":"Home","coords":{"x-datum":0.381018,"y-datum":622.2269926397355}}""", result.Output), result.Output);
    }

    [Fact]
    public async Task ApplyParameters_WhenTemplateMixesStaticPathsContextAndIntrinsics_ShouldBuildThePayload()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "End": true, "Parameters": {
                "static": "x",
                "nested": { "name.$": "$.name", "list": [ { "id.$": "$.id" }, 2 ] },
                "execution.$": "$$.Execution.Name",
                "state.$": "$$.State.Name",
                "greeting.$": "States.Format('Hi {}', $.name)",
                "all.$": "$"
            } }
            """), """{ "name": "Ana", "id": 42 }""");

        Assert.True(Harness.JsonEquals("""
            {"static":"x","nested":{"name":"Ana","list":[{"id":42},2]},"execution":"run-1","state":"S","greeting":"Hi Ana","all":{"name":"Ana","id":42}}
            """, result.Output), result.Output);
    }

    [Fact]
    public async Task ApplyResultSelector_WhenAwsDocExampleResultIsSelected_ShouldKeepOnlySelectedFieldsAtResultPath()
    {
        var harness = new Harness();
        harness.Invoker.Returns("arn:aws:states:::elasticmapreduce:createCluster.sync", """
            { "resourceType": "elasticmapreduce", "resource": "createCluster.sync",
              "output": { "SdkHttpMetadata": { "HttpStatusCode": 200 }, "SdkResponseMetadata": { "RequestId": "1234-5678-9012" },
                          "ClusterId": "AKIAIOSFODNN7EXAMPLE" } }
            """);

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Task", "Resource": "arn:aws:states:::elasticmapreduce:createCluster.sync",
                   "ResultSelector": { "ClusterId.$": "$.output.ClusterId", "ResourceType.$": "$.resourceType" },
                   "ResultPath": "$.EMROutput", "End": true }
            """), """{ "input": 1 }""");

        Assert.True(
            Harness.JsonEquals("""{"input":1,"EMROutput":{"ClusterId":"AKIAIOSFODNN7EXAMPLE","ResourceType":"elasticmapreduce"}}""", result.Output),
            result.Output);
    }

    [Fact]
    public async Task ApplyResultSelector_WhenParallelReturnsArraysOfArrays_ShouldFlattenThemWithWildcards()
    {
        // "Flattening an array of arrays" from the AWS paths page.
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Parallel", "End": true, "ResultSelector": { "flattenArray.$": "$[*][*]" },
                   "Branches": [
                     { "StartAt": "A", "States": { "A": { "Type": "Pass", "Result": [1, 2], "End": true } } },
                     { "StartAt": "B", "States": { "B": { "Type": "Pass", "Result": [3], "End": true } } } ] }
            """));

        Assert.True(Harness.JsonEquals("""{"flattenArray":[1,2,3]}""", result.Output), result.Output);
    }

    [Theory]
    [InlineData("\"InputPath\": \"$.missing\"", "Invalid path '$.missing' : No results for path: $['missing']")]
    [InlineData("\"OutputPath\": \"$.missing\"", "Invalid path '$.missing' : No results for path: $['missing']")]
    [InlineData("\"Parameters\": { \"x.$\": \"$.missing\" }", "The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input")]
    [InlineData("\"Parameters\": { \"x.$\": \"$$.Task.Token\" }", "The JSONPath '$$.Task.Token' specified for the field 'x.$' could not be found")]
    public async Task ProcessState_WhenAPathMatchesNothing_ShouldFailExecutionWithStatesRuntimeNamingStateAndPath(string field, string causeFragment)
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Pass", {{field}}, "End": true }
            """), """{ "present": 1 }""");

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Contains(causeFragment, result.Cause);
        Assert.StartsWith("An error occurred while executing the state 'S' (entered at the event id #2).", result.Cause);
    }

    [Fact]
    public async Task ProcessState_WhenResultSelectorPathFailsUnderCatchAll_ShouldStillFailBecauseStatesRuntimeIsTerminal()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine($$"""
            "S": { "Type": "Task", "Resource": "{{Lambda}}", "ResultSelector": { "x.$": "$.notThere" }, "End": true,
                   "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
                   "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Recovered" } ] },
            "Recovered": { "Type": "Succeed" }
            """));

        Assert.Equal(ExecutionStatus.Failed, result.Status);
        Assert.Equal(ErrorNames.Runtime, result.Error);
        Assert.Single(harness.Invoker.Calls);
    }

    [Fact]
    public async Task ApplyResultPath_WhenPathCrossesANonObject_ShouldFailWithResultPathMatchFailure()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": true }
            """), """{ "a": "text" }""");

        Assert.Equal(ErrorNames.ResultPathMatchFailure, result.Error);
        Assert.Contains("$.a.b", result.Cause);
    }

    [Fact]
    public async Task ApplyResultPath_WhenPathIndexesAnExistingArrayElement_ShouldReplaceThatElement()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "Result": "new", "ResultPath": "$.list[1]", "End": true }
            """), """{ "list": ["a", "b", "c"] }""");

        Assert.True(Harness.JsonEquals("""{"list":["a","new","c"]}""", result.Output), result.Output);
    }

    [Fact]
    public async Task RunExecution_WhenStateMutatesItsOutput_ShouldNotChangeTheRecordedExecutionInput()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Pass", "Result": 2, "ResultPath": "$.a", "End": true }
            """), """{ "a": 1 }""");

        Assert.True(Harness.JsonEquals("""{"a":1}""", result.Input));
        Assert.True(Harness.JsonEquals("""{"a":2}""", result.Output));
    }
}
