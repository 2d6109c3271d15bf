using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// A backup's id: <c>yyyyMMddTHHmmssZ-suffix</c>, the UTC start time then a short random (or caller
/// chosen) suffix of lower-case letters and digits. Because the date is in the id, the manifest's key
/// follows from engine, source and id alone.
/// </summary>
public sealed partial record BackupId
{
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
        return Parse($"{startedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(random)}", "backupId");
    }

    /// <summary>Parses and validates an id; <see cref="InvalidInputException"/> naming <paramref name="field"/> when bad.</summary>
    public static BackupId Parse(string? value, string field)
    {
        Require.NotBlank(value, field);
        var match = Pattern().Match(value!);
        if (!match.Success
            || !DateTime.TryParseExact(match.Groups["time"].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var started))
        {
            throw new InvalidInputException(field, $"must look like 20250114T020000Z-a1b2c3d4 (UTC start time, '-', 1-32 lower-case letters or digits), was '{Printable(value!)}'");
        }

        return new BackupId(value!, new DateTimeOffset(started, TimeSpan.Zero));
    }

    public override string ToString() => Value;

    internal static string Printable(string value)
    {
        var shown = value.Length > 80 ? value[..80] + "…" : value;
        return string.Concat(shown.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    [GeneratedRegex(@"^(?<time>\d{8}T\d{6}Z)-[a-z0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
