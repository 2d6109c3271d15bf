using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.TestSupport.AwsModels;

/// <summary>
/// A request shape an emulator declares, in a form every emulator's own shape type converts to: <see cref="Kind"/> is
/// <c>structure</c>, <c>list</c>, <c>map</c>, <c>any</c>, or a scalar (<c>string</c>, <c>integer</c>, <c>number</c>,
/// <c>boolean</c>, <c>timestamp</c>).
/// </summary>
public sealed record DeclaredShape(string Kind, IReadOnlyDictionary<string, DeclaredShape> Members, IReadOnlySet<string> Required, DeclaredShape? Item)
{
    /// <summary>A scalar or <c>any</c>.</summary>
    public static DeclaredShape Scalar(string kind) => new(kind, new Dictionary<string, DeclaredShape>(), new HashSet<string>(), null);

    /// <summary>A list or map of <paramref name="item"/>.</summary>
    public static DeclaredShape Of(string kind, DeclaredShape item) => new(kind, new Dictionary<string, DeclaredShape>(), new HashSet<string>(), item);
}

/// <summary>
/// Checks what an emulator accepts and answers against AWS's model of the same action, in Step Functions' spelling.
/// Each check returns one line per problem, naming the action and the member.
/// </summary>
public static class ModelConformance
{
    /// <summary>
    /// Every member the emulator accepts is a member of the model's request, with a compatible type, recursively; every
    /// member the model requires, the emulator requires (a call AWS refuses must be refused); every member the emulator
    /// requires, the model requires (a call AWS accepts must be accepted). With <paramref name="complete"/>, every member
    /// of the model is accepted too (for an emulator that claims to declare the whole request).
    /// </summary>
    public static IReadOnlyList<string> RequestProblems(string where, DeclaredShape declared, ModelShape model, bool complete = false)
    {
        var problems = new List<string>();
        CompareRequest(where, declared, model, complete, problems);
        return problems;
    }

    /// <summary>Every field of an emulator's response is a member of the model's response, with the member's JSON type, recursively.</summary>
    public static IReadOnlyList<string> ResponseProblems(string where, JsonNode? response, ModelShape model)
    {
        var problems = new List<string>();
        CompareResponse(where, response, model, problems);
        return problems;
    }

    private static void CompareRequest(string where, DeclaredShape declared, ModelShape model, bool complete, List<string> problems)
    {
        if (declared.Kind == "any" || model.IsAny)
        {
            return;
        }

        if (!Compatible(declared.Kind, model))
        {
            problems.Add($"{where}: the emulator takes {declared.Kind}, the model {model}");
            return;
        }

        switch (declared.Kind)
        {
            case "structure":
                foreach (var (name, member) in declared.Members.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    if (!model.Members.TryGetValue(name, out var modelMember))
                    {
                        problems.Add($"{where}.{name}: the emulator accepts it, but {model.Name} has no such member{Hint(name, model)}");
                        continue;
                    }

                    CompareRequest($"{where}.{name}", member, modelMember, complete, problems);
                }

                foreach (var required in model.Required.Where(r => !declared.Required.Contains(r)).Order(StringComparer.Ordinal))
                {
                    problems.Add($"{where}.{required}: {model.Name} requires it, the emulator does not");
                }

                var requiredHere = declared.Required.Where(r => !model.Required.Contains(r) && model.Members.ContainsKey(r)).Order(StringComparer.Ordinal);
                foreach (var required in requiredHere)
                {
                    problems.Add($"{where}.{required}: the emulator requires it, {model.Name} does not");
                }

                if (complete)
                {
                    foreach (var missing in model.Members.Keys.Where(m => !declared.Members.ContainsKey(m)).Order(StringComparer.Ordinal))
                    {
                        problems.Add($"{where}.{missing}: a member of {model.Name} the emulator refuses");
                    }
                }

                break;
            case "list" or "map":
                CompareRequest($"{where}[]", declared.Item!, model.Item!, complete, problems);
                break;
        }
    }

    private static void CompareResponse(string where, JsonNode? value, ModelShape model, List<string> problems)
    {
        if (model.IsAny)
        {
            return;
        }

        switch (value)
        {
            case null:
                problems.Add($"{where}: null, which Step Functions never returns for a {model}");
                return;
            case JsonObject fields when model.IsStructure:
                foreach (var (name, field) in fields)
                {
                    if (!model.Members.TryGetValue(name, out var member))
                    {
                        problems.Add($"{where}.{name}: the emulator returns it, but {model.Name} has no such member{Hint(name, model)}");
                        continue;
                    }

                    CompareResponse($"{where}.{name}", field, member, problems);
                }

                return;
            case JsonObject entries when model.Type == "map":
                foreach (var (key, entry) in entries)
                {
                    CompareResponse($"{where}.{key}", entry, model.Item!, problems);
                }

                return;
            case JsonArray items when model.Type == "list":
                for (var i = 0; i < items.Count; i++)
                {
                    CompareResponse($"{where}[{i}]", items[i], model.Item!, problems);
                }

                return;
            case JsonValue scalar when model.IsScalar && ScalarMatches(scalar, model.Type):
                return;
            default:
                var returned = value.GetValueKind().ToString().ToLowerInvariant();
                problems.Add($"{where}: the emulator returns {returned} {Clip(value.ToJsonString())}, the model says {model}");
                return;
        }
    }

    private static bool Compatible(string declared, ModelShape model) => declared switch
    {
        "structure" => model.IsStructure,
        "list" => model.Type == "list",
        "map" => model.Type == "map",
        "string" => model.Type is "string" or "blob",
        "integer" => model.Type is "integer" or "long",
        "number" => model.Type is "double" or "float",
        "boolean" => model.Type == "boolean",
        "timestamp" => model.Type == "timestamp",
        _ => false,
    };

    private static bool ScalarMatches(JsonValue value, string type)
    {
        var kind = value.GetValueKind();
        return type switch
        {
            "string" or "blob" => kind == JsonValueKind.String,
            "integer" or "long" => kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), out _),
            "double" or "float" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            // Step Functions writes SDK timestamps as ISO-8601 strings.
            "timestamp" => kind == JsonValueKind.String
                && DateTimeOffset.TryParse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _),
            _ => false,
        };
    }

    private static string Hint(string name, ModelShape model)
    {
        var near = model.Members.Keys.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase));
        return near is null ? string.Empty : $" (Step Functions spells it {near}: the AWS SDK for Java v2's name, capitalised)";
    }

    private static string Clip(string json) => json.Length <= 60 ? json : json[..57] + "...";
}
