using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalStepFunctions.Json;

namespace DisasterRecovery.LocalStepFunctions.Paths;

/// <summary>
/// A JSONPath filter predicate (<c>[?(...)]</c>): comparisons <c>== != &lt; &lt;= &gt; &gt;= =~</c> between
/// <c>@</c>/<c>$</c> paths and literals, existence tests (<c>@.x</c>), <c>!</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses.
/// Comparisons across types are false and a missing operand makes a comparison false, as in Jayway.
/// </summary>
internal abstract class FilterExpression
{
    public abstract bool Matches(JsonNode? current, JsonNode? root);
}

internal sealed class OrFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Matches(JsonNode? current, JsonNode? root) => left.Matches(current, root) || right.Matches(current, root);
}

internal sealed class AndFilter(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Matches(JsonNode? current, JsonNode? root) => left.Matches(current, root) && right.Matches(current, root);
}

internal sealed class NotFilter(FilterExpression inner) : FilterExpression
{
    public override bool Matches(JsonNode? current, JsonNode? root) => !inner.Matches(current, root);
}

internal sealed class ExistsFilter(FilterOperand operand) : FilterExpression
{
    public override bool Matches(JsonNode? current, JsonNode? root)
    {
        if (!operand.TryResolve(current, root, out var value))
        {
            return false;
        }

        // A bare literal (e.g. [?(true)]) is a truth test; a path is an existence test.
        return operand is not LiteralOperand || JsonValues.Kind(value) == JsonValueKind.True;
    }
}

internal sealed class ComparisonFilter(FilterOperand left, string op, FilterOperand right) : FilterExpression
{
    public override bool Matches(JsonNode? current, JsonNode? root)
    {
        if (!left.TryResolve(current, root, out var l))
        {
            return op == "!=" && right.TryResolve(current, root, out _);
        }

        if (op == "=~")
        {
            return right is RegexOperand regex && JsonValues.TryGetString(l, out var s) && regex.Regex.IsMatch(s);
        }

        if (!right.TryResolve(current, root, out var r))
        {
            return op == "!=";
        }

        switch (op)
        {
            case "==":
                return JsonValues.DeepEquals(l, r);
            case "!=":
                return !JsonValues.DeepEquals(l, r);
        }

        int comparison;
        if (JsonValues.TryGetDouble(l, out var ld) && JsonValues.TryGetDouble(r, out var rd))
        {
            comparison = ld.CompareTo(rd);
        }
        else if (JsonValues.TryGetString(l, out var ls) && JsonValues.TryGetString(r, out var rs))
        {
            comparison = string.CompareOrdinal(ls, rs);
        }
        else
        {
            return false;
        }

        return op switch
        {
            "<" => comparison < 0,
            "<=" => comparison <= 0,
            ">" => comparison > 0,
            ">=" => comparison >= 0,
            _ => false,
        };
    }
}

internal abstract class FilterOperand
{
    public abstract bool TryResolve(JsonNode? current, JsonNode? root, out JsonNode? value);
}

internal sealed class PathOperand(JsonPathExpression path, bool relative) : FilterOperand
{
    public override bool TryResolve(JsonNode? current, JsonNode? root, out JsonNode? value)
    {
        var matches = path.Evaluate(relative ? current : root, root);
        if (path.IsDefinite)
        {
            value = matches.Count > 0 ? matches[0] : null;
            return matches.Count > 0;
        }

        value = new JsonArray(matches.Select(JsonValues.Clone).ToArray());
        return true;
    }
}

internal sealed class LiteralOperand(JsonNode? literal) : FilterOperand
{
    public override bool TryResolve(JsonNode? current, JsonNode? root, out JsonNode? value)
    {
        value = literal;
        return true;
    }
}

internal sealed class RegexOperand(Regex regex) : FilterOperand
{
    public Regex Regex { get; } = regex;

    public override bool TryResolve(JsonNode? current, JsonNode? root, out JsonNode? value)
    {
        value = null;
        return false;
    }
}

/// <summary>Recursive-descent parser for filter predicates.</summary>
internal sealed class FilterParser
{
    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "=~", "<", ">"];
    private readonly string _text;
    private int _pos;

    private FilterParser(string text) => _text = text;

    public static FilterExpression Parse(string text)
    {
        var parser = new FilterParser(text);
        var expression = parser.ParseOr();
        parser.SkipWhitespace();
        if (parser._pos != text.Length)
        {
            throw new FormatException($"unexpected '{text[parser._pos..]}'");
        }

        return expression;
    }

    private FilterExpression ParseOr()
    {
        var left = ParseAnd();
        while (TryConsume("||"))
        {
            left = new OrFilter(left, ParseAnd());
        }

        return left;
    }

    private FilterExpression ParseAnd()
    {
        var left = ParseUnary();
        while (TryConsume("&&"))
        {
            left = new AndFilter(left, ParseUnary());
        }

        return left;
    }

    private FilterExpression ParseUnary()
    {
        SkipWhitespace();
        if (Peek() == '!' && PeekAt(1) != '=')
        {
            _pos++;
            return new NotFilter(ParseUnary());
        }

        if (Peek() == '(')
        {
            _pos++;
            var inner = ParseOr();
            Expect(')');
            return inner;
        }

        var left = ParseOperand(allowRegex: false);
        SkipWhitespace();
        var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_text, _pos, o, 0, o.Length) == 0);
        if (op is null)
        {
            return new ExistsFilter(left);
        }

        _pos += op.Length;
        var right = ParseOperand(allowRegex: op == "=~");
        return new ComparisonFilter(left, op, right);
    }

    private FilterOperand ParseOperand(bool allowRegex)
    {
        SkipWhitespace();
        var c = Peek();
        switch (c)
        {
            case '@':
            case '$':
                return ParsePathOperand();
            case '\'':
            case '"':
                return new LiteralOperand(JsonValue.Create(PathParser.ReadQuoted(_text, ref _pos)));
            case '/' when allowRegex:
                return ParseRegex();
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
                throw new FormatException($"'{number}' is not a number");
            }

            return new LiteralOperand(JsonNode.Parse(number));
        }

        foreach (var keyword in new[] { "true", "false", "null" })
        {
            if (TryConsume(keyword))
            {
                return new LiteralOperand(keyword == "null" ? null : JsonValue.Create(keyword == "true"));
            }
        }

        throw new FormatException($"expected a path or a literal at '{_text[_pos..]}'");
    }

    private FilterOperand ParsePathOperand()
    {
        var relative = _text[_pos] == '@';
        var start = _pos;
        _pos++;
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '.')
            {
                _pos++;
                if (Peek() == '.')
                {
                    _pos++;
                }

                while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '-' or '*' or '$'))
                {
                    _pos++;
                }
            }
            else if (c == '[')
            {
                var depth = 0;
                while (_pos < _text.Length)
                {
                    if (_text[_pos] is '\'' or '"')
                    {
                        PathParser.ReadQuoted(_text, ref _pos);
                        continue;
                    }

                    if (_text[_pos] == '[')
                    {
                        depth++;
                    }
                    else if (_text[_pos] == ']' && --depth == 0)
                    {
                        _pos++;
                        break;
                    }

                    _pos++;
                }
            }
            else
            {
                break;
            }
        }

        var pathText = "$" + _text[(start + 1).._pos];
        return new PathOperand(JsonPathExpression.Parse(pathText), relative);
    }

    private RegexOperand ParseRegex()
    {
        _pos++; // '/'
        var builder = new StringBuilder();
        while (_pos < _text.Length && _text[_pos] != '/')
        {
            if (_text[_pos] == '\\' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                _pos++;
            }

            builder.Append(_text[_pos++]);
        }

        Expect('/');
        var options = RegexOptions.CultureInvariant;
        while (_pos < _text.Length && char.IsLetter(_text[_pos]))
        {
            if (_text[_pos++] == 'i')
            {
                options |= RegexOptions.IgnoreCase;
            }
        }

        return new RegexOperand(new Regex(builder.ToString(), options, TimeSpan.FromSeconds(1)));
    }

    private bool TryConsume(string token)
    {
        SkipWhitespace();
        if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) != 0)
        {
            return false;
        }

        _pos += token.Length;
        return true;
    }

    private void Expect(char c)
    {
        SkipWhitespace();
        if (Peek() != c)
        {
            throw new FormatException($"expected '{c}'");
        }

        _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }
}
