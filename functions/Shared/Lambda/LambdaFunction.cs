using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DisasterRecovery.Core;

namespace DisasterRecovery.Lambda;

/// <summary>
/// Binds a typed handler to JSON with source-generated metadata: parses and validates input,
/// calls the handler, serializes the output.
/// </summary>
public sealed class LambdaFunction<TInput, TOutput>(
    string name,
    ILambdaHandler<TInput, TOutput> handler,
    JsonTypeInfo<TInput> inputType,
    JsonTypeInfo<TOutput> outputType) : ILambdaFunction
{
    public string Name { get; } = name;

    public async Task<byte[]> InvokeAsync(ReadOnlyMemory<byte> payload, ILambdaContext context)
    {
        var input = Parse(payload.Span);
        if (input is IValidatable validatable)
        {
            validatable.Validate();
        }

        var output = await handler.HandleAsync(input, context).ConfigureAwait(false);
        return JsonSerializer.SerializeToUtf8Bytes(output, outputType);
    }

    /// <summary>Parses the payload, turning every way it can be wrong into <see cref="MalformedInputException"/>.</summary>
    public TInput Parse(ReadOnlySpan<byte> payload)
    {
        var inputName = typeof(TInput).Name;
        if (payload.IsEmpty)
        {
            throw new MalformedInputException($"the input is empty; {Name} expects a JSON object ({inputName})");
        }

        TInput? input;
        try
        {
            input = JsonSerializer.Deserialize(payload, inputType);
        }
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? string.Empty : $" at {e.Path}";
            throw new MalformedInputException($"the input is not a valid {inputName}{where}: {FirstSentence(e.Message)}", e);
        }

        return input ?? throw new MalformedInputException($"the input is JSON null; {Name} expects a JSON object ({inputName})");
    }

    // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 3." which we already report.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
