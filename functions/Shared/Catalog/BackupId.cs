using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// A backup's id: <c>yyyyMMddTHHmmssZ-suffix</c>, the UTC start time then a short random (or caller
/// chosen) suffix of lower-case letters and digits. Because the date is in the id, the manifest's key
/// follows from engine, source and id alone.
/// </summary>
/// <remarks>
/// Text becomes a <see cref="BackupId"/> once, where it enters (a request's validation, an index key,
/// a stored manifest's JSON); everything behind that edge passes the typed value and never parses again.
/// In JSON it is the plain string.
/// </remarks>
[JsonConverter(typeof(BackupIdJsonConverter))]
public sealed partial record BackupId
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    private BackupId(string value, DateTimeOffset startedAt)
    {
        Value = value;
        StartedAt = startedAt;
    }

    public string Value { get; }

    /// <summary>The start time encoded in the id (whole seconds, UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>A new id for a backup starting now, with 8 random hex digits.</summary>
    public static BackupId New(DateTimeOffset startedAt)
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        var text = $"{startedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(random)}";
        return TryParse(text, out var id) ? id : throw new ArgumentOutOfRangeException(nameof(startedAt), startedAt, "cannot be written as an id");
    }

    /// <summary>The id <paramref name="value"/> spells, or false (and null) when it is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out BackupId? id)
    {
        id = null;
        if (value is null || Pattern().Match(value) is not { Success: true } match
            || !DateTime.TryParseExact(match.Groups["time"].Value, TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started))
        {
            return false;
        }

        id = new BackupId(value, new DateTimeOffset(started, TimeSpan.Zero));
        return true;
    }

    /// <summary>Parses and validates an id; <see cref="InvalidInputException"/> naming <paramref name="field"/> when bad.</summary>
    public static BackupId Parse(string? value, string field)
    {
        Require.NotBlank(value, field);
        return TryParse(value, out var id) ? id : throw new InvalidInputException(field, Problem(value!));
    }

    public override string ToString() => Value;

    /// <summary>What is wrong with a string that is not an id (for an error message).</summary>
    internal static string Problem(string value) =>
        $"must look like 20250114T020000Z-a1b2c3d4 (UTC start time, '-', 1-32 lower-case letters or digits), was '{Printable(value)}'";

    internal static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    [GeneratedRegex(@"^(?<time>\d{8}T\d{6}Z)-[a-z0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>
/// A <see cref="BackupId"/> in JSON is its string. A string that is not an id is a <see cref="JsonException"/>,
/// which the serializer reports with the property's path (e.g. <c>$.baseBackupId</c>).
/// </summary>
public sealed class BackupIdJsonConverter : JsonConverter<BackupId>
{
    public override BackupId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"a backup id must be a JSON string, was {reader.TokenType}");
        }

        var text = reader.GetString()!;
        return BackupId.TryParse(text, out var id) ? id : throw new JsonException($"backup id {BackupId.Problem(text)}");
    }

    public override void Write(Utf8JsonWriter writer, BackupId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Value);
    }
}
