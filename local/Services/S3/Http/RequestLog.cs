using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DisasterRecovery.LocalS3.Http;

/// <summary>One request as logged: never the query string, headers or body, which may hold signatures.</summary>
internal sealed record RequestLogEntry(
    string Time,
    string RequestId,
    string Method,
    string Operation,
    string? Bucket,
    string? Key,
    int Status,
    double DurationMs,
    string? Error);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RequestLogEntry))]
internal sealed partial class RequestLogJson : JsonSerializerContext;

/// <summary>Writes one JSON line per request to the configured writer (stdout for the standalone command).</summary>
internal sealed class RequestLog
{
    // Relaxed escaping keeps keys readable ("a+b", not "a\u002Bb"); the log is never embedded in HTML.
    private static readonly RequestLogJson Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });

    private readonly TextWriter? writer;

    public RequestLog(TextWriter? writer)
    {
        this.writer = writer is null ? null : TextWriter.Synchronized(writer);
    }

    public void Write(RequestLogEntry entry)
    {
        writer?.WriteLine(JsonSerializer.Serialize(entry, Json.RequestLogEntry));
    }
}
