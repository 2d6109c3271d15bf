using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.Core;
using DisasterRecovery.Functions.CheckFlowInput;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.FlowInputs.Tests;

/// <summary>The CheckFlowInput function as a flow's first state invokes it: <c>{"flow", "input"}</c>.</summary>
public sealed class CheckFlowInputFunctionTests
{
    private static ILambdaFunction Function => CheckFlowInputEntryPoint.Create(new Dictionary<string, string>());

    private static LambdaContext Context() => new(
        "req", "CheckFlowInput", "arn:aws:lambda:us-east-1:000000000000:function:CheckFlowInput", DateTimeOffset.UtcNow.AddMinutes(1), null,
        new Core.Logging.JsonLogger("CheckFlowInput", TextWriter.Null, TimeProvider.System), TimeProvider.System);

    private static async Task<byte[]> InvokeAsync(string payload)
    {
        using var context = Context();
        return await Function.InvokeAsync(Encoding.UTF8.GetBytes(payload), context);
    }

    [Fact]
    public async Task Invoke_WhenTheSampleEventIsSent_ShouldAcceptIt()
    {
        var output = JsonNode.Parse(await InvokeAsync(await File.ReadAllTextAsync(TestSupport.RepositoryPaths.Of("events", "check-flow-input.json"))))!;

        Assert.Equal(("point-in-time-recovery", true), (output["flow"]!.GetValue<string>(), output["accepted"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Invoke_WhenTheInputHasAnUnknownField_ShouldThrowInvalidInputExceptionNamingIt()
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            InvokeAsync("""{"flow": "sweep-abandoned-instances", "input": {"database": "postgres"}}"""));

        Assert.Equal("database: is not a field of the sweep-abandoned-instances flow's input; it takes no fields (send {})", error.Message);
    }

    [Theory]
    [InlineData("""{"input": {}}""", "flow", "is required and must not be empty")]
    [InlineData("""{"flow": "nightly", "input": {}}""", "flow", "is not a known flow, was 'nightly'")]
    [InlineData("""{"flow": "postgres-backup"}""", "input", "is required")]
    public async Task Invoke_WhenTheRequestItselfIsBad_ShouldNameTheField(string payload, string field, string problem)
    {
        var error = await Assert.ThrowsAsync<InvalidInputException>(() => InvokeAsync(payload));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_WhenTheRequestHasAnUnknownField_ShouldRefuseItAsMalformed()
    {
        var error = await Assert.ThrowsAsync<MalformedInputException>(() => InvokeAsync("""{"flow": "postgres-backup", "input": {}, "extra": 1}"""));

        Assert.Contains("extra", error.Message, StringComparison.Ordinal);
    }
}
