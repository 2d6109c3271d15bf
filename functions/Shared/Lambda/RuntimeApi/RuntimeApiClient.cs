using System.Net.Http.Headers;
using System.Text.Json;

namespace DisasterRecovery.Lambda.RuntimeApi;

/// <summary>
/// Client of the Lambda Runtime API (version 2018-06-01) at <c>AWS_LAMBDA_RUNTIME_API</c>.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>The content type Lambda requires for error reports.</summary>
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    private readonly HttpClient _http;

    /// <param name="runtimeApi">host:port, as Lambda puts it in <c>AWS_LAMBDA_RUNTIME_API</c>.</param>
    public RuntimeApiClient(string runtimeApi)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/"),
            // /next blocks until an event arrives, which can be minutes or hours: no client timeout.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Waits for the next event.</summary>
    public async Task<Invocation> NextInvocationAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var headers = response.Headers;
        var requestId = Header(headers, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new InvalidOperationException("the Runtime API sent an event without Lambda-Runtime-Aws-Request-Id");
        var deadlineMs = long.TryParse(Header(headers, "Lambda-Runtime-Deadline-Ms"), out var ms)
            ? ms
            : throw new InvalidOperationException("the Runtime API sent an event without a valid Lambda-Runtime-Deadline-Ms");
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(
            requestId,
            DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs),
            Header(headers, "Lambda-Runtime-Invoked-Function-Arn") ?? string.Empty,
            Header(headers, "Lambda-Runtime-Trace-Id"),
            payload);
    }

    /// <summary>Reports a successful result.</summary>
    public async Task PostResponseAsync(string requestId, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http
            .PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken)
            .ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Reports that the handler failed for this event.</summary>
    public Task PostErrorAsync(string requestId, ErrorReport error, CancellationToken cancellationToken) =>
        PostErrorReportAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", error, cancellationToken);

    /// <summary>Reports that the function could not start.</summary>
    public Task PostInitErrorAsync(ErrorReport error, CancellationToken cancellationToken) =>
        PostErrorReportAsync("runtime/init/error", error, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostErrorReportAsync(string path, ErrorReport error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(ErrorReportBytes(error));
        content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation("Lambda-Runtime-Function-Error-Type", error.ErrorType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The report as JSON with relaxed escaping: Step Functions shows it as the Cause, which people read ("isn't", not
    /// "isn\u0027t"); it is never embedded in HTML.
    /// </summary>
    internal static byte[] ErrorReportBytes(ErrorReport error)
    {
        using var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            JsonSerializer.Serialize(writer, error, RuntimeApiJsonContext.Default.ErrorReport);
        }

        return buffer.ToArray();
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
