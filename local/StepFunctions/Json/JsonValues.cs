using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalStepFunctions.Json;

/// <summary>
/// Small helpers over <see cref="JsonNode"/>. A C# <c>null</c> node always means JSON <c>null</c>;
/// "missing" is modelled separately by the path evaluators, because ASL distinguishes the two.
/// </summary>
internal static class JsonValues
{
    /// <summary>Compact output without HTML escaping, so history and outputs read like AWS's.</summary>
    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static string ToJson(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    public static JsonNode? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return new JsonObject();
        }

        return JsonNode.Parse(text);
    }

    public static bool DeepEquals(JsonNode? left, JsonNode? right)
    {
        // Numbers compare by value (1 == 1.0), as JSON has a single number type.
        if (Kind(left) == JsonValueKind.Number && Kind(right) == JsonValueKind.Number)
        {
            return TryGetDecimalOrDouble(left!, out var l) && TryGetDecimalOrDouble(right!, out var r) && l == r;
        }

        return JsonNode.DeepEquals(left, right);
    }

    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (Kind(node) != JsonValueKind.Number)
        {
            return false;
        }

        return double.TryParse(node!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>True when the node is a JSON number with an integral value that fits a long.</summary>
    public static bool TryGetInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (!TryGetDouble(node, out var d) || Math.Floor(d) != d || d > long.MaxValue || d < long.MinValue)
        {
            return false;
        }

        value = (long)d;
        return true;
    }

    public static bool TryGetString(JsonNode? node, out string value)
    {
        value = string.Empty;
        if (Kind(node) != JsonValueKind.String)
        {
            return false;
        }

        value = node!.GetValue<string>();
        return true;
    }

    public static bool TryGetBoolean(JsonNode? node, out bool value)
    {
        value = false;
        switch (Kind(node))
        {
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.False:
                return true;
            default:
                return false;
        }
    }

    /// <summary>The "natural string representation" the spec asks States.Format to use.</summary>
    public static string ToNaturalString(JsonNode? node) =>
        Kind(node) == JsonValueKind.String ? node!.GetValue<string>() : ToJson(node);

    public static JsonNode Number(long value) => JsonValue.Create(value);

    private static bool TryGetDecimalOrDouble(JsonNode node, out double value) => TryGetDouble(node, out value);
}
