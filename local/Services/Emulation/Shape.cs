using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalEmulation;

/// <summary>
/// The request shape of an API action, PascalCase as Step Functions spells it. Used twice, as Step Functions does:
/// on the definition when the stack loads (an unknown field or a missing required one refuses the machine) and on
/// the effective parameters at run time (the task fails with States.Runtime, naming every problem).
/// </summary>
public abstract class Shape
{
    /// <summary>A string.</summary>
    public static Shape String { get; } = new ScalarShape("STRING", v => v.GetValueKind() == JsonValueKind.String);

    /// <summary>A whole number.</summary>
    public static Shape Integer { get; } = new ScalarShape("INTEGER", v => v.GetValueKind() == JsonValueKind.Number
        && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _));

    /// <summary>Any number.</summary>
    public static Shape Number { get; } = new ScalarShape("NUMBER", v => v.GetValueKind() == JsonValueKind.Number);

    /// <summary>true or false.</summary>
    public static Shape Boolean { get; } = new ScalarShape("BOOLEAN", v => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False);

    /// <summary>An ISO-8601 date-time string or epoch seconds.</summary>
    public static Shape Timestamp { get; } = new ScalarShape("TIMESTAMP", v =>
        v.GetValueKind() == JsonValueKind.Number
            || (v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _)));

    /// <summary>Any JSON value (documents the service takes as a whole, e.g. an SNS message attribute value).</summary>
    public static Shape Any { get; } = new AnyShape();

    /// <summary>How the type is named in problems (STRING, INTEGER, OBJECT, ARRAY, …).</summary>
    public abstract string TypeName { get; }

    /// <summary>A list's item shape or a map's value shape; null for other shapes (lets tests walk a shape against AWS's models).</summary>
    public virtual Shape? Item => null;

    /// <summary>True for a map (an object with any keys); a structure's members are in <see cref="StructureShape.Members"/>.</summary>
    public virtual bool IsMap => false;

    /// <summary>A structure with the given members.</summary>
    public static StructureShape Structure(params Member[] members) => new(members);

    /// <summary>A list of <paramref name="item"/>.</summary>
    public static Shape List(Shape item) => new ListShape(item);

    /// <summary>A map of string keys to <paramref name="value"/>.</summary>
    public static Shape Map(Shape value) => new MapShape(value);

    /// <summary>Checks an actual value (run time).</summary>
    public abstract void Validate(JsonNode? value, string path, List<string> problems);

    /// <summary>Checks a literal from a definition, where <c>"Field.$"</c> keys are filled in at run time.</summary>
    public virtual void ValidateTemplate(JsonNode? literal, string path, List<string> problems) => Validate(literal, path, problems);

    private protected static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private protected static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "OBJECT",
        JsonArray => "ARRAY",
        _ => node.GetValueKind().ToString().ToUpperInvariant(),
    };

    private sealed class ScalarShape(string name, Func<JsonValue, bool> accepts) : Shape
    {
        public override string TypeName => name;

        public override void Validate(JsonNode? value, string path, List<string> problems)
        {
            if (value is not JsonValue scalar || !accepts(scalar))
            {
                problems.Add($"The value for the field '{path}' must be a {name}");
            }
        }
    }

    private sealed class AnyShape : Shape
    {
        public override string TypeName => "ANY";

        public override void Validate(JsonNode? value, string path, List<string> problems)
        {
        }
    }

    private sealed class ListShape(Shape item) : Shape
    {
        public override string TypeName => "ARRAY";

        public override Shape? Item => item;

        public override void Validate(JsonNode? value, string path, List<string> problems)
        {
            if (value is not JsonArray array)
            {
                problems.Add($"The value for the field '{path}' must be an ARRAY");
                return;
            }

            for (var i = 0; i < array.Count; i++)
            {
                item.Validate(array[i], $"{path}[{i}]", problems);
            }
        }

        public override void ValidateTemplate(JsonNode? literal, string path, List<string> problems)
        {
            if (literal is not JsonArray array)
            {
                problems.Add($"The value for the field '{path}' must be an ARRAY");
                return;
            }

            for (var i = 0; i < array.Count; i++)
            {
                item.ValidateTemplate(array[i], $"{path}[{i}]", problems);
            }
        }
    }

    private sealed class MapShape(Shape value) : Shape
    {
        public override string TypeName => "OBJECT";

        public override Shape? Item => value;

        public override bool IsMap => true;

        public override void Validate(JsonNode? node, string path, List<string> problems)
        {
            if (node is not JsonObject map)
            {
                problems.Add($"The value for the field '{path}' must be an OBJECT");
                return;
            }

            foreach (var (key, entry) in map)
            {
                value.Validate(entry, Join(path, key), problems);
            }
        }

        public override void ValidateTemplate(JsonNode? literal, string path, List<string> problems)
        {
            if (literal is not JsonObject map)
            {
                problems.Add($"The value for the field '{path}' must be an OBJECT");
                return;
            }

            foreach (var (key, entry) in map)
            {
                if (!key.EndsWith(".$", StringComparison.Ordinal))
                {
                    value.ValidateTemplate(entry, Join(path, key), problems);
                }
            }
        }
    }
}

/// <summary>A field of a <see cref="StructureShape"/>.</summary>
public sealed record Member(string Name, Shape Shape, bool Required = false)
{
    /// <summary>A required field.</summary>
    public static Member Req(string name, Shape shape) => new(name, shape, true);

    /// <summary>An optional field.</summary>
    public static Member Opt(string name, Shape shape) => new(name, shape);
}

/// <summary>An object with known fields; any other field is refused.</summary>
public sealed class StructureShape : Shape
{
    private readonly Dictionary<string, Member> _members;

    internal StructureShape(IEnumerable<Member> members) => _members = members.ToDictionary(m => m.Name, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string TypeName => "OBJECT";

    /// <summary>The field names, for messages.</summary>
    public IEnumerable<string> MemberNames => _members.Keys;

    /// <summary>The fields with their shapes and whether each is required.</summary>
    public IReadOnlyCollection<Member> Members => _members.Values;

    /// <summary>The names of the required fields.</summary>
    public IReadOnlySet<string> Required => _members.Values.Where(m => m.Required).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The shape of a field, or null when the structure has no such field.</summary>
    public Shape? MemberShape(string name) => _members.TryGetValue(name, out var member) ? member.Shape : null;

    /// <inheritdoc />
    public override void Validate(JsonNode? value, string path, List<string> problems)
    {
        if (value is not JsonObject obj)
        {
            problems.Add(path.Length == 0 ? $"The parameters must be an OBJECT, got {Kind(value)}" : $"The value for the field '{path}' must be an OBJECT");
            return;
        }

        foreach (var (key, node) in obj)
        {
            if (!_members.TryGetValue(key, out var member))
            {
                problems.Add($"The field '{Join(path, key)}' is not supported by Step Functions");
                continue;
            }

            member.Shape.Validate(node, Join(path, key), problems);
        }

        foreach (var member in _members.Values.Where(m => m.Required && !obj.ContainsKey(m.Name)))
        {
            problems.Add($"The field '{Join(path, member.Name)}' is required but was missing");
        }
    }

    /// <inheritdoc />
    public override void ValidateTemplate(JsonNode? literal, string path, List<string> problems)
    {
        if (literal is not JsonObject obj)
        {
            problems.Add($"The value for the field '{(path.Length == 0 ? "Parameters" : path)}' must be an OBJECT");
            return;
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, node) in obj)
        {
            var dynamic = key.EndsWith(".$", StringComparison.Ordinal);
            var field = dynamic ? key[..^2] : key;
            present.Add(field);
            if (!_members.TryGetValue(field, out var member))
            {
                problems.Add($"The field '{Join(path, field)}' is not supported by Step Functions");
            }
            else if (!dynamic)
            {
                member.Shape.ValidateTemplate(node, Join(path, field), problems);
            }
        }

        foreach (var member in _members.Values.Where(m => m.Required && !present.Contains(m.Name)))
        {
            problems.Add($"The field '{Join(path, member.Name)}' is required but was missing");
        }
    }
}
