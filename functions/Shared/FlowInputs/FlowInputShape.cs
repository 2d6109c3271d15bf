using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// The structural half of a flow input check, read from the record's JSON metadata: the input is an object, every
/// field is one the record has (case-sensitive, as the flow's JSONPath reads it), and every value has the JSON type of
/// its property. Null stands for absent. Values are never echoed except numbers and booleans (a string might be a
/// credential pasted into the wrong field).
/// </summary>
internal sealed class FlowInputShape(FlowInputKind kind)
{
    public void Check(JsonElement input)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidInputException("input", $"must be a JSON object of the {kind.Flow} flow's fields, was {Describe(input)}");
        }

        CheckObject(input, kind.TypeInfo, prefix: string.Empty);
    }

    private void CheckObject(JsonElement value, JsonTypeInfo typeInfo, string prefix)
    {
        var properties = typeInfo.Properties.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var member in value.EnumerateObject())
        {
            var field = prefix + member.Name;
            if (!properties.TryGetValue(member.Name, out var property))
            {
                throw new InvalidInputException(field, Unknown(member.Name, typeInfo, prefix));
            }

            if (member.Value.ValueKind != JsonValueKind.Null)
            {
                CheckValue(member.Value, property.PropertyType, typeInfo.Options, field);
            }
        }
    }

    private void CheckValue(JsonElement value, Type type, JsonSerializerOptions options, string field)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var (expected, fits) = target switch
        {
            _ when target == typeof(string) => ("a string", value.ValueKind == JsonValueKind.String),
            _ when target == typeof(int) => ("a whole number", value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _)),
            _ when target == typeof(double) => ("a number", value.ValueKind == JsonValueKind.Number),
            _ when target == typeof(bool) => ("true or false", value.ValueKind is JsonValueKind.True or JsonValueKind.False),
            _ when typeof(IEnumerable<string>).IsAssignableFrom(target) || typeof(IEnumerable<string?>).IsAssignableFrom(target)
                => ("a list of strings", value.ValueKind == JsonValueKind.Array),
            _ => ("an object", value.ValueKind == JsonValueKind.Object),
        };
        if (!fits)
        {
            throw new InvalidInputException(field, $"must be {expected}, was {Describe(value)}");
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidInputException($"{field}[{index}]", $"must be a string, was {Describe(item)}");
                }

                index++;
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            CheckObject(value, options.GetTypeInfo(target), field + ".");
        }
    }

    private string Unknown(string name, JsonTypeInfo typeInfo, string prefix)
    {
        var names = typeInfo.Properties.Select(p => p.Name).ToList();
        var owner = prefix.Length == 0 ? $"the {kind.Flow} flow's input" : prefix.TrimEnd('.');
        var takes = names.Count == 0 ? "it takes no fields (send {})" : $"it takes {string.Join(", ", names)}";
        if (prefix.Length == 0 && kind.NotTaken.TryGetValue(name, out var instead))
        {
            return $"is not a field of {owner}: {instead}; {takes}";
        }

        var sameButCase = names.FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        var hint = sameButCase is null ? string.Empty : $" (names are case-sensitive: {sameButCase})";
        return $"is not a field of {owner}{hint}; {takes}";
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"a number ({value.GetRawText()})",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
