using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalRds.Api;

/// <summary>RDS identifier rules, ARNs and resource ids.</summary>
internal static partial class Identifiers
{
    /// <summary>
    /// A DB instance identifier, lower-cased as RDS stores it: 1 to 63 letters, digits and hyphens, starting
    /// with a letter, not ending with a hyphen, no two hyphens in a row.
    /// </summary>
    public static string Instance(string value, string parameter) => Check(value, parameter, 63);

    /// <summary>A DB snapshot identifier: the same rules, up to 255 characters.</summary>
    public static string Snapshot(string value, string parameter) => Check(value, parameter, 255);

    public static string InstanceArn(string region, string account, string identifier) => $"arn:aws:rds:{region}:{account}:db:{identifier}";

    public static string SnapshotArn(string region, string account, string identifier) => $"arn:aws:rds:{region}:{account}:snapshot:{identifier}";

    public static string AutomatedBackupsArn(string region, string account, string resourceId) =>
        $"arn:aws:rds:{region}:{account}:auto-backup:ab-{resourceId["db-".Length..].ToLowerInvariant()}";

    /// <summary>A new DbiResourceId, "db-" and 26 upper-case letters and digits, as RDS makes them.</summary>
    public static string NewResourceId() => "db-" + RandomUpper(26);

    /// <summary>Splits an RDS ARN; null when the text is not one.</summary>
    public static RdsArn? ParseArn(string text)
    {
        var match = Arn().Match(text);
        return match.Success
            ? new RdsArn(match.Groups["region"].Value, match.Groups["account"].Value, match.Groups["type"].Value, match.Groups["name"].Value)
            : null;
    }

    public static bool IsRegion(string text) => Region().IsMatch(text);

    private static string Check(string value, string parameter, int maxLength)
    {
        if (!Identifier().IsMatch(value) || value.Length > maxLength || value.Contains("--", StringComparison.Ordinal) || value.EndsWith('-'))
        {
            throw RdsErrors.InvalidParameterValue(
                $"The parameter {parameter} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and " +
                    $"hyphens; and must not end with a hyphen or contain two consecutive hyphens.");
        }

        return value.ToLowerInvariant();
    }

    private static string RandomUpper(int length)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
            }
        });
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^arn:aws:rds:(?<region>[a-z0-9-]+):(?<account>\d{12}):(?<type>db|snapshot|auto-backup):(?<name>[A-Za-z0-9:_-]+)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Arn();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d$", RegexOptions.CultureInvariant)]
    private static partial Regex Region();
}

/// <summary>An RDS ARN's parts.</summary>
internal sealed record RdsArn(string Region, string Account, string ResourceType, string Name);
