using System.Text.Json.Serialization;
using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Lambda.RuntimeApi;

/// <summary>
/// The Runtime API's error body. <see cref="ErrorType"/> is the exception's type name, which is what
/// Step Functions matches in <c>ErrorEquals</c>.
/// </summary>
public sealed record ErrorReport(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    /// <summary>Describes an exception, unwrapping the wrappers that hide the real cause.</summary>
    public static ErrorReport From(Exception exception)
    {
        var e = Unwrap(exception);
        var frames = (e.StackTrace ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ErrorReport(SecretRedactor.Redact(e.Message), e.GetType().Name, frames);
    }

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    continue;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    continue;
                default:
                    return e;
            }
        }
    }
}

[JsonSerializable(typeof(ErrorReport))]
internal sealed partial class RuntimeApiJsonContext : JsonSerializerContext;
