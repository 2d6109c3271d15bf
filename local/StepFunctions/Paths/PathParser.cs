using System.Globalization;
using System.Text;

namespace DisasterRecovery.LocalStepFunctions.Paths;

/// <summary>Turns JSONPath text into segments; every failure is a <see cref="FormatException"/> naming the position.</summary>
internal static class PathParser
{
    public static List<PathSegment> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith('$'))
        {
            throw Error(text, 0, "a path must start with '$'");
        }

        var pos = text.StartsWith("$$", StringComparison.Ordinal) ? 2 : 1;
        var segments = new List<PathSegment>();
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c == '.')
            {
                if (pos + 1 < text.Length && text[pos + 1] == '.')
                {
                    pos += 2;
                    segments.Add(new DeepScanSegment(ParseAfterDot(text, ref pos, allowBracket: true)));
                    continue;
                }

                pos++;
                segments.Add(ParseAfterDot(text, ref pos, allowBracket: true));
            }
            else if (c == '[')
            {
                segments.Add(ParseBracket(text, ref pos));
            }
            else
            {
                throw Error(text, pos, $"unexpected character '{c}'");
            }
        }

        return segments;
    }

    private static PathSegment ParseAfterDot(string text, ref int pos, bool allowBracket)
    {
        if (pos >= text.Length)
        {
            throw Error(text, pos, "a field name is missing after '.'");
        }

        if (text[pos] == '*')
        {
            pos++;
            return new WildcardSegment();
        }

        if (text[pos] == '[' && allowBracket)
        {
            // AWS documents "$.abc.['def ghi']": a dot directly followed by bracket notation.
            return ParseBracket(text, ref pos);
        }

        var start = pos;
        while (pos < text.Length && text[pos] != '.' && text[pos] != '[')
        {
            if (char.IsWhiteSpace(text[pos]) || text[pos] is '(' or ')' or '\'' or '"' or ']')
            {
                throw Error(text, pos, $"character '{text[pos]}' needs bracket notation, e.g. $['a b']");
            }

            pos++;
        }

        if (pos == start)
        {
            throw Error(text, pos, "a field name is missing after '.'");
        }

        return new FieldSegment(text[start..pos]);
    }

    private static PathSegment ParseBracket(string text, ref int pos)
    {
        pos++; // '['
        SkipWhitespace(text, ref pos);
        if (pos >= text.Length)
        {
            throw Error(text, pos, "unterminated '['");
        }

        PathSegment segment;
        var c = text[pos];
        if (c == '*')
        {
            pos++;
            segment = new WildcardSegment();
        }
        else if (c == '?')
        {
            pos++;
            SkipWhitespace(text, ref pos);
            if (pos >= text.Length || text[pos] != '(')
            {
                throw Error(text, pos, "a filter must look like [?(...)]");
            }

            var close = FindClosingParenthesis(text, pos);
            var source = text[(pos + 1)..close];
            FilterExpression filter;
            try
            {
                filter = FilterParser.Parse(source);
            }
            catch (FormatException ex)
            {
                throw Error(text, pos, "invalid filter: " + ex.Message);
            }

            segment = new FilterSegment(filter, source);
            pos = close + 1;
        }
        else if (c is '\'' or '"')
        {
            var names = new List<PathSegment>();
            while (true)
            {
                SkipWhitespace(text, ref pos);
                names.Add(new FieldSegment(ReadQuoted(text, ref pos)));
                SkipWhitespace(text, ref pos);
                if (pos < text.Length && text[pos] == ',')
                {
                    pos++;
                    continue;
                }

                break;
            }

            segment = names.Count == 1 ? names[0] : new UnionSegment(names);
        }
        else
        {
            var end = text.IndexOf(']', pos);
            if (end < 0)
            {
                throw Error(text, pos, "unterminated '['");
            }

            var content = text[pos..end].Trim();
            segment = ParseNumericSelector(text, pos, content);
            pos = end;
        }

        SkipWhitespace(text, ref pos);
        if (pos >= text.Length || text[pos] != ']')
        {
            throw Error(text, pos, "expected ']'");
        }

        pos++;
        return segment;
    }

    private static PathSegment ParseNumericSelector(string text, int pos, string content)
    {
        if (content.Contains(':', StringComparison.Ordinal))
        {
            var parts = content.Split(':');
            if (parts.Length > 3)
            {
                throw Error(text, pos, $"invalid slice '{content}'");
            }

            int? Part(int i) => i < parts.Length && parts[i].Trim().Length > 0 ? ParseInt(text, pos, parts[i]) : null;
            return new SliceSegment(Part(0), Part(1), Part(2));
        }

        if (content.Contains(',', StringComparison.Ordinal))
        {
            return new UnionSegment(content.Split(',').Select(p => (PathSegment)new IndexSegment(ParseInt(text, pos, p))).ToList());
        }

        return new IndexSegment(ParseInt(text, pos, content));
    }

    private static int ParseInt(string text, int pos, string value)
    {
        if (!int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result))
        {
            throw Error(text, pos, $"'{value.Trim()}' is not an array index");
        }

        return result;
    }

    internal static string ReadQuoted(string text, ref int pos)
    {
        var quote = text[pos];
        if (quote is not ('\'' or '"'))
        {
            throw Error(text, pos, "expected a quoted name");
        }

        pos++;
        var builder = new StringBuilder();
        while (pos < text.Length && text[pos] != quote)
        {
            if (text[pos] == '\\' && pos + 1 < text.Length)
            {
                pos++;
            }

            builder.Append(text[pos]);
            pos++;
        }

        if (pos >= text.Length)
        {
            throw Error(text, pos, "unterminated quoted name");
        }

        pos++;
        return builder.ToString();
    }

    private static int FindClosingParenthesis(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var p = i;
                ReadQuoted(text, ref p);
                i = p - 1;
                continue;
            }

            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return i;
            }
        }

        throw Error(text, open, "unbalanced parentheses in filter");
    }

    private static void SkipWhitespace(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private static FormatException Error(string text, int pos, string message) =>
        new($"Invalid JSONPath '{text}' at position {pos}: {message}.");
}
