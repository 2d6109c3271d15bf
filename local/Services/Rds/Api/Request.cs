using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalRds.Api;

/// <summary>A tag as RDS keeps it.</summary>
public sealed record RdsTag(string Key, string Value);

/// <summary>A describe filter: a name and the values any of which may match.</summary>
internal sealed record RdsFilter(string Name, IReadOnlyList<string> Values);

/// <summary>Typed, already type-checked access to one call's parameters (see <see cref="RdsApiCatalog"/>).</summary>
internal sealed partial class Request(JsonObject parameters)
{
    public bool Has(string name) => parameters[name] is not null;

    public string? String(string name) => parameters[name]?.GetValue<string>();

    public string RequiredString(string name)
    {
        var value = String(name);
        return string.IsNullOrEmpty(value) ? throw RdsErrors.MissingParameter(name) : value;
    }

    public bool? Bool(string name) => parameters[name]?.GetValue<bool>();

    public int? Int(string name) =>
        parameters[name] is { } node ? Number(node) is var n && n == Math.Floor(n) && n is >= int.MinValue and <= int.MaxValue ? (int)n : null : null;

    /// <summary>
    /// A JSON number's value, whatever CLR type backs the node (the engine may build numbers as long or decimal,
    /// a parsed document as JsonElement), read from its JSON text.
    /// </summary>
    public static double Number(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 timestamp with a zone, or epoch seconds (what the SDK's Instant accepts), truncated to microseconds as PostgreSQL keeps
    /// time.</summary>
    public DateTimeOffset? Timestamp(string name)
    {
        if (parameters[name] is JsonValue number && number.GetValueKind() == System.Text.Json.JsonValueKind.Number)
        {
            // Epoch seconds, as the SDK's Instant also accepts.
            return RdsTime.TruncateToMicroseconds(DateTimeOffset.UnixEpoch.AddTicks((long)(Number(number) * TimeSpan.TicksPerSecond)));
        }

        var text = String(name);
        if (text is null)
        {
            return null;
        }

        if (!IsoTimestamp().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw RdsErrors.Runtime($"The value of field {name} ('{text}') is not an ISO 8601 timestamp with a zone, e.g. 2024-01-15T14:30:00Z");
        }

        return RdsTime.TruncateToMicroseconds(value);
    }

    public IReadOnlyList<string> Strings(string name) =>
        parameters[name]?.AsArray().Select(v => v?.GetValue<string>() ?? string.Empty).ToList() ?? [];

    public IReadOnlyList<RdsTag> Tags(string name = "Tags")
    {
        var tags = new List<RdsTag>();
        foreach (var item in parameters[name]?.AsArray() ?? [])
        {
            var key = item?["Key"]?.GetValue<string>();
            if (string.IsNullOrEmpty(key))
            {
                throw RdsErrors.InvalidParameterValue("Tag keys must not be empty.");
            }

            if (key.Length > 128 || key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase) || key.StartsWith("rds:", StringComparison.OrdinalIgnoreCase))
            {
                throw RdsErrors.InvalidParameterValue($"Invalid tag key '{key}': at most 128 characters, and not starting with aws: or rds:.");
            }

            var value = item?["Value"]?.GetValue<string>() ?? string.Empty;
            if (value.Length > 256)
            {
                throw RdsErrors.InvalidParameterValue($"The value of tag '{key}' is longer than 256 characters.");
            }

            tags.Add(new RdsTag(key, value));
        }

        return tags;
    }

    public IReadOnlyList<RdsFilter> Filters() =>
        (parameters["Filters"]?.AsArray() ?? []).Select(item => new RdsFilter(
            item?["Name"]?.GetValue<string>() ?? throw RdsErrors.MissingParameter("Filters.Name"),
            item["Values"]?.AsArray().Select(v => v?.GetValue<string>() ?? string.Empty).ToList()
                ?? throw RdsErrors.MissingParameter("Filters.Values"))).ToList();

    /// <summary>MaxRecords: 20 to 100, as RDS allows; null when absent.</summary>
    public int? MaxRecords()
    {
        var value = Int("MaxRecords");
        if (value is < 20 or > 100)
        {
            throw RdsErrors.InvalidParameterValue($"Invalid value {value} for MaxRecords. Must be between 20 and 100");
        }

        return value;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();
}
