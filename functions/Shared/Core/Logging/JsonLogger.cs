using System.Text;
using System.Text.Json;

namespace DisasterRecovery.Core.Logging;

/// <summary>
/// Writes one JSON object per line: time, level, requestId, function, message, then fields.
/// CloudWatch Logs Insights and the local cloud both read these lines; every string passes
/// through <see cref="SecretRedactor"/> first.
/// </summary>
public sealed class JsonLogger
{
    private static readonly object WriteLock = new();
    private readonly TextWriter _output;
    private readonly TimeProvider _time;

    /// <summary>A logger writing to standard output.</summary>
    public JsonLogger(string function)
        : this(function, Console.Out, TimeProvider.System)
    {
    }

    /// <summary>A logger writing to any writer (tests capture lines this way).</summary>
    public JsonLogger(string function, TextWriter output, TimeProvider time, string? requestId = null)
    {
        Function = function;
        _output = output;
        _time = time;
        RequestId = requestId;
    }

    /// <summary>The function (or component) name stamped on every line.</summary>
    public string Function { get; }

    /// <summary>The invocation this logger belongs to, if any.</summary>
    public string? RequestId { get; }

    /// <summary>The same logger, stamping every line with an invocation's request id.</summary>
    public JsonLogger ForRequest(string requestId) => new(Function, _output, _time, requestId);

    public void Debug(string message, params (string Name, object? Value)[] fields) => Write(LogLevel.Debug, message, fields);

    public void Info(string message, params (string Name, object? Value)[] fields) => Write(LogLevel.Info, message, fields);

    public void Warn(string message, params (string Name, object? Value)[] fields) => Write(LogLevel.Warn, message, fields);

    public void Error(string message, params (string Name, object? Value)[] fields) => Write(LogLevel.Error, message, fields);

    /// <summary>Writes one line.</summary>
    public void Write(LogLevel level, string message, IReadOnlyList<(string Name, object? Value)> fields)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping: a message says "isn't", not "isn\u0027t" (the line is read by people, never embedded in HTML).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("time", _time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", level.ToString().ToUpperInvariant());
            if (RequestId is not null)
            {
                json.WriteString("requestId", RequestId);
            }

            json.WriteString("function", Function);
            json.WriteString("message", SecretRedactor.Redact(message));
            foreach (var (name, value) in fields)
            {
                json.WritePropertyName(name);
                WriteValue(json, name, value);
            }

            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (WriteLock)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
            return;
        }

        if (SecretRedactor.IsSecretFieldName(name))
        {
            json.WriteStringValue(SecretRedactor.Mask);
            return;
        }

        switch (value)
        {
            case string s:
                json.WriteStringValue(SecretRedactor.Redact(s));
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int or long or short or byte or uint or ulong:
                json.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumberValue(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset time:
                json.WriteStringValue(time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                json.WriteNumberValue(Math.Round(span.TotalMilliseconds, 3));
                break;
            case Exception e:
                json.WriteStringValue(SecretRedactor.Redact($"{e.GetType().Name}: {e.Message}"));
                break;
            default:
                json.WriteStringValue(SecretRedactor.Redact(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
                break;
        }
    }
}
