using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Buckets;

/// <summary>
/// Reads one resolved property of a bucket resource. Every problem is a <see cref="StackLoadException"/> naming the
/// resource and the property path, and every member a reader does not know is refused by <see cref="OnlyKnown"/>, so a
/// setting the local cloud cannot honour is never dropped in silence.
/// </summary>
internal sealed record TemplateProperty(JsonObject Node, string Path)
{
    public TemplateProperty? Object(string name) => Node[name] switch
    {
        null => null,
        JsonObject child => new TemplateProperty(child, $"{Path}.{name}"),
        var other => throw Problem(name, $"must be a mapping, was {other.ToJsonString()}"),
    };

    public IEnumerable<TemplateProperty> Objects(string name) => Node[name] switch
    {
        null => [],
        JsonArray array => array.Select((item, i) => item is JsonObject child
            ? new TemplateProperty(child, $"{Path}.{name}[{i}]")
            : throw Problem($"{name}[{i}]", "must be a mapping")),
        _ => throw Problem(name, "must be a list"),
    };

    public string? Text(string name) => Node[name] switch
    {
        null => null,
        JsonValue value => value.ToString(),
        var other => throw Problem(name, $"must be a single value, was {other.ToJsonString()}"),
    };

    public string RequiredText(string name) => Text(name) ?? throw Problem(name, "is required");

    public int? Int(string name) => Text(name) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Problem(name, $"must be a whole number, was '{text}'")
        : null;

    public long? Long(string name) => Text(name) is { } text
        ? long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Problem(name, $"must be a whole number, was '{text}'")
        : null;

    public bool? Bool(string name) => Text(name) switch
    {
        null => null,
        var text when text.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var text when text.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var text => throw Problem(name, $"must be true or false, was '{text}'"),
    };

    public DateTime? Date(string name) => Text(name) is { } text
        ? DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw Problem(name, $"must be an ISO 8601 date, was '{text}'")
        : null;

    /// <summary>Refuses any member not in <paramref name="known"/>: the local cloud would otherwise ignore it.</summary>
    public TemplateProperty OnlyKnown(params string[] known)
    {
        foreach (var (name, _) in Node)
        {
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw Problem(name,
                    $"is not applied by the local cloud's S3 (it applies {string.Join(", ", known)} here); remove it or add it to local/Cloud/Buckets");
            }
        }

        return this;
    }

    public StackLoadException Problem(string name, string problem) => new($"{Path}.{name}: {problem}");
}
