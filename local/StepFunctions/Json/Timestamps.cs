using System.Globalization;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalStepFunctions.Json;

/// <summary>
/// ASL timestamps: RFC 3339 with an uppercase <c>T</c> and an uppercase <c>Z</c> or a numeric offset, as the spec
/// requires; anything looser (lowercase, spaces, missing seconds) is not a timestamp.
/// </summary>
internal static partial class Timestamps
{
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null && Rfc3339().IsMatch(text) &&
               DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>The format AWS uses in history and the context object: UTC with milliseconds.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
