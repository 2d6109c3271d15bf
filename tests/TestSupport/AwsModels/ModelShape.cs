using System.Text.Json.Nodes;

namespace DisasterRecovery.TestSupport.AwsModels;

/// <summary>
/// One shape of an AWS service model as Step Functions sees it: member names already in Step Functions' spelling
/// (<see cref="StepFunctionsNaming.Member"/>). <see cref="Type"/> is the model's: <c>structure</c>, <c>list</c>,
/// <c>map</c>, <c>string</c>, <c>integer</c>, <c>long</c>, <c>double</c>, <c>float</c>, <c>boolean</c>,
/// <c>timestamp</c>, <c>blob</c>; or <c>any</c> for a document a service takes or returns as a whole (a Lambda payload,
/// a Kubernetes object). Members resolve lazily, so recursive shapes are fine.
/// </summary>
public sealed class ModelShape
{
    private readonly Lazy<IReadOnlyDictionary<string, ModelShape>> _members;
    private readonly Lazy<IReadOnlySet<string>> _required;
    private readonly Lazy<IReadOnlyDictionary<string, string>> _modelNames;
    private readonly Lazy<ModelShape?> _item;

    private ModelShape(
        string name,
        string type,
        Func<IReadOnlyDictionary<string, ModelShape>> members,
        Func<IReadOnlySet<string>> required,
        Func<IReadOnlyDictionary<string, string>> modelNames,
        Func<ModelShape?> item)
    {
        Name = name;
        Type = type;
        _members = new(members);
        _required = new(required);
        _modelNames = new(modelNames);
        _item = new(item);
    }

    /// <summary>A value Step Functions passes through as JSON without a shape (any member, any type).</summary>
    public static ModelShape Any { get; } = Scalar("any", "any");

    /// <summary>The shape's name in the model (or a descriptive name for a built one).</summary>
    public string Name { get; }

    /// <summary>The model's type, or <c>any</c>.</summary>
    public string Type { get; }

    /// <summary>A structure's members by Step Functions name; empty for other types.</summary>
    public IReadOnlyDictionary<string, ModelShape> Members => _members.Value;

    /// <summary>A structure's required members by Step Functions name.</summary>
    public IReadOnlySet<string> Required => _required.Value;

    /// <summary>A list's items or a map's values; null for other types.</summary>
    public ModelShape? Item => _item.Value;

    /// <summary>True for a structure.</summary>
    public bool IsStructure => Type == "structure";

    /// <summary>True for a shape without a declared structure (see <see cref="Any"/>).</summary>
    public bool IsAny => Type == "any";

    /// <summary>True for a string, number, boolean, timestamp or blob.</summary>
    public bool IsScalar => Type is not ("structure" or "list" or "map" or "any");

    /// <summary>The member's name as the model spells it (<c>DBInstanceIdentifier</c> for <c>DbInstanceIdentifier</c>), for messages.</summary>
    public string ModelName(string stepFunctionsName) => _modelNames.Value.GetValueOrDefault(stepFunctionsName, stepFunctionsName);

    /// <summary>A scalar (or <c>any</c>) shape.</summary>
    public static ModelShape Scalar(string name, string type) => new(name, type, Empty, NoneRequired, NoNames, () => null);

    /// <summary>A list of <paramref name="item"/>.</summary>
    public static ModelShape List(string name, ModelShape item) => new(name, "list", Empty, NoneRequired, NoNames, () => item);

    /// <summary>A map of string keys to <paramref name="value"/>.</summary>
    public static ModelShape Map(string name, ModelShape value) => new(name, "map", Empty, NoneRequired, NoNames, () => value);

    /// <summary>A structure built in code (e.g. a documented optimized integration's result), names given in Step Functions' spelling.</summary>
    public static ModelShape Structure(string name, IReadOnlyDictionary<string, ModelShape> members, params string[] required) =>
        new(name, "structure", () => members, () => required.ToHashSet(StringComparer.Ordinal), NoNames, () => null);

    /// <summary>A copy of a structure with members added or replaced (names in Step Functions' spelling).</summary>
    public ModelShape With(IReadOnlyDictionary<string, ModelShape> replacements)
    {
        if (!IsStructure)
        {
            throw new InvalidOperationException($"{Name} is a {Type}, not a structure");
        }

        var original = this;
        return new(Name, Type, () =>
        {
            var merged = new Dictionary<string, ModelShape>(original.Members, StringComparer.Ordinal);
            foreach (var (key, shape) in replacements)
            {
                merged[key] = shape;
            }

            return merged;
        }, () => original.Required, () => original._modelNames.Value, () => null);
    }

    /// <summary>"structure DBInstance", "list of Tag", "string", for messages.</summary>
    public override string ToString() => Type switch
    {
        "structure" => $"structure {Name}",
        "list" => $"list of {Item?.Name}",
        "map" => $"map of {Item?.Name}",
        _ => Type,
    };

    /// <summary>
    /// Builds the shape named <paramref name="shapeName"/> of a model's <c>shapes</c> table; <paramref name="cache"/> holds
    /// the shapes built so far, so each is built once and recursion ends.
    /// </summary>
    internal static ModelShape FromModel(string shapeName, JsonObject shapes, Dictionary<string, ModelShape> cache)
    {
        // Members resolve lazily, possibly on several test threads at once: one builder at a time per model.
        lock (cache)
        {
            return Build(shapeName, shapes, cache);
        }
    }

    private static ModelShape Build(string shapeName, JsonObject shapes, Dictionary<string, ModelShape> cache)
    {
        if (cache.TryGetValue(shapeName, out var known))
        {
            return known;
        }

        var definition = shapes[shapeName] as JsonObject ?? throw new InvalidDataException($"the model has no shape {shapeName}");
        var type = definition["type"]?.GetValue<string>() ?? throw new InvalidDataException($"shape {shapeName} has no type");
        ModelShape Reference(JsonNode? member) =>
            FromModel(member?["shape"]?.GetValue<string>() ?? throw new InvalidDataException($"shape {shapeName} has a member without a shape"), shapes, cache);

        // The JSON tree is read only under the model's lock: parsed JsonNodes materialise their children on first access.
        T Locked<T>(Func<T> read)
        {
            lock (cache)
            {
                return read();
            }
        }

        var shape = type switch
        {
            "structure" => new ModelShape(
                shapeName,
                type,
                () => Locked(() => (IReadOnlyDictionary<string, ModelShape>)(definition["members"] as JsonObject ?? []).ToDictionary(
                    m => StepFunctionsNaming.Member(m.Key), m => Reference(m.Value), StringComparer.Ordinal)),
                () => Locked(() => (IReadOnlySet<string>)(definition["required"] as JsonArray ?? [])
                    .Select(r => StepFunctionsNaming.Member(r!.GetValue<string>())).ToHashSet(StringComparer.Ordinal)),
                () => Locked(() => (IReadOnlyDictionary<string, string>)(definition["members"] as JsonObject ?? []).ToDictionary(
                    m => StepFunctionsNaming.Member(m.Key), m => m.Key, StringComparer.Ordinal)),
                () => null),
            "list" => new ModelShape(shapeName, type, Empty, NoneRequired, NoNames, () => Locked(() => Reference(definition["member"]))),
            "map" => new ModelShape(shapeName, type, Empty, NoneRequired, NoNames, () => Locked(() => Reference(definition["value"]))),
            _ => Scalar(shapeName, type),
        };
        cache[shapeName] = shape;
        return shape;
    }

    private static IReadOnlyDictionary<string, ModelShape> Empty() => new Dictionary<string, ModelShape>();

    private static IReadOnlySet<string> NoneRequired() => new HashSet<string>();

    private static IReadOnlyDictionary<string, string> NoNames() => new Dictionary<string, string>();
}
