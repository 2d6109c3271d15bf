using System.Text.RegularExpressions;

namespace DisasterRecovery.Core.Logging;

/// <summary>
/// Removes credentials from anything about to be logged. Applied to every message and field by
/// <see cref="JsonLogger"/>, so a connection string or URL passed carelessly still never leaks.
/// </summary>
public static partial class SecretRedactor
{
    /// <summary>What replaces a secret.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretFieldWords =
        ["password", "passwd", "pwd", "secret", "token", "credential", "apikey", "api_key", "authorization", "sessionkey"];

    /// <summary>True when a field with this name holds a secret as a whole.</summary>
    public static bool IsSecretFieldName(string name)
    {
        var lower = name.ToLowerInvariant();
        foreach (var word in SecretFieldWords)
        {
            if (lower.Contains(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Masks key=value secrets (connection strings) and user:password@ in URLs.</summary>
    public static string Redact(string text)
    {
        if (text.Length == 0)
        {
            return text;
        }

        text = KeyValueSecret().Replace(text, m => m.Groups["key"].Value + m.Groups["sep"].Value + Mask);
        text = UrlUserInfo().Replace(text, m => m.Groups["scheme"].Value + m.Groups["user"].Value + ":" + Mask + "@");
        return text;
    }

    // password=..., Password = '...', pwd=...; stops at ';', whitespace or a closing quote.
    [GeneratedRegex(
        @"(?<key>\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key[_-]?secret)\b)"
            + @"(?<sep>\s*[=:]\s*)(?:'[^']*'|""[^""]*""|[^;\s,&""']+)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyValueSecret();

    // scheme://user:password@host
    [GeneratedRegex(@"(?<scheme>[a-z][a-z0-9+.\-]*://)(?<user>[^:/@\s]*):[^@/\s]*@",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlUserInfo();
}
