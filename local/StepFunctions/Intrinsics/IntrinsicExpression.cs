using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Intrinsics;

/// <summary>An argument of an intrinsic function call.</summary>
internal abstract record IntrinsicArgument;

/// <summary>A number, <c>true</c>, <c>false</c> or <c>null</c> literal.</summary>
internal sealed record LiteralArgument(JsonNode? Value) : IntrinsicArgument;

/// <summary>
/// A quoted string literal. <see cref="Value"/> has every escape resolved; <see cref="Template"/> keeps
/// <c>\{</c>, <c>\}</c> and <c>\\</c> escaped so States.Format can tell a literal brace from a <c>{}</c> placeholder.
/// </summary>
internal sealed record StringArgument(string Value, string Template) : IntrinsicArgument;

/// <summary>A path into the state input (<c>$</c>) or the context object (<c>$$</c>).</summary>
internal sealed record PathArgument(JsonPathExpression Path) : IntrinsicArgument;

/// <summary>A nested call, e.g. <c>States.ArrayGetItem(States.StringSplit($.arn, ':'), 4)</c>.</summary>
internal sealed record IntrinsicCall(string Name, IReadOnlyList<IntrinsicArgument> Arguments, string Text) : IntrinsicArgument;

/// <summary>
/// Parses intrinsic invocations at definition-load time so syntax errors surface as validation errors,
/// not at run time. Reserved characters inside string literals are <c>' { } \</c>, escaped with a backslash;
/// an "open" backslash before any other character is rejected as the spec requires.
/// </summary>
internal sealed class IntrinsicParser
{
    private readonly string _text;
    private int _pos;

    private IntrinsicParser(string text) => _text = text;

    /// <summary>True when a <c>.$</c> value is an intrinsic call rather than a path.</summary>
    public static bool LooksLikeIntrinsic(string value) => value.TrimStart().StartsWith("States.", StringComparison.Ordinal);

    public static IntrinsicCall Parse(string text)
    {
        var parser = new IntrinsicParser(text);
        parser.SkipWhitespace();
        var call = parser.ParseCall();
        parser.SkipWhitespace();
        if (parser._pos != text.Length)
        {
            throw parser.Error("unexpected text after the closing ')'");
        }

        return call;
    }

    private IntrinsicCall ParseCall()
    {
        var start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '.'))
        {
            _pos++;
        }

        var name = _text[start.._pos];
        if (!IntrinsicFunctions.IsKnown(name))
        {
            throw Error($"'{name}' is not a supported intrinsic function (known: {string.Join(", ", IntrinsicFunctions.Names)})");
        }

        SkipWhitespace();
        Expect('(');
        var arguments = new List<IntrinsicArgument>();
        SkipWhitespace();
        if (Peek() == ')')
        {
            _pos++;
            return new IntrinsicCall(name, arguments, _text[start.._pos]);
        }

        while (true)
        {
            SkipWhitespace();
            arguments.Add(ParseArgument());
            SkipWhitespace();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect(')');
            return new IntrinsicCall(name, arguments, _text[start.._pos]);
        }
    }

    private IntrinsicArgument ParseArgument()
    {
        var c = Peek();
        if (c == '\'')
        {
            return ParseString();
        }

        if (c == '$')
        {
            return ParsePath();
        }

        if (c == '-' || char.IsDigit(c))
        {
            var start = _pos;
            _pos++;
            while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] is '.' or 'e' or 'E' or '+' or '-'))
            {
                _pos++;
            }

            var number = _text[start.._pos];
            if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw Error($"'{number}' is not a number");
            }

            return new LiteralArgument(JsonNode.Parse(number));
        }

        foreach (var keyword in new[] { "true", "false", "null" })
        {
            if (string.CompareOrdinal(_text, _pos, keyword, 0, keyword.Length) == 0)
            {
                _pos += keyword.Length;
                return new LiteralArgument(keyword == "null" ? null : JsonValue.Create(keyword == "true"));
            }
        }

        if (string.CompareOrdinal(_text, _pos, "States.", 0, 7) == 0)
        {
            return ParseCall();
        }

        throw Error("expected a string, number, boolean, null, path or intrinsic function");
    }

    private StringArgument ParseString()
    {
        _pos++; // opening quote
        var value = new StringBuilder();
        var template = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != '\'')
        {
            var c = _text[_pos];
            if (c == '\\')
            {
                var escaped = _pos + 1 < _text.Length ? _text[_pos + 1] : '\0';
                switch (escaped)
                {
                    case '\'':
                        value.Append('\'');
                        template.Append('\'');
                        break;
                    case '{':
                    case '}':
                    case '\\':
                        value.Append(escaped);
                        template.Append('\\').Append(escaped);
                        break;
                    default:
                        throw Error("an open escape '\\' must be followed by one of ' { } \\");
                }

                _pos += 2;
                continue;
            }

            value.Append(c);
            template.Append(c);
            _pos++;
        }

        Expect('\'');
        return new StringArgument(value.ToString(), template.ToString());
    }

    private PathArgument ParsePath()
    {
        // A path ends at the first ',' or ')' that is not inside brackets, parentheses or quotes.
        var start = _pos;
        var depth = 0;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if ((c == ',' || c == ')') && depth == 0)
            {
                break;
            }

            if (c is '[' or '(')
            {
                depth++;
            }
            else if (c is ']' or ')')
            {
                depth--;
            }
            else if (c is '"' || (c == '\'' && depth > 0))
            {
                PathParser.ReadQuoted(_text, ref _pos);
                continue;
            }

            _pos++;
        }

        var text = _text[start.._pos].TrimEnd();
        try
        {
            return new PathArgument(JsonPathExpression.Parse(text));
        }
        catch (FormatException ex)
        {
            throw Error(ex.Message);
        }
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }

        _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private FormatException Error(string message) =>
        new($"Invalid intrinsic function '{_text}' at position {_pos}: {message}.");
}
