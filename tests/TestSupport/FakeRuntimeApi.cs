using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// Plays the Lambda Runtime API (2018-06-01) for a function process under test: hands out the
/// events a test queues and records every call the function makes, so tests assert the exact calls.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01";
    private readonly Channel<QueuedEvent> _events = Channel.CreateUnbounded<QueuedEvent>();
    private readonly Channel<RecordedCall> _calls = Channel.CreateUnbounded<RecordedCall>();
    private readonly ConcurrentQueue<RecordedCall> _allCalls = new();
    private readonly WebApplication _app;

    private FakeRuntimeApi(WebApplication app) => _app = app;

    /// <summary>host:port, the value of AWS_LAMBDA_RUNTIME_API.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Every call so far, in order, including each GET of the next event.</summary>
    public IReadOnlyCollection<RecordedCall> AllCalls => _allCalls;

    public static async Task<FakeRuntimeApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeRuntimeApi(app);
        app.Run(api.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        api.Address = new Uri(address).Authority;
        return api;
    }

    /// <summary>Queues an event for the function's next GET.</summary>
    public void Enqueue(string requestId, string payload, DateTimeOffset deadline, string? traceId = null,
        string functionArn = "arn:aws:lambda:us-east-1:123456789012:function:under-test") =>
        _events.Writer.TryWrite(new QueuedEvent(requestId, payload, deadline, traceId, functionArn));

    /// <summary>The next POST the function makes (response, error or init error).</summary>
    public async Task<RecordedCall> NextPostAsync()
    {
        // A guard against a hung function, not a measurement: 60 s is far beyond any real answer.
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _calls.Reader.ReadAsync(guard.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? string.Empty;
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var call = new RecordedCall(
            http.Request.Method,
            path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : path,
            http.Request.ContentType,
            http.Request.Headers["Lambda-Runtime-Function-Error-Type"].FirstOrDefault(),
            body);
        _allCalls.Enqueue(call);

        if (http.Request.Method == "GET" && call.Path == "/runtime/invocation/next")
        {
            QueuedEvent next;
            try
            {
                next = await _events.Reader.ReadAsync(http.RequestAborted);
            }
            catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
            {
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            http.Response.Headers["Lambda-Runtime-Aws-Request-Id"] = next.RequestId;
            http.Response.Headers["Lambda-Runtime-Deadline-Ms"] =
                next.Deadline.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["Lambda-Runtime-Invoked-Function-Arn"] = next.FunctionArn;
            if (next.TraceId is not null)
            {
                http.Response.Headers["Lambda-Runtime-Trace-Id"] = next.TraceId;
            }

            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(next.Payload);
            return;
        }

        var known = http.Request.Method == "POST" &&
            (call.Path == "/runtime/init/error" ||
             (call.Path.StartsWith("/runtime/invocation/", StringComparison.Ordinal) &&
              (call.Path.EndsWith("/response", StringComparison.Ordinal) || call.Path.EndsWith("/error", StringComparison.Ordinal))));
        http.Response.StatusCode = known ? StatusCodes.Status202Accepted : StatusCodes.Status404NotFound;
        _calls.Writer.TryWrite(call);
    }

    private sealed record QueuedEvent(string RequestId, string Payload, DateTimeOffset Deadline, string? TraceId, string FunctionArn);
}

/// <summary>One request a function process made to the Runtime API (path without the version prefix).</summary>
public sealed record RecordedCall(string Method, string Path, string? ContentType, string? ErrorTypeHeader, string Body);
