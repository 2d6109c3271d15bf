using System.Text.Json;
using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.Lambda.Tests;

/// <summary>
/// A real function executable under a Runtime API played by the test: every call it makes is asserted.
/// </summary>
public sealed class RuntimeApiHostTests
{
    private static string Probe => RepositoryPaths.BuiltAssembly("tests/Fixtures/ProbeFunction", "ProbeFunction");

    private static DateTimeOffset InAMinute => DateTimeOffset.UtcNow.AddMinutes(1);

    [Fact]
    public async Task Invoke_WhenHandlerSucceeds_ShouldPostResponseWithContextFromHeaders()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address);
        api.Enqueue("req-1", """{"action":"echo","message":"hi"}""", InAMinute, "Root=1-5759e988-bd862e3fe1be46a994272793",
            "arn:aws:lambda:us-east-1:123456789012:function:probe");

        var call = await api.NextPostAsync();

        Assert.Equal("POST", call.Method);
        Assert.Equal("/runtime/invocation/req-1/response", call.Path);
        using var body = JsonDocument.Parse(call.Body);
        var result = body.RootElement;
        Assert.Equal("req-1", result.GetProperty("requestId").GetString());
        Assert.Equal("arn:aws:lambda:us-east-1:123456789012:function:probe", result.GetProperty("functionArn").GetString());
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793", result.GetProperty("traceEnvironment").GetString());
        Assert.Equal("hi", result.GetProperty("message").GetString());
        Assert.InRange(result.GetProperty("remainingMs").GetDouble(), 1, 60_000);
    }

    [Fact]
    public async Task Invoke_WhenHandlerThrows_ShouldPostErrorWithExceptionTypeName()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address);
        api.Enqueue("req-2", """{"action":"throw","message":"backup 42 isn't there"}""", InAMinute);

        var call = await api.NextPostAsync();

        Assert.Equal("/runtime/invocation/req-2/error", call.Path);
        Assert.Equal("application/vnd.aws.lambda.error+json", call.ContentType);
        Assert.Equal("ProbeRequestedFailureException", call.ErrorTypeHeader);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal("ProbeRequestedFailureException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Equal("backup 42 isn't there", body.RootElement.GetProperty("errorMessage").GetString());
        Assert.Contains("isn't there", call.Body, StringComparison.Ordinal); // as written, not as isn\u0027t
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("stackTrace").ValueKind);
        Assert.Contains(body.RootElement.GetProperty("stackTrace").EnumerateArray(), f => f.GetString()!.Contains("ProbeHandler", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{not json", "MalformedInputException", "not a valid ProbeRequest")]
    [InlineData("null", "MalformedInputException", "JSON null")]
    [InlineData("""{"action":"echo","unexpected":1}""", "MalformedInputException", "unexpected")]
    [InlineData("""{"action":"fly"}""", "InvalidInputException", "action: unknown action 'fly'")]
    public async Task Invoke_WhenInputIsBad_ShouldPostErrorNamingTheProblem(string payload, string errorType, string messagePart)
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address);
        api.Enqueue("req-bad", payload, InAMinute);

        var call = await api.NextPostAsync();

        Assert.Equal("/runtime/invocation/req-bad/error", call.Path);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal(errorType, body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains(messagePart, body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WhenInitializationFails_ShouldPostInitErrorAndExit()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address,
            new Dictionary<string, string> { ["PROBE_FAIL_INIT"] = "no bucket configured" });

        var call = await api.NextPostAsync();
        var exitCode = await function.WaitForExitAsync();

        Assert.Equal("/runtime/init/error", call.Path);
        Assert.Equal("application/vnd.aws.lambda.error+json", call.ContentType);
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal("FunctionConfigurationException", body.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("no bucket configured", body.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain(api.AllCalls, c => c.Path == "/runtime/invocation/next");
    }

    [Fact]
    public async Task Invoke_WhenTwoEventsArrive_ShouldServeBothInTheSameProcessInOrder()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address);
        api.Enqueue("first", """{"action":"throw"}""", InAMinute);
        api.Enqueue("second", """{"action":"echo","message":"still here"}""", InAMinute);

        var first = await api.NextPostAsync();
        var second = await api.NextPostAsync();

        Assert.Equal("/runtime/invocation/first/error", first.Path);
        Assert.Equal("/runtime/invocation/second/response", second.Path);
        using var body = JsonDocument.Parse(second.Body);
        Assert.Equal(function.ProcessId, body.RootElement.GetProperty("processId").GetInt32());
        Assert.Equal(
            [
                "GET /runtime/invocation/next", "POST /runtime/invocation/first/error",
                "GET /runtime/invocation/next", "POST /runtime/invocation/second/response",
            ],
            api.AllCalls.Take(4).Select(c => $"{c.Method} {c.Path}"));
    }

    [Fact]
    public async Task Invoke_WhenDeadlineApproaches_ShouldCancelTheTokenBeforeTheDeadline()
    {
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address);
        api.Enqueue("slow", """{"action":"wait-for-cancellation"}""", DateTimeOffset.UtcNow.AddSeconds(3));

        var call = await api.NextPostAsync();

        Assert.Equal("/runtime/invocation/slow/response", call.Path);
        using var body = JsonDocument.Parse(call.Body);
        Assert.True(body.RootElement.GetProperty("cancelledBeforeDeadline").GetBoolean());
    }

    [Fact]
    public async Task Log_WhenAConnectionStringHasAPassword_ShouldNeverWriteThePassword()
    {
        const string password = "Sup3r-Secret-pw";
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(Probe, api.Address);
        var connection = $"Host=db.internal;Username=backup;Password={password};Database=technician_marketplace";
        api.Enqueue("log-1", JsonSerializer.Serialize(new Dictionary<string, string> { ["action"] = "log", ["message"] = connection }), InAMinute);

        await api.NextPostAsync();
        await api.DisposeAsync();
        await function.WaitForExitAsync();

        var lines = function.StdoutLines;
        var logged = Assert.Single(lines, l => l.Contains("db.internal", StringComparison.Ordinal) && l.Contains("\"message\"", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(logged);
        Assert.Equal("log-1", json.RootElement.GetProperty("requestId").GetString());
        Assert.Equal("INFO", json.RootElement.GetProperty("level").GetString());
        Assert.All(lines.Concat(function.StderrLines), l => Assert.DoesNotContain(password, l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenRuntimeApiVariableIsMissing_ShouldExitWithAClearMessage()
    {
        await using var function = FunctionProcess.Start(Probe, runtimeApi: string.Empty);

        var exitCode = await function.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Contains(function.StdoutLines, l => l.Contains("AWS_LAMBDA_RUNTIME_API is not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthCheckExecutable_WhenInvokedThroughRuntimeApi_ShouldReportAHealthyEndpoint()
    {
        await using var service = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("ok"));
        await using var api = await FakeRuntimeApi.StartAsync();
        await using var function = FunctionProcess.Start(RepositoryPaths.BuiltAssembly("functions/HealthCheck", "HealthCheck"), api.Address);
        api.Enqueue("hc-1", JsonSerializer.Serialize(new Dictionary<string, object> { ["url"] = new Uri(service.BaseUrl, "health").ToString() }), InAMinute);

        var call = await api.NextPostAsync();

        Assert.True(call.Path == "/runtime/invocation/hc-1/response", call.Body);
        using var body = JsonDocument.Parse(call.Body);
        Assert.True(body.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(200, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(1, body.RootElement.GetProperty("attempts").GetInt32());
    }
}
