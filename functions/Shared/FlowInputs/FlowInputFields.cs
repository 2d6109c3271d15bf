using System.Globalization;
using System.Text.RegularExpressions;
using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>Guards for the values flows read, beside <see cref="Require"/>: each throws <see cref="InvalidInputException"/> naming the field.</summary>
public static partial class FlowInputFields
{
    /// <summary>A required field: present and not null.</summary>
    public static T Required<T>(T? value, string field)
        where T : class =>
        value ?? throw new InvalidInputException(field, "is required");

    /// <summary>
    /// An RFC 3339 timestamp with its offset, the form Step Functions' <c>IsTimestamp</c> and the AWS APIs take
    /// (<c>2026-11-26T06:50:00Z</c>); null passes (absent).
    /// </summary>
    public static void Timestamp(string? value, string field)
    {
        if (value is null)
        {
            return;
        }

        if (!Rfc3339().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
        {
            throw new InvalidInputException(field, $"must be an ISO 8601 timestamp with its offset, such as 2026-11-26T06:50:00Z, was '{value}'");
        }
    }

    /// <summary>One of the listed values; null passes (absent, the flow's default).</summary>
    public static void OneOf(string? value, string field, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw new InvalidInputException(field, $"must be one of {string.Join(", ", allowed)}, was '{value}'");
        }
    }

    /// <summary>A whole number of at least <paramref name="min"/>; null passes.</summary>
    public static void AtLeast(int? value, int min, string field)
    {
        if (value is { } number && number < min)
        {
            throw new InvalidInputException(field, $"must be at least {min}, was {number}");
        }
    }

    /// <summary>A string that is not empty when given; null passes.</summary>
    public static void NotEmptyWhenGiven(string? value, string field)
    {
        if (value is not null)
        {
            Require.NotBlank(value, field);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}
