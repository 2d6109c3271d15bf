using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>What a resource resolves to: its <c>Ref</c> value and its <c>Fn::GetAtt</c> attributes.</summary>
internal sealed record ResourceIdentity(string Type, string Ref, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// Evaluates CloudFormation intrinsic functions (long form, as SamTemplate hands them over) against the local
/// stack: parameters (override or default), pseudo parameters, conditions and the local identities of resources.
/// Every failure names where it happened (<c>resource: property.path</c>) and what was asked for.
/// </summary>
internal sealed class IntrinsicResolver
{
    private static readonly JsonNode NoValueMarker = JsonValue.Create("\u0000AWS::NoValue");
    private readonly IReadOnlyDictionary<string, string> _parameters;
    private readonly IReadOnlyDictionary<string, string> _pseudo;
    private readonly JsonObject _conditions;
    private readonly JsonObject _mappings;
    private readonly Func<string, string, ResourceIdentity> _resource;
    private readonly Func<string, bool> _isResource;
    private readonly IReadOnlySet<string> _listParameters;
    private readonly Dictionary<string, bool> _conditionValues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evaluating = new(StringComparer.Ordinal);

    /// <param name="parameters">Effective parameter values.</param>
    /// <param name="pseudo">Pseudo parameters (AWS::StackName, AWS::Region, …).</param>
    /// <param name="conditions">The template's Conditions section.</param>
    /// <param name="mappings">The template's Mappings section.</param>
    /// <param name="isResource">Whether a logical id names a resource.</param>
    /// <param name="resource">The identity of a resource (logical id, where it is asked for).</param>
    /// <param name="listParameters">Parameters of a list type (CommaDelimitedList, List&lt;…&gt;): a Ref gives a list.</param>
    public IntrinsicResolver(
        IReadOnlyDictionary<string, string> parameters,
        IReadOnlyDictionary<string, string> pseudo,
        JsonObject conditions,
        JsonObject mappings,
        Func<string, bool> isResource,
        Func<string, string, ResourceIdentity> resource,
        IReadOnlySet<string>? listParameters = null)
    {
        _listParameters = listParameters ?? new HashSet<string>();
        _parameters = parameters;
        _pseudo = pseudo;
        _conditions = conditions;
        _mappings = mappings;
        _isResource = isResource;
        _resource = resource;
    }

    /// <summary>Resolves every intrinsic in <paramref name="node"/>; properties that resolve to AWS::NoValue are dropped.</summary>
    public JsonNode? Resolve(JsonNode? node, string where)
    {
        var resolved = ResolveNode(node, where);
        return ReferenceEquals(resolved, NoValueMarker) ? null : resolved;
    }

    /// <summary>Resolves a node that must end up a string (numbers and booleans are written as text).</summary>
    public string ResolveString(JsonNode? node, string where) => AsString(ResolveNode(node, where), where);

    /// <summary>Evaluates a named condition of the Conditions section.</summary>
    public bool EvaluateCondition(string name, string where)
    {
        if (_conditionValues.TryGetValue(name, out var known))
        {
            return known;
        }

        if (!_conditions.TryGetPropertyValue(name, out var definition))
        {
            throw new StackLoadException($"{where}: condition '{name}' is not defined in Conditions (defined: {List(_conditions.Select(c => c.Key))})");
        }

        if (!_evaluating.Add(name))
        {
            throw new StackLoadException($"{where}: condition '{name}' refers to itself");
        }

        try
        {
            var value = ResolveNode(definition, $"Conditions.{name}");
            if (value is not JsonValue v || !v.TryGetValue<bool>(out var result))
            {
                throw new StackLoadException($"Conditions.{name}: does not evaluate to true or false (got {Describe(value)})");
            }

            _conditionValues[name] = result;
            return result;
        }
        finally
        {
            _evaluating.Remove(name);
        }
    }

    private JsonNode? ResolveNode(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count == 1 && IsIntrinsic(obj.First().Key):
                var (name, argument) = (obj.First().Key, obj.First().Value);
                return Intrinsic(name, argument, $"{where} ({name})");
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    var resolved = ResolveNode(value, $"{where}.{key}");
                    if (!ReferenceEquals(resolved, NoValueMarker))
                    {
                        copy[key] = resolved;
                    }
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                for (var i = 0; i < array.Count; i++)
                {
                    var resolved = ResolveNode(array[i], $"{where}[{i}]");
                    if (!ReferenceEquals(resolved, NoValueMarker))
                    {
                        items.Add(resolved);
                    }
                }

                return items;
            default:
                return node?.DeepClone();
        }
    }

    private static bool IsIntrinsic(string key) => key == "Ref" || key == "Condition" || key.StartsWith("Fn::", StringComparison.Ordinal);

    private JsonNode? Intrinsic(string name, JsonNode? argument, string where)
    {
        switch (name)
        {
            case "Ref":
                return Ref(AsString(ResolveNode(argument, where), where), where);
            case "Condition":
                return JsonValue.Create(EvaluateCondition(AsString(argument, where), where));
            case "Fn::GetAtt":
                var (logicalId, attribute) = GetAttArguments(ResolveNode(argument, where), where);
                return JsonValue.Create(GetAtt(logicalId, attribute, where));
            case "Fn::Sub":
                return JsonValue.Create(Sub(argument, where));
            case "Fn::If":
                var ifArgs = Arguments(argument, 3, where);
                return EvaluateCondition(AsString(ifArgs[0], where), where) ? ResolveNode(ifArgs[1], where) : ResolveNode(ifArgs[2], where);
            case "Fn::Equals":
                var equalsArgs = Arguments(argument, 2, where);
                return JsonValue.Create(JsonNode.DeepEquals(Normalize(ResolveNode(equalsArgs[0], where)), Normalize(ResolveNode(equalsArgs[1], where))));
            case "Fn::And":
            case "Fn::Or":
                var operands = argument as JsonArray ?? throw new StackLoadException($"{where}: expects a list of 2 to 10 conditions");
                var values = operands.Select((o, i) => AsBool(ResolveNode(o, $"{where}[{i}]"), where)).ToList();
                return JsonValue.Create(name == "Fn::And" ? values.All(v => v) : values.Any(v => v));
            case "Fn::Not":
                return JsonValue.Create(!AsBool(ResolveNode(Arguments(argument, 1, where)[0], where), where));
            case "Fn::Join":
                var joinArgs = Arguments(argument, 2, where);
                var parts = ResolveNode(joinArgs[1], where) as JsonArray ?? throw new StackLoadException($"{where}: the second argument must be a list");
                return JsonValue.Create(string.Join(AsString(joinArgs[0], where), parts.Select(p => AsString(p, where))));
            case "Fn::Select":
                var selectArgs = Arguments(argument, 2, where);
                var list = ResolveNode(selectArgs[1], where) as JsonArray ?? throw new StackLoadException($"{where}: the second argument must be a list");
                var index = int.Parse(AsString(ResolveNode(selectArgs[0], where), where), CultureInfo.InvariantCulture);
                return index >= 0 && index < list.Count
                    ? list[index]?.DeepClone()
                    : throw new StackLoadException($"{where}: index {index} is outside the list of {list.Count}");
            case "Fn::Split":
                var splitArgs = Arguments(argument, 2, where);
                var text = ResolveString(splitArgs[1], where);
                return new JsonArray(text.Split(AsString(splitArgs[0], where)).Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
            case "Fn::Base64":
                return JsonValue.Create(Convert.ToBase64String(Encoding.UTF8.GetBytes(ResolveString(argument, where))));
            case "Fn::GetAZs":
                var region = _pseudo["AWS::Region"];
                return new JsonArray(JsonValue.Create(region + "a"), JsonValue.Create(region + "b"), JsonValue.Create(region + "c"));
            case "Fn::FindInMap":
                var mapArgs = Arguments(argument, 3, where);
                var keys = mapArgs.Select(a => ResolveString(a, where)).ToArray();
                return (_mappings[keys[0]] as JsonObject)?[keys[1]] is JsonObject second && second.TryGetPropertyValue(keys[2], out var found)
                    ? found?.DeepClone()
                    : throw new StackLoadException($"{where}: Mappings has no {keys[0]} → {keys[1]} → {keys[2]}");
            case "Fn::ImportValue":
                throw new StackLoadException($"{where}: cannot be resolved locally: the local cloud runs this one stack, there are no exports to import");
            default:
                throw new StackLoadException($"{where}: {name} is not supported by the local cloud");
        }
    }

    private JsonNode? Ref(string name, string where)
    {
        if (name == "AWS::NoValue")
        {
            return NoValueMarker;
        }

        if (_parameters.TryGetValue(name, out var parameter))
        {
            return _listParameters.Contains(name)
                ? new JsonArray(parameter.Split(',').Select(item => (JsonNode?)JsonValue.Create(item.Trim())).ToArray())
                : JsonValue.Create(parameter);
        }

        if (_pseudo.TryGetValue(name, out var pseudo))
        {
            return JsonValue.Create(pseudo);
        }

        if (name == "AWS::NotificationARNs")
        {
            return new JsonArray();
        }

        if (_isResource(name))
        {
            return JsonValue.Create(_resource(name, where).Ref);
        }

        throw new StackLoadException($"{where}: '{name}' is not a parameter, a pseudo parameter or a resource of this template");
    }

    private string GetAtt(string logicalId, string attribute, string where)
    {
        if (!_isResource(logicalId))
        {
            throw new StackLoadException($"{where}: '{logicalId}' is not a resource of this template");
        }

        var identity = _resource(logicalId, where);
        return identity.Attributes.TryGetValue(attribute, out var value)
            ? value
            : throw new StackLoadException(
                $"{where}: {logicalId} ({identity.Type}) has no attribute '{attribute}' the local cloud can resolve (it resolves: {List(identity.Attributes.Keys)})");
    }

    private static (string LogicalId, string Attribute) GetAttArguments(JsonNode? argument, string where)
    {
        switch (argument)
        {
            case JsonArray { Count: 2 } pair when pair[0] is JsonValue && pair[1] is JsonValue:
                return (pair[0]!.GetValue<string>(), pair[1]!.GetValue<string>());
            case JsonValue value when value.TryGetValue<string>(out var dotted) && dotted.Contains('.', StringComparison.Ordinal):
                var cut = dotted.IndexOf('.', StringComparison.Ordinal);
                return (dotted[..cut], dotted[(cut + 1)..]);
            default:
                throw new StackLoadException($"{where}: expects [LogicalId, Attribute], got {Describe(argument)}");
        }
    }

    private string Sub(JsonNode? argument, string where)
    {
        string template;
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (argument)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                template = text;
                break;
            case JsonArray { Count: 2 } pair when pair[0] is JsonValue first && first.TryGetValue<string>(out var text):
                template = text;
                if (pair[1] is not JsonObject map)
                {
                    throw new StackLoadException($"{where}: the second argument must be a map of variables");
                }

                foreach (var (key, node) in map)
                {
                    variables[key] = ResolveString(node, $"{where}.{key}");
                }

                break;
            default:
                throw new StackLoadException($"{where}: expects a string or [string, {{variables}}], got {Describe(argument)}");
        }

        var result = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] == '$' && i + 1 < template.Length && template[i + 1] == '{')
            {
                var end = template.IndexOf('}', i + 2);
                if (end < 0)
                {
                    throw new StackLoadException($"{where}: '${{' at position {i} is never closed in \"{template}\"");
                }

                var name = template[(i + 2)..end];
                if (name.StartsWith('!'))
                {
                    result.Append("${").Append(name, 1, name.Length - 1).Append('}');
                }
                else if (variables.TryGetValue(name, out var variable))
                {
                    result.Append(variable);
                }
                else if (name.Contains('.', StringComparison.Ordinal) && !name.StartsWith("AWS::", StringComparison.Ordinal))
                {
                    var cut = name.IndexOf('.', StringComparison.Ordinal);
                    result.Append(GetAtt(name[..cut], name[(cut + 1)..], $"{where} ${{{name}}}"));
                }
                else
                {
                    result.Append(AsString(Ref(name, $"{where} ${{{name}}}"), where));
                }

                i = end + 1;
            }
            else
            {
                result.Append(template[i]);
                i++;
            }
        }

        return result.ToString();
    }

    private static JsonNode?[] Arguments(JsonNode? argument, int count, string where) =>
        argument is JsonArray array && array.Count == count
            ? array.ToArray()
            : throw new StackLoadException($"{where}: expects a list of {count} arguments, got {Describe(argument)}");

    private static JsonNode? Normalize(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? JsonValue.Create(value.ToJsonString())
            : node;

    private static bool AsBool(JsonNode? node, string where) =>
        node is JsonValue value && value.TryGetValue<bool>(out var b)
            ? b
            : throw new StackLoadException($"{where}: expected a condition (true or false), got {Describe(node)}");

    private static string AsString(JsonNode? node, string where)
    {
        if (ReferenceEquals(node, NoValueMarker))
        {
            throw new StackLoadException($"{where}: AWS::NoValue cannot be used as a value here");
        }

        return node is JsonValue value
            ? value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()
            : throw new StackLoadException($"{where}: expected a string, got {Describe(node)}");
    }

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject obj => $"an object {Truncate(obj.ToJsonString())}",
        JsonArray array => $"a list {Truncate(array.ToJsonString())}",
        _ => node.ToJsonString(),
    };

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count == 0 ? "none" : string.Join(", ", all);
    }
}
