using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Json;

namespace DisasterRecovery.LocalStepFunctions.Paths;

/// <summary>
/// A reference path: a JSONPath restricted so it identifies a single node — dot/bracket fields and array
/// indexes only; <c>* .. , : ? @</c> and filters are rejected. Used by ResultPath, ItemsPath, Choice
/// <c>Variable</c> and the <c>…Path</c> fields, where several nodes would make no sense.
/// </summary>
public sealed class ReferencePath
{
    private ReferencePath(JsonPathExpression path) => Path = path;

    /// <summary><c>$</c>: the whole input.</summary>
    public static ReferencePath Root { get; } = new(JsonPathExpression.Root);

    /// <summary>The underlying path.</summary>
    public JsonPathExpression Path { get; }

    /// <summary>The path as written.</summary>
    public string Text => Path.Text;

    /// <summary>True for <c>$$…</c>, the context object.</summary>
    public bool IsContextPath => Path.IsContextPath;

    /// <summary>Parses and checks the single-node restriction; throws <see cref="FormatException"/>.</summary>
    public static ReferencePath Parse(string text)
    {
        var path = JsonPathExpression.Parse(text);
        if (!path.IsReferencePath)
        {
            throw new FormatException(
                $"'{text}' is not a reference path: only '.field', \"['field']\" and non-negative [index] are allowed " +
                "(no '*', '..', ',', ':', '?', '@' or filters).");
        }

        return new ReferencePath(path);
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string text, out ReferencePath? path, out string? error)
    {
        try
        {
            path = Parse(text);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            path = null;
            error = ex.Message;
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Reads the single node; false when it is not there. Returns a detached copy.</summary>
    internal bool TryGet(JsonNode? root, out JsonNode? value) => Path.TrySelect(root, out value);

    /// <summary>
    /// ResultPath semantics: returns a copy of <paramref name="input"/> with <paramref name="value"/> placed at
    /// this path, creating the missing intermediate objects. Fails when the path walks through a non-object
    /// (or an array index that does not exist), which AWS reports as States.ResultPathMatchFailure.
    /// </summary>
    internal bool TrySet(JsonNode? input, JsonNode? value, out JsonNode? output, out string? failure)
    {
        failure = null;
        if (Path.IsRoot)
        {
            output = value;
            return true;
        }

        output = JsonValues.Clone(input);
        var current = output;
        var segments = Path.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var last = i == segments.Count - 1;
            switch (segments[i], current)
            {
                case (FieldSegment field, JsonObject obj):
                    if (last)
                    {
                        obj[field.Name] = value;
                        return true;
                    }

                    if (!obj.TryGetPropertyValue(field.Name, out var child) || child is null)
                    {
                        child = new JsonObject();
                        obj[field.Name] = child;
                    }

                    current = child;
                    break;
                case (IndexSegment index, JsonArray array) when index.Index < array.Count:
                    if (last)
                    {
                        array[index.Index] = value;
                        return true;
                    }

                    current = array[index.Index];
                    break;
                default:
                    failure = $"Unable to apply ResultPath '{Text}' to input '{JsonValues.ToJson(input)}': " +
                              $"'{segments[i].Canonical}' cannot be set on a {JsonValues.Kind(current).ToString().ToLowerInvariant()} value.";
                    output = null;
                    return false;
            }
        }

        return true;
    }
}
