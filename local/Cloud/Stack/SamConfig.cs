using System.Globalization;
using System.Text;

namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>
/// samconfig.toml beside the template, as far as the local cloud reads it: per environment (<c>sam deploy
/// --config-env &lt;env&gt;</c>), the stack name and the deploy command's <c>parameter_overrides</c>. The local cloud runs
/// the <see cref="LocalEnvironment"/> environment by default, whose parameters point at local things (see
/// samconfig.toml). Only the TOML that samconfig files use is read: tables, and keys whose values are strings, arrays of
/// strings on one line, booleans or numbers; a value this reader does not understand in a key it needs is an error
/// naming the file and line, never silently skipped.
/// </summary>
public sealed class SamConfig
{
    /// <summary>The file's name, beside template.yaml.</summary>
    public const string FileName = "samconfig.toml";

    /// <summary>The environment the local cloud runs by default.</summary>
    public const string LocalEnvironment = "local";

    private readonly Dictionary<string, Dictionary<string, Value>> _tables;

    private SamConfig(string path, Dictionary<string, Dictionary<string, Value>> tables)
    {
        Path = path;
        _tables = tables;
    }

    /// <summary>Where the file is.</summary>
    public string Path { get; }

    /// <summary>Reads samconfig.toml from <paramref name="templateDirectory"/>; null when there is none.</summary>
    /// <exception cref="StackLoadException">A line is not TOML this reader understands (the file and line are named).</exception>
    public static SamConfig? Read(string templateDirectory)
    {
        var path = System.IO.Path.Combine(templateDirectory, FileName);
        return File.Exists(path) ? Parse(path, File.ReadAllLines(path)) : null;
    }

    /// <summary>Parses samconfig text (the lines of <paramref name="path"/>).</summary>
    /// <exception cref="StackLoadException">A line is not TOML this reader understands.</exception>
    public static SamConfig Parse(string path, IEnumerable<string> lines)
    {
        var tables = new Dictionary<string, Dictionary<string, Value>>(StringComparer.Ordinal);
        Dictionary<string, Value>? table = null;
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                var close = line.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || line.StartsWith("[[", StringComparison.Ordinal) || !IsBlankOrComment(line[(close + 1)..]))
                {
                    throw Problem(path, number, "is not a [table] header");
                }

                var name = line[1..close].Trim();
                table = tables.TryGetValue(name, out var existing) ? existing : tables[name] = new Dictionary<string, Value>(StringComparer.Ordinal);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Problem(path, number, "is neither a [table] nor key = value");
            }

            var key = line[..equals].Trim();
            (table ??= tables[string.Empty] = new Dictionary<string, Value>(StringComparer.Ordinal))[key] = new Value(line[(equals + 1)..].Trim(), number);
        }

        return new SamConfig(path, tables);
    }

    /// <summary>Whether the file has any table of <paramref name="environment"/>.</summary>
    public bool HasEnvironment(string environment) => _tables.Keys.Any(t => t.StartsWith(environment + ".", StringComparison.Ordinal));

    /// <summary><c>stack_name</c> of the environment's global, then deploy parameters; null when neither sets it.</summary>
    /// <exception cref="StackLoadException">It is set but not a string.</exception>
    public string? StackName(string environment) =>
        StringValue(environment + ".global.parameters", "stack_name") ?? StringValue(environment + ".deploy.parameters", "stack_name");

    /// <summary>
    /// The environment's <c>parameter_overrides</c> (deploy parameters), as SAM takes them: one string of
    /// <c>Key=Value</c> pairs separated by spaces, values optionally in double quotes (<c>Key="a value"</c>), or an array
    /// of such strings. Empty when the environment sets none.
    /// </summary>
    /// <exception cref="StackLoadException">The value is not in that form (the file, line and pair are named).</exception>
    public IReadOnlyDictionary<string, string> ParameterOverrides(string environment)
    {
        var table = environment + ".deploy.parameters";
        if (!_tables.TryGetValue(table, out var keys) || !keys.TryGetValue("parameter_overrides", out var value))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var where = $"{Path} [{table}] parameter_overrides (line {value.Line})";
        var texts = value.Text.StartsWith('[')
            ? ParseArray(value.Text, where)
            : [ParseString(value.Text, where)];
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, pairValue) in texts.SelectMany(text => SplitPairs(text, where)))
        {
            if (!result.TryAdd(key, pairValue))
            {
                throw new StackLoadException($"{where}: {key} is given twice");
            }
        }

        return result;
    }

    private string? StringValue(string table, string key) =>
        _tables.TryGetValue(table, out var keys) && keys.TryGetValue(key, out var value)
            ? ParseString(value.Text, $"{Path} [{table}] {key} (line {value.Line})")
            : null;

    /// <summary>A TOML basic ("…", with backslash escapes) or literal ('…') string, with an optional comment after it.</summary>
    private static string ParseString(string text, string where)
    {
        var (result, rest) = ReadString(text, 0, where);
        return IsBlankOrComment(text[rest..]) ? result : throw new StackLoadException($"{where}: unexpected text after the string: {text[rest..].Trim()}");
    }

    private static List<string> ParseArray(string text, string where)
    {
        var items = new List<string>();
        var i = 1;
        while (true)
        {
            i = SkipBlanks(text, i);
            if (i >= text.Length)
            {
                throw new StackLoadException($"{where}: an array must open and close on one line");
            }

            if (text[i] == ']')
            {
                return IsBlankOrComment(text[(i + 1)..]) ? items : throw new StackLoadException($"{where}: unexpected text after the array");
            }

            var (item, next) = ReadString(text, i, where);
            items.Add(item);
            i = SkipBlanks(text, next);
            if (i < text.Length && text[i] == ',')
            {
                i++;
            }
        }
    }

    private static (string Value, int Next) ReadString(string text, int start, string where)
    {
        if (start >= text.Length || text[start] is not ('"' or '\''))
        {
            throw new StackLoadException($"{where}: expected a quoted string, found: {text[start..]}");
        }

        if (text.AsSpan(start).StartsWith("\"\"\"") || text.AsSpan(start).StartsWith("'''"))
        {
            throw new StackLoadException($"{where}: multi-line strings are not read here; write the value on one line");
        }

        var quote = text[start];
        var builder = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == quote)
            {
                return (builder.ToString(), i + 1);
            }

            if (c != '\\' || quote == '\'')
            {
                builder.Append(c);
                continue;
            }

            if (++i >= text.Length)
            {
                break;
            }

            switch (text[i])
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'u' when i + 4 < text.Length && int.TryParse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    i += 4;
                    break;
                default:
                    throw new StackLoadException($"{where}: unknown escape \\{text[i]} in a string");
            }
        }

        throw new StackLoadException($"{where}: a string is not closed");
    }

    /// <summary>SAM's parameter_overrides text: <c>Key=Value Key2="value with spaces"</c>.</summary>
    private static IEnumerable<(string Key, string Value)> SplitPairs(string text, string where)
    {
        var i = 0;
        while ((i = SkipBlanks(text, i)) < text.Length)
        {
            var equals = text.IndexOf('=', i);
            var space = text.IndexOfAny([' ', '\t'], i);
            if (equals <= i || (space >= 0 && space < equals))
            {
                throw new StackLoadException($"{where}: '{text[i..(space < 0 ? text.Length : space)]}' is not Key=Value");
            }

            var key = text[i..equals];
            i = equals + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new StringBuilder();
                for (i++; i < text.Length && text[i] != '"'; i++)
                {
                    builder.Append(text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' ? text[++i] : text[i]);
                }

                if (i >= text.Length)
                {
                    throw new StackLoadException($"{where}: the value of {key} opens a quote it does not close");
                }

                value = builder.ToString();
                i++;
            }
            else
            {
                var end = text.IndexOfAny([' ', '\t'], i);
                value = text[i..(end < 0 ? text.Length : end)];
                i = end < 0 ? text.Length : end;
            }

            yield return (key, value);
        }
    }

    private static int SkipBlanks(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    private static bool IsBlankOrComment(string rest)
    {
        var trimmed = rest.Trim();
        return trimmed.Length == 0 || trimmed[0] == '#';
    }

    private static StackLoadException Problem(string path, int line, string what) => new($"{path} line {line} {what}");

    private sealed record Value(string Text, int Line);
}
