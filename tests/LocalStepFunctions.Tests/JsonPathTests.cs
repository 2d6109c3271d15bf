using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Tests;

/// <summary>JSONPath as Step Functions accepts it (Jayway dialect), evaluated through a Parameters "r.$" field.</summary>
public class JsonPathTests
{
    private const string Input = """
        {
          "foo": 123, "bar": ["a", "b", "c"], "car": { "cdr": true },
          "items": [ { "x": 1, "n": "a" }, { "x": 2, "n": "b" }, { "x": 3, "n": "c" } ],
          "odd key": { "v": 9 }, "a": [1, 2, 3, 4], "nothing": null
        }
        """;

    [Theory]
    [InlineData("$.foo", "123")]
    [InlineData("$.bar", """["a","b","c"]""")]
    [InlineData("$.car.cdr", "true")]
    [InlineData("$.nothing", "null")]
    [InlineData("$.bar[0]", "\"a\"")]
    [InlineData("$.bar[-1]", "\"c\"")]
    [InlineData("$['odd key'].v", "9")]
    [InlineData("$.['odd key'].v", "9")]
    [InlineData("$[\"odd key\"][\"v\"]", "9")]
    [InlineData("$.a[0:2]", "[1,2]")]
    [InlineData("$.a[:2]", "[1,2]")]
    [InlineData("$.a[-2:]", "[3,4]")]
    [InlineData("$.a[::2]", "[1,3]")]
    [InlineData("$.bar[*]", """["a","b","c"]""")]
    [InlineData("$.car.*", "[true]")]
    [InlineData("$.items[*].x", "[1,2,3]")]
    [InlineData("$.items[0,2].n", """["a","c"]""")]
    [InlineData("$['foo','car']", """[123,{"cdr":true}]""")]
    [InlineData("$..cdr", "[true]")]
    [InlineData("$..v", "[9]")]
    [InlineData("$.items[?(@.x == 2)].n", """["b"]""")]
    [InlineData("$.items[?(@.x != 2)].n", """["a","c"]""")]
    [InlineData("$.items[?(@.x > 1)].n", """["b","c"]""")]
    [InlineData("$.items[?(@.x >= 2 && @.n != 'c')].n", """["b"]""")]
    [InlineData("$.items[?(@.x < 2 || @.n == 'c')].x", "[1,3]")]
    [InlineData("$.items[?(@.x <= 1)].x", "[1]")]
    [InlineData("$.items[?(@.n =~ /[ab]/)].x", "[1,2]")]
    [InlineData("$.items[?(@.x == $.foo)].x", "[]")]
    [InlineData("$.items[?(@.missing)]", "[]")]
    [InlineData("$.items[?(!(@.x == 1))].x", "[2,3]")]
    [InlineData("$.a[10:]", "[]")]
    public async Task Select_WhenPathIsSupported_ShouldReturnJaywayResult(string path, string expected)
    {
        var result = await Harness.EvaluateAsync(path, Input);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), $"{path} gave {result?.ToJsonString() ?? "null"}");
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.bar[7]")]
    [InlineData("$.car.cdr.deeper")]
    public async Task Select_WhenDefinitePathMatchesNothing_ShouldFailWithStatesRuntimeNamingThePath(string path)
    {
        var failure = await Assert.ThrowsAsync<TaskFailedException>(() => Harness.EvaluateAsync(path, Input));

        Assert.Equal(ErrorNames.Runtime, failure.Error);
        Assert.Contains($"The JSONPath '{path}' specified for the field 'r.$' could not be found", failure.Cause);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("$.")]
    [InlineData("$.a[")]
    [InlineData("$.a[x]")]
    [InlineData("$.a b")]
    [InlineData("$.a[?(@.x ==)]")]
    public void Parse_WhenSyntaxIsInvalid_ShouldThrowFormatExceptionNamingThePath(string path)
    {
        var error = Assert.Throws<FormatException>(() => JsonPathExpression.Parse(path));

        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("$", true)]
    [InlineData("$.a", true)]
    [InlineData("$.a.b[0]", true)]
    [InlineData("$['a b'].c", true)]
    [InlineData("$$.Execution.Id", true)]
    [InlineData("$.a[*]", false)]
    [InlineData("$.*", false)]
    [InlineData("$..a", false)]
    [InlineData("$.a[0:1]", false)]
    [InlineData("$.a[0,1]", false)]
    [InlineData("$.a[?(@.x)]", false)]
    [InlineData("$.a[-1]", false)]
    public void ParseReferencePath_WhenPathIsOrIsNotSingleNode_ShouldAcceptOnlySingleNodePaths(string path, bool accepted)
    {
        var parsed = ReferencePath.TryParse(path, out _, out var error);

        Assert.Equal(accepted, parsed);
        Assert.Equal(accepted, error is null);
    }
}
