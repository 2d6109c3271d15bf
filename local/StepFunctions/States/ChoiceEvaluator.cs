using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Paths;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>
/// Evaluates Choice conditions. A Variable (or …Path operand) that does not exist is States.Runtime — only IsPresent
/// may test a missing path. A value of the wrong type never matches (NumericEquals on a string is false), and strings
/// compare by UTF-16 code unit, like Java's compareTo that the spec points to.
/// </summary>
internal static class ChoiceEvaluator
{
    public static bool Evaluate(ChoiceCondition condition, EvaluationScope scope) => condition switch
    {
        AndCondition and => and.Conditions.All(c => Evaluate(c, scope)),
        OrCondition or => or.Conditions.Any(c => Evaluate(c, scope)),
        NotCondition not => !Evaluate(not.Condition, scope),
        ComparisonCondition comparison => Compare(comparison, scope),
        _ => throw new InvalidOperationException("Unknown Choice condition."),
    };

    private static bool Compare(ComparisonCondition condition, EvaluationScope scope)
    {
        var exists = scope.TrySelect(condition.Variable.Path, out var variable);
        if (condition.Operator == ComparisonOperator.IsPresent)
        {
            return exists == IsTrue(condition.RawValue);
        }

        if (!exists)
        {
            throw InvalidPath(condition.Variable);
        }

        var operand = condition.RawValue;
        if (condition.ValuePath is { } valuePath && !scope.TrySelect(valuePath.Path, out operand))
        {
            throw InvalidPath(valuePath);
        }

        var kind = JsonValues.Kind(variable);
        return condition.Operator switch
        {
            ComparisonOperator.IsNull => (kind == JsonValueKind.Null) == IsTrue(operand),
            ComparisonOperator.IsNumeric => (kind == JsonValueKind.Number) == IsTrue(operand),
            ComparisonOperator.IsString => (kind == JsonValueKind.String) == IsTrue(operand),
            ComparisonOperator.IsBoolean => (kind is JsonValueKind.True or JsonValueKind.False) == IsTrue(operand),
            ComparisonOperator.IsTimestamp => IsTimestamp(variable) == IsTrue(operand),
            ComparisonOperator.StringMatches => JsonValues.TryGetString(variable, out var text) &&
                                                JsonValues.TryGetString(operand, out var pattern) && Matches(text, pattern),
            ComparisonOperator.BooleanEquals => JsonValues.TryGetBoolean(variable, out var left) &&
                                                JsonValues.TryGetBoolean(operand, out var right) && left == right,
            >= ComparisonOperator.StringEquals and <= ComparisonOperator.StringGreaterThanEquals =>
                JsonValues.TryGetString(variable, out var ls) && JsonValues.TryGetString(operand, out var rs) &&
                Holds(condition.Operator, string.CompareOrdinal(ls, rs)),
            >= ComparisonOperator.NumericEquals and <= ComparisonOperator.NumericGreaterThanEquals =>
                JsonValues.TryGetDouble(variable, out var ln) && JsonValues.TryGetDouble(operand, out var rn) &&
                Holds(condition.Operator, ln.CompareTo(rn)),
            >= ComparisonOperator.TimestampEquals and <= ComparisonOperator.TimestampGreaterThanEquals =>
                TryTimestamp(variable, out var lt) && TryTimestamp(operand, out var rt) &&
                Holds(condition.Operator, lt.CompareTo(rt)),
            _ => false,
        };
    }

    /// <summary>
    /// StringMatches: <c>*</c> matches any run of characters (including none); <c>\*</c> is a literal star and
    /// <c>\\</c> a literal backslash. Everything else matches itself.
    /// </summary>
    internal static bool Matches(string text, string pattern)
    {
        // Tokenize once: literal characters, or null for a wildcard.
        var tokens = new List<char?>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '*' or '\\')
            {
                tokens.Add(pattern[++i]);
            }
            else
            {
                tokens.Add(pattern[i] == '*' ? null : pattern[i]);
            }
        }

        // Classic greedy wildcard matching with backtracking to the last star.
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < tokens.Count && tokens[p] is { } literal && literal == text[t])
            {
                t++;
                p++;
            }
            else if (p < tokens.Count && tokens[p] is null)
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < tokens.Count && tokens[p] is null)
        {
            p++;
        }

        return p == tokens.Count;
    }

    private static bool Holds(ComparisonOperator op, int comparison) => op.ToString() switch
    {
        var n when n.EndsWith("GreaterThanEquals", StringComparison.Ordinal) => comparison >= 0,
        var n when n.EndsWith("LessThanEquals", StringComparison.Ordinal) => comparison <= 0,
        var n when n.EndsWith("GreaterThan", StringComparison.Ordinal) => comparison > 0,
        var n when n.EndsWith("LessThan", StringComparison.Ordinal) => comparison < 0,
        _ => comparison == 0,
    };

    private static bool IsTrue(JsonNode? value) => JsonValues.Kind(value) == JsonValueKind.True;

    private static bool IsTimestamp(JsonNode? value) => TryTimestamp(value, out _);

    private static bool TryTimestamp(JsonNode? value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return JsonValues.TryGetString(value, out var text) && Timestamps.TryParse(text, out timestamp);
    }

    private static StatesErrorException InvalidPath(ReferencePath path) =>
        StatesErrorException.Runtime($"Invalid path '{path.Text}': The choice state's condition path references an invalid value.");
}
