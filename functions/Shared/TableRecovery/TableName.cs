using System.Security.Cryptography;
using System.Text;
using DisasterRecovery.Core;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// A table named the way PostgreSQL reads an identifier: <c>jobs</c> is <c>public.jobs</c> (unquoted names fold to
/// lower case), <c>"Order Items"</c> keeps its case and spaces, <c>sales."Order Items"</c> names the schema too.
/// Schema and name are kept unquoted; <see cref="Sql"/> is the only way they reach a statement.
/// </summary>
public sealed record TableName(string Schema, string Name)
{
    /// <summary>The schema <see cref="Parse"/> gives a name written without one. A request's unqualified names are not parsed with it: they are
    /// resolved through production's search_path (<see cref="RequestedTable"/>, <see cref="TableNameResolver"/>).</summary>
    public const string DefaultSchema = "public";

    /// <summary>PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes.</summary>
    public const int MaxIdentifierBytes = 63;

    /// <summary><c>"schema"."name"</c>: both parts always quoted.</summary>
    public string Sql => SqlText.Ident(Schema) + "." + SqlText.Ident(Name);

    /// <summary>A pg_dump/psql pattern that matches exactly this table (inside double quotes no character is special).</summary>
    public string ExactPattern => Sql;

    /// <summary>For messages: <c>schema.name</c>, a part quoted only when it is not a plain lower-case word.</summary>
    public override string ToString() => Display(Schema) + "." + Display(Name);

    /// <summary>Parses a table name as the request wrote it; <see cref="InvalidInputException"/> naming <paramref name="field"/> when it is not one.</summary>
    public static TableName Parse(string? text, string field)
    {
        var parts = ParseParts(text, field);
        return parts.Count == 1 ? new TableName(DefaultSchema, parts[0]) : new TableName(parts[0], parts[1]);
    }

    /// <summary>The one or two identifiers of a table name, folded as PostgreSQL folds them; <see cref="InvalidInputException"/> naming
    /// <paramref name="field"/> when the text is not a table name.</summary>
    internal static IReadOnlyList<string> ParseParts(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            throw new InvalidInputException(field, "is required: a table name such as jobs, public.jobs or sales.\"Order Items\"");
        }

        var parts = new List<string>();
        var position = 0;
        while (true)
        {
            parts.Add(ReadIdentifier(text, ref position, field));
            if (position == text.Length)
            {
                break;
            }

            if (text[position] != '.')
            {
                throw new InvalidInputException(field,
                    $"'{text}' is not a table name: unexpected '{text[position]}' at position {position + 1} (quote names with spaces or capitals: \"Order " +
                        $"Items\")");
            }

            position++;
        }

        return parts.Count <= 2
            ? parts
            : throw new InvalidInputException(field, $"'{text}' has {parts.Count} parts; write table or schema.table (no database part)");
    }

    /// <summary>Parses a name as pg_dump writes it in a manifest (<c>public.jobs</c>, <c>"Sales"."Order Items"</c>); null when it is not a schema-qualified
    /// table name.</summary>
    public static TableName? TryParseQualified(string? text)
    {
        try
        {
            var name = Parse(text, "name");
            return text!.Contains('.', StringComparison.Ordinal) ? name : null;
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }

    private static string ReadIdentifier(string text, ref int position, string field)
    {
        if (position >= text.Length)
        {
            throw new InvalidInputException(field, $"'{text}' ends with '.': a name is missing after it");
        }

        string identifier;
        if (text[position] == '"')
        {
            var value = new StringBuilder();
            position++;
            while (true)
            {
                if (position >= text.Length)
                {
                    throw new InvalidInputException(field, $"'{text}' has an unterminated quoted name");
                }

                if (text[position] == '"')
                {
                    if (position + 1 < text.Length && text[position + 1] == '"')
                    {
                        value.Append('"');
                        position += 2;
                        continue;
                    }

                    position++;
                    break;
                }

                value.Append(text[position++]);
            }

            identifier = value.ToString();
            if (identifier.Length == 0)
            {
                throw new InvalidInputException(field, $"'{text}' has an empty quoted name (\"\")");
            }
        }
        else
        {
            var start = position;
            while (position < text.Length && text[position] != '.' && text[position] != '"')
            {
                var c = text[position];
                // PostgreSQL's lexer: ident_start [A-Za-z\200-\377_], ident_cont adds [0-9$]; every non-ASCII character counts as a letter.
                var letter = c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' || c >= '\u0080';
                var valid = position == start ? letter : letter || c is >= '0' and <= '9' or '$';
                if (!valid)
                {
                    throw new InvalidInputException(field,
                        $"'{text}' is not a table name: '{c}' cannot appear {(position == start ? "at the start of" : "in")} an unquoted name (quote it: " +
                            $"\"{text}\")");
                }

                position++;
            }

            if (position == start)
            {
                throw new InvalidInputException(field, $"'{text}' is not a table name: a name is missing at position {position + 1}");
            }

            // PostgreSQL folds only ASCII letters of unquoted names (in UTF-8 databases).
            identifier = FoldAscii(text[start..position]);
        }

        if (identifier.Any(char.IsControl))
        {
            throw new InvalidInputException(field, "must not contain control characters");
        }

        var bytes = Encoding.UTF8.GetByteCount(identifier);
        if (bytes > MaxIdentifierBytes)
        {
            throw new InvalidInputException(field,
                $"'{text}': a name is at most {MaxIdentifierBytes} bytes (PostgreSQL would truncate it), this one is {bytes}");
        }

        return identifier;
    }

    private static string FoldAscii(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is >= 'A' and <= 'Z' ? (char)(source[i] + 32) : source[i];
            }
        });

    private static string Display(string part) =>
        part.Length > 0 && (part[0] is >= 'a' and <= 'z' or '_') && part.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_')
            ? part
            : SqlText.Ident(part);
}

/// <summary>A table as a request named it: <see cref="Schema"/> is null when the name has none, and is then resolved through production's
/// search_path as PostgreSQL would resolve it for the connecting role.</summary>
/// <param name="Text">The name as written.</param>
/// <param name="Schema">The schema written, folded; null when none was.</param>
/// <param name="Name">The table's name, folded.</param>
public sealed record RequestedTable(string Text, string? Schema, string Name)
{
    /// <summary>Parses a request's table name; <see cref="InvalidInputException"/> naming <paramref name="field"/> when it is not one.</summary>
    public static RequestedTable Parse(string? text, string field)
    {
        var parts = TableName.ParseParts(text, field);
        return parts.Count == 1 ? new RequestedTable(text!, null, parts[0]) : new RequestedTable(text!, parts[0], parts[1]);
    }

    /// <summary>The table when the schema was written; null otherwise.</summary>
    public TableName? Qualified => Schema is null ? null : new TableName(Schema, Name);
}

/// <summary>Quoting for SQL text. Every identifier goes through <see cref="Ident"/>, every literal through <see cref="Literal"/>.</summary>
public static class SqlText
{
    /// <summary>A quoted identifier: <c>"name"</c> with embedded quotes doubled.</summary>
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A quoted string literal (standard_conforming_strings is on in every supported server).</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A comma-separated list of quoted identifiers, each optionally prefixed with a table alias.</summary>
    public static string Columns(IEnumerable<string> names, string? alias = null) =>
        string.Join(", ", names.Select(n => alias is null ? Ident(n) : alias + "." + Ident(n)));
}

/// <summary>The name of a side table: <c>&lt;table&gt;_restored_&lt;yyyyMMddHHmmss&gt;</c>, always within PostgreSQL's 63 bytes.</summary>
public static class SideTableNames
{
    /// <summary>The fixed part after the table's name.</summary>
    public const string Infix = "_restored_";

    /// <summary>How many bytes of the table's name fit beside the suffix.</summary>
    public const int MaxTableBytes = TableName.MaxIdentifierBytes - 10 - 14;

    private const int HashHexChars = 8;

    /// <summary>
    /// The side table's name for <paramref name="table"/> at <paramref name="timestamp"/> (UTC). A name too long is shortened
    /// deterministically: its first bytes (whole characters), '_', then 8 hex digits of the SHA-256 of the full name, so two long
    /// names with the same beginning still get different side tables.
    /// </summary>
    public static string For(string table, DateTimeOffset timestamp)
    {
        var suffix = Infix + timestamp.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        if (Encoding.UTF8.GetByteCount(table) <= MaxTableBytes)
        {
            return table + suffix;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(table)))[..HashHexChars];
        var budget = MaxTableBytes - 1 - HashHexChars;
        var prefix = new StringBuilder();
        var used = 0;
        foreach (var rune in table.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > budget)
            {
                break;
            }

            prefix.Append(rune.ToString());
            used += rune.Utf8SequenceLength;
        }

        return prefix + "_" + hash + suffix;
    }
}
