using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>
/// How an execution's error reaches the person at the terminal. A function error's Cause is Lambda's JSON error
/// object (<c>{"errorMessage", "errorType", "stackTrace"}</c>): it is shown decoded, as <c>errorType: errorMessage</c>
/// (so escapes such as <c>\u0027</c> come out as the characters they stand for), and its stack trace only with
/// <c>--verbose</c>. Any other Cause is shown as it is.
/// </summary>
internal static class ErrorDisplay
{
    /// <summary>A Lambda function error, decoded from a Cause.</summary>
    internal sealed record FunctionError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace);

    /// <summary>The function error a Cause holds, or null when the Cause is not Lambda's JSON error object.</summary>
    public static FunctionError? Decode(string? cause)
    {
        if (string.IsNullOrWhiteSpace(cause) || !cause.TrimStart().StartsWith('{'))
        {
            return null;
        }

        JsonObject? error;
        try
        {
            error = JsonNode.Parse(cause) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }

        if (error?["errorType"] is not JsonValue type || !type.TryGetValue<string>(out var errorType) ||
            error["errorMessage"] is not JsonValue message || !message.TryGetValue<string>(out var errorMessage))
        {
            return null;
        }

        var trace = error["stackTrace"] is JsonArray frames
            ? frames.OfType<JsonValue>().Select(f => f.TryGetValue<string>(out var frame) ? frame : f.ToJsonString()).ToList()
            : [];
        return new FunctionError(errorType, errorMessage, trace);
    }

    /// <summary>The Cause for one line: <c>errorType: errorMessage</c> for a function error, else the Cause itself.</summary>
    public static string Cause(string? cause) =>
        Decode(cause) is { } function ? $"{function.ErrorType}: {function.ErrorMessage}" : cause ?? string.Empty;

    /// <summary>
    /// Error and Cause on one line: <c>errorType: errorMessage</c> when the error is the function's own errorType,
    /// <c>Error: errorType: errorMessage</c> when Step Functions named it otherwise, <c>Error: Cause</c> for the rest.
    /// </summary>
    public static string Summary(string? error, string? cause)
    {
        if (Decode(cause) is not { } function)
        {
            return $"{error}: {cause}";
        }

        return function.ErrorType == error ? $"{error}: {function.ErrorMessage}" : $"{error}: {function.ErrorType}: {function.ErrorMessage}";
    }

    /// <summary>The stack trace of a function error's Cause (empty for any other Cause).</summary>
    public static IReadOnlyList<string> StackTrace(string? cause) => Decode(cause)?.StackTrace ?? [];
}
