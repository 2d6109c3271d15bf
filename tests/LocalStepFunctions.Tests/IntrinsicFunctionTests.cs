using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>The intrinsic functions with the AWS documentation's examples and their argument checks.</summary>
public class IntrinsicFunctionTests
{
    private const string Input = """
        {
          "name": "Arnav", "template": "Hello, my name is {}.", "escapedJsonString": "{\"foo\": \"bar\"}",
          "unescapedJson": { "foo": "bar" }, "Id": 123456, "someJson": { "random": "abcdefg" },
          "inputArray": [1,2,3,4,5,6,7,8,9], "lookingFor": 5, "index": 5, "dupes": [1,2,3,3,3,3,3,3,4],
          "json1": { "a": { "a1": 1, "a2": 2 }, "b": 2 }, "json2": { "a": { "a3": 1, "a4": 2 }, "c": 3 },
          "value1": 111, "step": -1, "inputString": "1,2,3,4,5", "splitter": ",",
          "arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.0",
          "notJson": "{ nope", "obj": { "k": 1 }
        }
        """;

    [Theory]
    [InlineData("States.Format('Hello, my name is {}.', $.name)", "\"Hello, my name is Arnav.\"")]
    [InlineData("States.Format($.template, $.name)", "\"Hello, my name is Arnav.\"")]
    [InlineData("States.Format('Your name is {}, we are in the year {}', $.name, 2020)", "\"Your name is Arnav, we are in the year 2020\"")]
    [InlineData("States.Format('{} {} {} {}', 1.5, true, null, -3)", "\"1.5 true null -3\"")]
    [InlineData(@"States.Format('\{literal\} {}', $.name)", "\"{literal} Arnav\"")]
    [InlineData(@"States.Format('It\'s {}', $.name)", "\"It's Arnav\"")]
    [InlineData(@"States.Format('back\\slash {}', $.name)", "\"back\\\\slash Arnav\"")]
    [InlineData("States.Format('a, b ) c, {}', $.name)", "\"a, b ) c, Arnav\"")]
    [InlineData("States.Format('no placeholders')", "\"no placeholders\"")]
    [InlineData("States.StringToJson($.escapedJsonString)", """{"foo":"bar"}""")]
    [InlineData("States.JsonToString($.unescapedJson)", "\"{\\\"foo\\\":\\\"bar\\\"}\"")]
    [InlineData("States.Array($.Id)", "[123456]")]
    [InlineData("States.Array('Foo', 2020, $.someJson, null)", """["Foo",2020,{"random":"abcdefg"},null]""")]
    [InlineData("States.Array()", "[]")]
    [InlineData("States.ArrayPartition($.inputArray, 4)", "[[1,2,3,4],[5,6,7,8],[9]]")]
    [InlineData("States.ArrayContains($.inputArray, $.lookingFor)", "true")]
    [InlineData("States.ArrayContains($.inputArray, 10)", "false")]
    [InlineData("States.ArrayContains(States.Array($.someJson), $.someJson)", "true")]
    [InlineData("States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]")]
    [InlineData("States.ArrayRange(10, 0, -5)", "[10,5,0]")]
    [InlineData("States.ArrayRange(1, 0, 1)", "[]")]
    [InlineData("States.ArrayGetItem($.inputArray, $.index)", "6")]
    [InlineData("States.ArrayLength($.inputArray)", "9")]
    [InlineData("States.ArrayUnique($.dupes)", "[1,2,3,4]")]
    [InlineData("States.Base64Encode('Data to encode')", "\"RGF0YSB0byBlbmNvZGU=\"")]
    [InlineData("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "\"Data to encode\"")]
    [InlineData("States.Hash('abc', 'MD5')", "\"900150983cd24fb0d6963f7d28e17f72\"")]
    [InlineData("States.Hash('abc', 'SHA-1')", "\"a9993e364706816aba3e25717850c26c9cd0d89d\"")]
    [InlineData("States.Hash('abc', 'SHA-256')", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"")]
    [InlineData("States.Hash('abc', 'SHA-384')", "\"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7\"")]
    [InlineData(
        "States.Hash('abc', 'SHA-512')",
        "\"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\"")]
    [InlineData("States.JsonMerge($.json1, $.json2, false)", """{"a":{"a3":1,"a4":2},"b":2,"c":3}""")]
    [InlineData("States.MathAdd($.value1, $.step)", "110")]
    [InlineData("States.MathAdd(2.4, 1)", "3")]
    [InlineData("States.MathAdd(-1.49, -1.5)", "-2")]
    [InlineData("States.MathAdd(1.49, 1.5)", "3")]
    [InlineData("States.MathAdd(-2.5, 0)", "-2")]
    [InlineData("States.MathAdd(2.5, 0)", "3")]
    [InlineData("States.MathAdd(-0.5, 0)", "0")]
    [InlineData("States.MathAdd(0.49999999999999994, 0)", "0")]
    [InlineData("States.MathAdd(-2.6, 0)", "-3")]
    [InlineData("States.MathRandom(4, 5)", "4")]
    [InlineData("States.MathRandom(-1.5, -0.5)", "-1")]
    [InlineData("States.StringSplit($.inputString, $.splitter)", """["1","2","3","4","5"]""")]
    [InlineData("States.StringSplit('This.is+a,test=string', '.+,=')", """["This","is","a","test","string"]""")]
    [InlineData("States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.arn, ':'), 5), '/'), 1)", "\"my-recipe\"")]
    [InlineData("States.Format('{}/{}', $$.Execution.Name, $$.State.Name)", "\"run-1/P\"")]
    [InlineData("States.JsonToString(States.StringToJson($.escapedJsonString))", "\"{\\\"foo\\\":\\\"bar\\\"}\"")]
    public async Task Evaluate_WhenArgumentsAreValid_ShouldReturnDocumentedResult(string expression, string expected)
    {
        var result = await Harness.EvaluateAsync(expression, Input);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{expression} gave {result?.ToJsonString() ?? "null"}");
    }

    [Theory]
    [InlineData("States.Format('{} {}', $.name)", "placeholder")]
    [InlineData("States.Format('{}', $.name, $.name)", "placeholder")]
    [InlineData("States.Format('{}', $.obj)", "argument 2 must be a string, number, boolean or null")]
    [InlineData("States.Format(5)", "argument 1 must be a string")]
    [InlineData("States.StringToJson($.notJson)", "not valid JSON")]
    [InlineData("States.StringToJson(5)", "argument 1 must be a string")]
    [InlineData("States.JsonToString()", "expects 1 argument")]
    [InlineData("States.ArrayPartition($.inputArray, 0)", "positive integer")]
    [InlineData("States.ArrayPartition($.name, 2)", "argument 1 must be an array")]
    [InlineData("States.ArrayPartition($.inputArray, 1.5)", "argument 2 must be an integer")]
    [InlineData("States.ArrayContains($.inputArray)", "expects 2 argument")]
    [InlineData("States.ArrayRange(1, 5000, 1)", "at most 1000")]
    [InlineData("States.ArrayRange(1, 9, 0)", "non-zero")]
    [InlineData("States.ArrayRange(1.5, 9, 1)", "argument 1 must be an integer")]
    [InlineData("States.ArrayRange('1', 9, 1)", "argument 1 must be an integer")]
    [InlineData("States.ArrayGetItem($.inputArray, 20)", "out of bounds")]
    [InlineData("States.ArrayGetItem($.inputArray, -1)", "out of bounds")]
    [InlineData("States.ArrayLength($.name)", "argument 1 must be an array")]
    [InlineData("States.ArrayUnique($.obj)", "argument 1 must be an array")]
    [InlineData("States.Base64Encode($.Id)", "argument 1 must be a string")]
    [InlineData("States.Base64Decode('***')", "not valid Base64")]
    [InlineData("States.Hash('abc', 'SHA-3')", "must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512")]
    [InlineData("States.Hash($.obj, 'MD5')", "argument 1 must be a string")]
    [InlineData("States.JsonMerge($.json1, $.json2, true)", "only shallow merging is supported")]
    [InlineData("States.JsonMerge($.json1, 5, false)", "argument 2 must be a JSON object")]
    [InlineData("States.JsonMerge($.json1, $.json2)", "expects 3 argument")]
    [InlineData("States.MathAdd(1)", "expects 2 argument")]
    [InlineData("States.MathAdd('a', 1)", "argument 1 must be a number")]
    [InlineData("States.MathRandom(10, 1)", "must be less than argument 2")]
    [InlineData("States.MathRandom(3, 3)", "the end exclusive")]
    [InlineData("States.MathRandom(1)", "expects 2 or 3 arguments")]
    [InlineData("States.StringSplit(5, ',')", "argument 1 must be a string")]
    [InlineData("States.StringSplit('a', '')", "must not be empty")]
    [InlineData("States.UUID(1)", "expects 0 argument")]
    public async Task Evaluate_WhenArgumentsAreWrong_ShouldFailWithIntrinsicFailureExplainingTheProblem(string expression, string causeFragment)
    {
        var failure = await Assert.ThrowsAsync<TaskFailedException>(() => Harness.EvaluateAsync(expression, Input));

        Assert.Equal(ErrorNames.IntrinsicFailure, failure.Error);
        Assert.Contains(causeFragment, failure.Cause);
        Assert.Contains(expression.Split('(')[0], failure.Cause);
    }

    [Fact]
    public async Task Evaluate_WhenStringArgumentExceedsTenThousandCharacters_ShouldFailWithIntrinsicFailure()
    {
        var input = new JsonObject { ["big"] = new string('x', 10_001) }.ToJsonString();

        var failure = await Assert.ThrowsAsync<TaskFailedException>(() => Harness.EvaluateAsync("States.Base64Encode($.big)", input));

        Assert.Equal(ErrorNames.IntrinsicFailure, failure.Error);
        Assert.Contains("at most 10000", failure.Cause);
    }

    [Fact]
    public async Task Evaluate_WhenAPathArgumentIsMissing_ShouldFailWithStatesRuntimeNamingThePath()
    {
        var failure = await Assert.ThrowsAsync<TaskFailedException>(() => Harness.EvaluateAsync("States.ArrayLength($.nope)", Input));

        Assert.Equal(ErrorNames.Runtime, failure.Error);
        Assert.Contains("'$.nope'", failure.Cause);
    }

    [Fact]
    public async Task MathRandom_WhenSeeded_ShouldReturnTheSameNumberInRangeEveryTime()
    {
        var first = await Harness.EvaluateAsync("States.MathRandom(1, 999, 42)");
        var second = await Harness.EvaluateAsync("States.MathRandom(1, 999, 42)");

        Assert.Equal(first!.GetValue<long>(), second!.GetValue<long>());
        Assert.InRange(first.GetValue<long>(), 1, 999);
    }

    [Fact]
    public async Task MathRandom_WhenUnseeded_ShouldIncludeTheStartAndExcludeTheEnd()
    {
        // One execution drawing 60 numbers from the engine's Random: an end that were included would show up.
        var parameters = new JsonObject();
        for (var i = 0; i < 60; i++)
        {
            parameters[$"r{i}.$"] = "States.MathRandom(3, 5)";
        }

        var result = await new Harness().RunAsync(Harness.Machine($$"""
            "S": { "Type": "Pass", "Parameters": {{parameters.ToJsonString()}}, "End": true }
            """));

        var values = JsonNode.Parse(result.Output!)!.AsObject().Select(p => p.Value!.GetValue<long>()).ToList();
        Assert.Equal(60, values.Count);
        Assert.All(values, v => Assert.InRange(v, 3, 4));
        Assert.Contains(3L, values);
        Assert.Contains(4L, values);
    }

    [Fact]
    public async Task MathRandom_WhenSeededDifferently_ShouldFollowTheSeedAndNeverReturnTheEnd()
    {
        var bySeed = new Dictionary<int, long>();
        for (var seed = 0; seed < 40; seed++)
        {
            bySeed[seed] = (await Harness.EvaluateAsync($"States.MathRandom(0, 2, {seed})"))!.GetValue<long>();
        }

        Assert.All(bySeed.Values, v => Assert.InRange(v, 0, 1));
        Assert.Equal(new long[] { 0, 1 }, bySeed.Values.Distinct().Order());
        Assert.Equal(bySeed[17], (await Harness.EvaluateAsync("States.MathRandom(0, 2, 17)"))!.GetValue<long>());
    }

    [Fact]
    public async Task Uuid_WhenCalled_ShouldReturnAVersion4Uuid()
    {
        var uuid = (await Harness.EvaluateAsync("States.UUID()"))!.GetValue<string>();

        Assert.Matches(new Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"), uuid);
    }

    [Fact]
    public async Task Evaluate_WhenTaskParametersFailWithIntrinsicFailure_ShouldBeCatchableWithStatesAll()
    {
        var harness = new Harness();

        var result = await harness.RunAsync(Harness.Machine("""
            "S": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:F",
                   "Parameters": { "x.$": "States.ArrayGetItem($.list, 5)" }, "End": true,
                   "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Handled" } ] },
            "Handled": { "Type": "Pass", "End": true }
            """), """{ "list": [1] }""");

        Assert.Equal(ExecutionStatus.Succeeded, result.Status);
        Assert.Contains(ErrorNames.IntrinsicFailure, result.Output);
        Assert.Empty(harness.Invoker.Calls);
    }

    [Theory]
    [InlineData("States.Nope($.a)", "not a supported intrinsic function")]
    [InlineData("States.Format('abc", "expected")]
    [InlineData(@"States.Format('\q')", "open escape")]
    [InlineData("States.Format('a') trailing", "unexpected text")]
    [InlineData("States.Array($.a[)", "Invalid")]
    public void CreateStateMachine_WhenIntrinsicSyntaxIsInvalid_ShouldRejectTheDefinitionNamingTheField(string expression, string messageFragment)
    {
        var harness = new Harness();
        var parameters = new JsonObject { ["bad.$"] = expression };
        var definition = new JsonObject
        {
            ["StartAt"] = "P",
            ["States"] = new JsonObject { ["P"] = new JsonObject { ["Type"] = "Pass", ["Parameters"] = parameters, ["End"] = true } },
        }.ToJsonString();

        var error = Assert.Throws<AslValidationException>(() => harness.Engine.CreateStateMachine("Bad", definition));

        var problem = Assert.Single(error.Errors);
        Assert.Equal("/States/P/Parameters/bad.$", problem.Location);
        Assert.Equal("P", problem.StateName);
        Assert.Contains(messageFragment, problem.Message);
    }
}
