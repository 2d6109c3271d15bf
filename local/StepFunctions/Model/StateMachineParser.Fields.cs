using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Intrinsics;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Paths;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.Model;

/// <summary>Field readers, Choice Rules, Retry and Catch: each reports problems with the state and field named.</summary>
internal sealed partial class StateMachineParser
{
    private enum OperandKind
    {
        String,
        Numeric,
        Boolean,
        Timestamp,
        TypeTest,
    }

    private static readonly Dictionary<string, (ComparisonOperator Operator, OperandKind Kind)> ComparisonOperators =
        Enum.GetValues<ComparisonOperator>().ToDictionary(
            op => op.ToString(),
            op => (op, op.ToString() switch
            {
                var n when n.StartsWith("String", StringComparison.Ordinal) => OperandKind.String,
                var n when n.StartsWith("Numeric", StringComparison.Ordinal) => OperandKind.Numeric,
                var n when n.StartsWith("Boolean", StringComparison.Ordinal) => OperandKind.Boolean,
                var n when n.StartsWith("Timestamp", StringComparison.Ordinal) => OperandKind.Timestamp,
                _ => OperandKind.TypeTest,
            }),
            StringComparer.Ordinal);

    private ChoiceCondition? ParseCondition(JsonObject rule, string location, string state, bool topLevel)
    {
        if (!topLevel && rule.ContainsKey("Next"))
        {
            Report($"{location}/Next", state, "Next", $"State '{state}': only top-level Choice Rules may have Next; nested rules inside And/Or/Not may not");
        }

        foreach (var combinator in new[] { "And", "Or" })
        {
            if (!rule.TryGetPropertyValue(combinator, out var nested))
            {
                continue;
            }

            if (nested is not JsonArray list || list.Count == 0)
            {
                Report($"{location}/{combinator}", state, combinator, $"State '{state}': {combinator} must be a non-empty array of Choice Rules");
                return null;
            }

            var conditions = new List<ChoiceCondition>();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject nestedRule && ParseCondition(nestedRule, $"{location}/{combinator}/{i}", state, topLevel: false) is { } parsed)
                {
                    conditions.Add(parsed);
                }
                else if (list[i] is not JsonObject)
                {
                    Report($"{location}/{combinator}/{i}", state, combinator, $"State '{state}': each rule in {combinator} must be an object");
                }
            }

            return conditions.Count == list.Count
                ? combinator == "And" ? new AndCondition(conditions) : new OrCondition(conditions)
                : null;
        }

        if (rule.TryGetPropertyValue("Not", out var negated))
        {
            if (negated is not JsonObject negatedRule)
            {
                Report($"{location}/Not", state, "Not", $"State '{state}': Not must be a single Choice Rule object");
                return null;
            }

            var inner = ParseCondition(negatedRule, $"{location}/Not", state, topLevel: false);
            return inner is null ? null : new NotCondition(inner);
        }

        var variableText = ReadString(rule, "Variable", location, state);
        var operatorFields = rule.Select(p => p.Key)
            .Where(k => k is not ("Variable" or "Next" or "Comment"))
            .ToList();
        if (variableText is null)
        {
            Report($"{location}/Variable", state, "Variable", $"State '{state}': a Choice Rule needs Variable and one comparison operator, or And/Or/Not");
            return null;
        }

        if (operatorFields.Count != 1)
        {
            var found = operatorFields.Count == 0 ? "none" : string.Join(", ", operatorFields);
            Report(location, state, "Variable", $"State '{state}': a Choice Rule needs exactly one comparison operator, found {found}");
            return null;
        }

        var field = operatorFields[0];
        var isPathVariant = field.EndsWith("Path", StringComparison.Ordinal) && ComparisonOperators.ContainsKey(field[..^4]);
        var operatorName = isPathVariant ? field[..^4] : field;
        if (!ComparisonOperators.TryGetValue(operatorName, out var entry) ||
            (isPathVariant && (entry.Kind == OperandKind.TypeTest || entry.Operator == ComparisonOperator.StringMatches)))
        {
            Report($"{location}/{field}", state, field, $"State '{state}': '{field}' is not a comparison operator");
            return null;
        }

        var variable = ParseReference(variableText, $"{location}/Variable", state, "Variable", allowContext: true);
        var value = rule[field];
        ReferencePath? valuePath = null;
        if (isPathVariant)
        {
            valuePath = JsonValues.TryGetString(value, out var pathText)
                ? ParseReference(pathText, $"{location}/{field}", state, field, allowContext: true)
                : ReportNull($"{location}/{field}", state, field, $"State '{state}': {field} must be a reference path string");
        }
        else if (!OperandMatches(entry.Kind, value))
        {
            Report(
                $"{location}/{field}",
                state,
                field,
                $"State '{state}': {field} needs {DescribeOperand(entry.Kind)}, got {JsonValues.Kind(value).ToString().ToLowerInvariant()}");
            return null;
        }

        if (variable is null || (isPathVariant && valuePath is null))
        {
            return null;
        }

        return new ComparisonCondition { Variable = variable, Operator = entry.Operator, Value = isPathVariant ? null : value, ValuePath = valuePath };
    }

    private static bool OperandMatches(OperandKind kind, JsonNode? value) => kind switch
    {
        OperandKind.String => JsonValues.Kind(value) == JsonValueKind.String,
        OperandKind.Numeric => JsonValues.Kind(value) == JsonValueKind.Number,
        OperandKind.Boolean or OperandKind.TypeTest => JsonValues.TryGetBoolean(value, out _),
        _ => JsonValues.TryGetString(value, out var text) && Timestamps.TryParse(text, out _),
    };

    private static string DescribeOperand(OperandKind kind) => kind switch
    {
        OperandKind.String => "a string",
        OperandKind.Numeric => "a number",
        OperandKind.Timestamp => "an RFC 3339 timestamp string",
        _ => "a boolean",
    };

    private List<Retrier> ReadRetry(JsonObject obj, string location, string state)
    {
        var retriers = new List<Retrier>();
        foreach (var (entry, entryLocation, index, count) in ReadHandlerArray(obj, "Retry", location, state))
        {
            var errors = ReadErrorEquals(entry, entryLocation, state, "Retry", index, count);
            var jitter = ReadString(entry, "JitterStrategy", entryLocation, state);
            if (jitter is not (null or "FULL" or "NONE"))
            {
                Report($"{entryLocation}/JitterStrategy", state, "JitterStrategy", $"State '{state}': JitterStrategy must be FULL or NONE");
            }

            var backoff = ReadNumber(entry, "BackoffRate", entryLocation, state);
            if (backoff is < 1)
            {
                Report($"{entryLocation}/BackoffRate", state, "BackoffRate", $"State '{state}': BackoffRate must be at least 1.0");
            }

            foreach (var (key, _) in entry)
            {
                if (key is not ("ErrorEquals" or "IntervalSeconds" or "MaxAttempts" or "BackoffRate" or "MaxDelaySeconds" or "JitterStrategy" or "Comment"))
                {
                    Report($"{entryLocation}/{key}", state, key, $"State '{state}': field '{key}' is not supported in a Retrier");
                }
            }

            retriers.Add(new Retrier
            {
                ErrorEquals = errors,
                IntervalSeconds = ReadInteger(entry, "IntervalSeconds", entryLocation, state, minimum: 1) ?? 1,
                MaxAttempts = (int)(ReadInteger(entry, "MaxAttempts", entryLocation, state, minimum: 0) ?? 3),
                BackoffRate = backoff ?? 2.0,
                MaxDelaySeconds = ReadInteger(entry, "MaxDelaySeconds", entryLocation, state, minimum: 1),
                JitterStrategy = jitter == "FULL" ? JitterStrategy.Full : JitterStrategy.None,
            });
        }

        return retriers;
    }

    private List<Catcher> ReadCatch(JsonObject obj, string location, string state, List<(string, string, string, string)> transitions)
    {
        var catchers = new List<Catcher>();
        foreach (var (entry, entryLocation, index, count) in ReadHandlerArray(obj, "Catch", location, state))
        {
            var errors = ReadErrorEquals(entry, entryLocation, state, "Catch", index, count);
            var next = ReadString(entry, "Next", entryLocation, state, required: true);
            if (next is not null)
            {
                transitions.Add(($"{entryLocation}/Next", state, "Catch.Next", next));
            }

            foreach (var (key, _) in entry)
            {
                if (key is not ("ErrorEquals" or "Next" or "ResultPath" or "Comment"))
                {
                    Report($"{entryLocation}/{key}", state, key, $"State '{state}': field '{key}' is not supported in a Catcher");
                }
            }

            catchers.Add(new Catcher
            {
                ErrorEquals = errors,
                Next = next ?? string.Empty,
                ResultPath = ReadResultPath(entry, "ResultPath", entryLocation, state),
            });
        }

        return catchers;
    }

    private IEnumerable<(JsonObject Entry, string Location, int Index, int Count)> ReadHandlerArray(JsonObject obj, string field, string location, string state)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            yield break;
        }

        if (node is not JsonArray array)
        {
            Report($"{location}/{field}", state, field, $"State '{state}': {field} must be an array");
            yield break;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject entry)
            {
                yield return (entry, $"{location}/{field}/{i}", i, array.Count);
            }
            else
            {
                Report($"{location}/{field}/{i}", state, field, $"State '{state}': each {field} entry must be an object");
            }
        }
    }

    private List<string> ReadErrorEquals(JsonObject entry, string location, string state, string field, int index, int count)
    {
        if (!entry.TryGetPropertyValue("ErrorEquals", out var node) || node is not JsonArray array || array.Count == 0 ||
            array.Any(e => JsonValues.Kind(e) != JsonValueKind.String))
        {
            Report($"{location}/ErrorEquals", state, "ErrorEquals", $"State '{state}': {field}[{index}].ErrorEquals must be a non-empty array of error names");
            return [];
        }

        var errors = array.Select(e => e!.GetValue<string>()).ToList();
        if (errors.Contains(ErrorNames.All) && (errors.Count > 1 || index != count - 1))
        {
            Report(
                $"{location}/ErrorEquals",
                state,
                "ErrorEquals",
                $"State '{state}': States.ALL must appear alone in ErrorEquals and only in the last {(field == "Retry" ? "Retrier" : "Catcher")}");
        }

        return errors;
    }

    private PayloadTemplate? ReadTemplate(JsonObject obj, string field, string location, string state) =>
        obj.TryGetPropertyValue(field, out var node)
            ? PayloadTemplate.Compile(node, $"{location}/{field}", (at, message) => Report(at, state, field, $"State '{state}': {message}"))
            : null;

    /// <summary>ErrorPath/CausePath: a reference path or an intrinsic function, compiled as a one-field template.</summary>
    private PayloadTemplate? ReadDynamicString(JsonObject obj, string field, string location, string state)
    {
        var text = ReadString(obj, field, location, state);
        if (text is null)
        {
            return null;
        }

        if (!IntrinsicParser.LooksLikeIntrinsic(text))
        {
            ParseReference(text, $"{location}/{field}", state, field, allowContext: true);
        }

        return PayloadTemplate.Compile(new JsonObject { ["value.$"] = text }, $"{location}/{field}",
            (_, message) => Report($"{location}/{field}", state, field, $"State '{state}': {message}"));
    }

    private JsonPathExpression? ReadPath(JsonObject obj, string field, string location, string state)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return JsonPathExpression.Root;
        }

        if (node is null)
        {
            return null;
        }

        if (!JsonValues.TryGetString(node, out var text))
        {
            Report($"{location}/{field}", state, field, $"State '{state}': {field} must be a path string or null");
            return JsonPathExpression.Root;
        }

        if (JsonPathExpression.TryParse(text, out var path, out var error))
        {
            return path;
        }

        Report($"{location}/{field}", state, field, $"State '{state}': {field}: {error}");
        return JsonPathExpression.Root;
    }

    private ReferencePath? ReadResultPath(JsonObject obj, string field, string location, string state)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return ReferencePath.Root;
        }

        if (node is null)
        {
            return null;
        }

        if (!JsonValues.TryGetString(node, out var text))
        {
            Report($"{location}/{field}", state, field, $"State '{state}': {field} must be a reference path string or null");
            return ReferencePath.Root;
        }

        return ParseReference(text, $"{location}/{field}", state, field, allowContext: false) ?? ReferencePath.Root;
    }

    private ReferencePath? ReadReferencePath(JsonObject obj, string field, string location, string state)
    {
        var text = ReadString(obj, field, location, state);
        return text is null ? null : ParseReference(text, $"{location}/{field}", state, field, allowContext: true);
    }

    private ReferencePath? ParseReference(string text, string location, string state, string field, bool allowContext)
    {
        if (!ReferencePath.TryParse(text, out var path, out var error))
        {
            Report(location, state, field, $"State '{state}': {field}: {error}");
            return null;
        }

        if (!allowContext && path!.IsContextPath)
        {
            Report(location, state, field, $"State '{state}': {field} cannot write into the context object ('{text}')");
            return null;
        }

        return path;
    }

    private string? ReadString(JsonObject obj, string field, string location, string? state, bool required = false)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            if (required)
            {
                Report($"{location}/{field}", state, field, $"{Subject(state)}field '{field}' is required");
            }

            return null;
        }

        if (JsonValues.TryGetString(node, out var text))
        {
            return text;
        }

        Report($"{location}/{field}", state, field, $"{Subject(state)}{field} must be a string");
        return null;
    }

    private long? ReadInteger(JsonObject obj, string field, string location, string? state, long minimum)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return null;
        }

        if (JsonValues.TryGetInteger(node, out var value) && value >= minimum)
        {
            return value;
        }

        Report($"{location}/{field}", state, field, $"{Subject(state)}{field} must be an integer >= {minimum}");
        return null;
    }

    private double? ReadNumber(JsonObject obj, string field, string location, string? state)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return null;
        }

        if (JsonValues.TryGetDouble(node, out var value))
        {
            return value;
        }

        Report($"{location}/{field}", state, field, $"{Subject(state)}{field} must be a number");
        return null;
    }

    private bool? ReadBoolean(JsonObject obj, string field, string location, string? state)
    {
        if (!obj.TryGetPropertyValue(field, out var node))
        {
            return null;
        }

        if (JsonValues.TryGetBoolean(node, out var value))
        {
            return value;
        }

        Report($"{location}/{field}", state, field, $"{Subject(state)}{field} must be a boolean");
        return null;
    }

    private static string? ReadComment(JsonObject obj) =>
        obj.TryGetPropertyValue("Comment", out var node) && JsonValues.TryGetString(node, out var text) ? text : null;

    private void ExclusivePair(JsonObject obj, string first, string second, string location, string state)
    {
        if (obj.ContainsKey(first) && obj.ContainsKey(second))
        {
            Report($"{location}/{second}", state, second, $"State '{state}': {first} and {second} cannot both be set");
        }
    }

    private void CheckQueryLanguage(JsonObject obj, string location, string? state)
    {
        var language = ReadString(obj, "QueryLanguage", location, state);
        if (language is not (null or "JSONPath"))
        {
            Report($"{location}/QueryLanguage", state, "QueryLanguage",
                $"{Subject(state)}QueryLanguage '{language}' is not supported: the local engine runs JSONPath only");
        }
    }

    private static string Subject(string? state) => state is null ? string.Empty : $"State '{state}': ";

    private ReferencePath? ReportNull(string location, string? state, string? field, string message)
    {
        Report(location, state, field, message);
        return null;
    }

    private void Report(string location, string? state, string? field, string message) =>
        _errors.Add(new ValidationError(location, state, field, message));
}
