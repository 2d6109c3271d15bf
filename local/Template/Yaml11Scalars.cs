using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalTemplate;

/// <summary>
/// Gives a plain (unquoted, untagged) YAML scalar the JSON type CloudFormation gives it.
/// </summary>
/// <remarks>
/// CloudFormation reads YAML 1.1 without the binary, omap, pairs, set and timestamp tags, aliases and
/// hash merges (AWS CloudFormation User Guide, "Template formats"). So these follow the YAML 1.1
/// resolvers (the ones PyYAML and SnakeYAML use): <c>yes/no/on/off</c> are booleans as well as
/// <c>true/false</c> (CloudFormation turns an unquoted <c>NO</c> tag value into "false"), a leading 0
/// is octal, <c>1:30</c> is base 60, and a float needs a dot. <c>y</c>/<c>n</c> stay strings, as do
/// dates (no timestamp type: <c>AWSTemplateFormatVersion: 2010-09-09</c> is the string) and
/// <c>.inf</c>/<c>.nan</c>, which JSON cannot hold.
/// </remarks>
internal static partial class Yaml11Scalars
{
    /// <summary>The JSON value of a plain scalar: null, a boolean, a number or the text itself.</summary>
    public static JsonNode? Resolve(string text)
    {
        if (IsNull(text))
        {
            return null;
        }

        if (TryBoolean(text, out var boolean))
        {
            return JsonValue.Create(boolean);
        }

        if (TryInteger(text, out var integer))
        {
            return integer;
        }

        if (TryFloat(text, out var number))
        {
            return number;
        }

        return JsonValue.Create(text);
    }

    /// <summary>YAML 1.1 null: <c>~</c>, <c>null</c> (three casings) or nothing at all.</summary>
    public static bool IsNull(string text) => text is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>YAML 1.1 booleans, <c>yes/no/on/off</c> included.</summary>
    public static bool TryBoolean(string text, out bool value)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON":
                value = true;
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>YAML 1.1 integers: decimal, 0b binary, leading-0 octal, 0x hex and base 60, with underscores.</summary>
    public static bool TryInteger(string text, out JsonNode? value)
    {
        value = null;
        if (!IntegerPattern().IsMatch(text))
        {
            return false;
        }

        var negative = text[0] == '-';
        var digits = text.TrimStart('-', '+').Replace("_", "", StringComparison.Ordinal);
        BigInteger magnitude;
        if (digits.Contains(':', StringComparison.Ordinal))
        {
            magnitude = BigInteger.Zero;
            foreach (var part in digits.Split(':'))
            {
                magnitude = (magnitude * 60) + BigInteger.Parse(part, CultureInfo.InvariantCulture);
            }
        }
        else if (digits.StartsWith("0b", StringComparison.Ordinal))
        {
            magnitude = ParseInBase(digits[2..], 2);
        }
        else if (digits.StartsWith("0x", StringComparison.Ordinal))
        {
            magnitude = ParseInBase(digits[2..], 16);
        }
        else if (digits.Length > 1 && digits[0] == '0')
        {
            magnitude = ParseInBase(digits[1..], 8);
        }
        else
        {
            magnitude = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        }

        var number = negative ? -magnitude : magnitude;
        value = JsonNode.Parse(number.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>YAML 1.1 floats (a dot is required; <c>.inf</c> and <c>.nan</c> are left as text).</summary>
    public static bool TryFloat(string text, out JsonNode? value)
    {
        value = null;
        if (!FloatPattern().IsMatch(text))
        {
            return false;
        }

        var negative = text[0] == '-';
        var body = text.TrimStart('-', '+').Replace("_", "", StringComparison.Ordinal);
        string json;
        if (body.Contains(':', StringComparison.Ordinal))
        {
            // Base 60 with a fraction in the last part, e.g. 1:30.5 = 90.5.
            var parts = body.Split(':');
            var total = 0m;
            foreach (var part in parts[..^1])
            {
                total = (total * 60) + decimal.Parse(part, CultureInfo.InvariantCulture);
            }

            total = (total * 60) + decimal.Parse(parts[^1].TrimEnd('.') is { Length: > 0 } last ? last : "0", CultureInfo.InvariantCulture);
            json = total.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // Make the YAML spelling a JSON number without losing its text: ".5" -> "0.5", "01." -> "1.0".
            var exponentAt = body.IndexOfAny(['e', 'E']);
            var mantissa = exponentAt < 0 ? body : body[..exponentAt];
            var exponent = exponentAt < 0 ? "" : body[exponentAt..];
            var dotAt = mantissa.IndexOf('.', StringComparison.Ordinal);
            var whole = mantissa[..dotAt].TrimStart('0');
            mantissa = (whole.Length == 0 ? "0" : whole) + mantissa[dotAt..];

            if (mantissa.EndsWith('.'))
            {
                mantissa += "0";
            }

            json = mantissa + exponent;
        }

        value = JsonNode.Parse(negative ? "-" + json : json);
        return true;
    }

    private static BigInteger ParseInBase(string digits, int radix)
    {
        var result = BigInteger.Zero;
        foreach (var digit in digits)
        {
            result = (result * radix) + Convert.ToInt32(digit.ToString(), 16);
        }

        return result;
    }

    // PyYAML's / SnakeYAML's YAML 1.1 int resolver.
    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    // PyYAML's YAML 1.1 float resolver without .inf and .nan, which JSON cannot hold.
    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
