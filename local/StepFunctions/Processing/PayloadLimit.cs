using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;

namespace DisasterRecovery.LocalStepFunctions.Processing;

/// <summary>
/// Step Functions' quota on data between states: 256 KiB (262,144 bytes) of UTF-8 JSON for an execution's input, a
/// state's input after Parameters, a task's result and a state's output. Over it, the state fails with
/// States.DataLimitExceeded (the cause for a result or output is AWS's wording).
/// </summary>
public static class PayloadLimit
{
    /// <summary>The quota, in bytes of the UTF-8 encoded JSON text.</summary>
    public const int MaxBytes = 262_144;

    /// <summary>The size AWS measures: bytes of the UTF-8 encoded JSON text.</summary>
    public static int SizeOf(string json) => Encoding.UTF8.GetByteCount(json);

    /// <summary>Fails with States.DataLimitExceeded when <paramref name="json"/> is over the quota.</summary>
    /// <param name="json">The payload's JSON text.</param>
    /// <param name="source">What AWS names in the cause: the state, or for a task's result the resource (<c>lambda</c>, <c>aws-sdk:s3</c>).</param>
    internal static void Check(string json, string source)
    {
        var size = SizeOf(json);
        if (size > MaxBytes)
        {
            throw new StatesErrorException(ErrorNames.DataLimitExceeded,
                $"The state/task '{source}' returned a result with a size exceeding the maximum number of bytes service limit. " +
                $"({size} bytes; the limit is {MaxBytes} bytes of UTF-8 JSON)");
        }
    }

    /// <summary>Checks a state's input after Parameters (or ItemSelector), which AWS limits like an output.</summary>
    internal static JsonNode? CheckInput(JsonNode? input, string stateName)
    {
        var size = SizeOf(JsonValues.ToJson(input));
        if (size > MaxBytes)
        {
            throw new StatesErrorException(ErrorNames.DataLimitExceeded,
                $"The state/task '{stateName}' has an input with a size exceeding the maximum number of bytes service limit. " +
                $"({size} bytes after Parameters; the limit is {MaxBytes} bytes of UTF-8 JSON)");
        }

        return input;
    }

    /// <summary>Checks a payload node; see <see cref="Check(string, string)"/>.</summary>
    internal static JsonNode? Check(JsonNode? payload, string source)
    {
        Check(JsonValues.ToJson(payload), source);
        return payload;
    }

    /// <summary>
    /// The name AWS gives a task's resource in the cause: the integration's service (<c>lambda</c>), the SDK
    /// integration's <c>aws-sdk:service</c>, or the whole ARN for a Lambda function or activity ARN.
    /// </summary>
    internal static string ResourceName(string resource)
    {
        const string prefix = "arn:aws:states:::";
        if (!resource.StartsWith(prefix, StringComparison.Ordinal))
        {
            return resource;
        }

        var parts = resource[prefix.Length..].Split(':');
        return parts[0] == "aws-sdk" && parts.Length > 1 ? $"aws-sdk:{parts[1]}" : parts[0];
    }
}
