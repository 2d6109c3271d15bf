using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Intrinsics;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Processing;

/// <summary>
/// A compiled payload template (Parameters, ItemSelector, ResultSelector): static JSON in which every field
/// whose name ends in <c>.$</c> is replaced, under the name without the suffix, by the value of a path
/// (<c>$…</c> into the input, <c>$$…</c> into the context object) or of an intrinsic function.
/// Compiled once at load time so bad paths, intrinsic syntax and two fields that set the same name are validation errors.
/// </summary>
public sealed class PayloadTemplate
{
    private readonly TemplateNode _root;

    private PayloadTemplate(TemplateNode root) => _root = root;

    internal static PayloadTemplate? Compile(JsonNode? template, string location, Action<string, string> reportError) =>
        new(CompileNode(template, location, reportError));

    internal JsonNode? Evaluate(EvaluationScope scope) => _root.Evaluate(scope);

    private static TemplateNode CompileNode(JsonNode? node, string location, Action<string, string> reportError)
    {
        switch (node)
        {
            case JsonObject obj:
                var fields = new List<(string, TemplateNode)>();
                var writtenBy = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, value) in obj)
                {
                    var fieldLocation = location + "/" + key;
                    var outputKey = key.EndsWith(".$", StringComparison.Ordinal) ? key[..^2] : key;

                    // AWS's CreateStateMachine rejects {"a": 1, "a.$": "$.x"}: both would write the field 'a'.
                    if (writtenBy.TryGetValue(outputKey, out var earlier))
                    {
                        reportError(fieldLocation,
                            $"The field '{key}' duplicates the field '{earlier}': both set '{outputKey}' once '.$' is removed (SCHEMA_VALIDATION_FAILED)");
                        continue;
                    }

                    writtenBy.Add(outputKey, key);
                    if (!key.EndsWith(".$", StringComparison.Ordinal))
                    {
                        fields.Add((key, CompileNode(value, fieldLocation, reportError)));
                        continue;
                    }

                    if (!JsonValues.TryGetString(value, out var expression))
                    {
                        reportError(fieldLocation, $"The value of the field '{key}' must be a string holding a JSONPath or an intrinsic function");
                        continue;
                    }

                    try
                    {
                        fields.Add((outputKey, IntrinsicParser.LooksLikeIntrinsic(expression)
                            ? new IntrinsicNode(IntrinsicParser.Parse(expression.Trim()))
                            : new PathNode(JsonPathExpression.Parse(expression), key)));
                    }
                    catch (FormatException ex)
                    {
                        reportError(fieldLocation, $"The value of the field '{key}' is neither a valid JSONPath nor a valid intrinsic function: {ex.Message}");
                    }
                }

                return new ObjectNode(fields);
            case JsonArray array:
                return new ArrayNode(array.Select((item, i) => CompileNode(item, $"{location}[{i}]", reportError)).ToList());
            default:
                return new LiteralNode(JsonValues.Clone(node));
        }
    }

    private abstract class TemplateNode
    {
        public abstract JsonNode? Evaluate(EvaluationScope scope);
    }

    private sealed class LiteralNode(JsonNode? value) : TemplateNode
    {
        public override JsonNode? Evaluate(EvaluationScope scope) => JsonValues.Clone(value);
    }

    private sealed class ArrayNode(List<TemplateNode> items) : TemplateNode
    {
        public override JsonNode? Evaluate(EvaluationScope scope) => new JsonArray(items.Select(i => i.Evaluate(scope)).ToArray());
    }

    private sealed class ObjectNode(List<(string Key, TemplateNode Value)> fields) : TemplateNode
    {
        public override JsonNode? Evaluate(EvaluationScope scope)
        {
            var result = new JsonObject();
            foreach (var (key, value) in fields)
            {
                result[key] = value.Evaluate(scope);
            }

            return result;
        }
    }

    private sealed class PathNode(JsonPathExpression path, string fieldName) : TemplateNode
    {
        public override JsonNode? Evaluate(EvaluationScope scope)
        {
            if (scope.TrySelect(path, out var value))
            {
                return value;
            }

            // AWS's wording, so messages look the same locally and in the console.
            var source = path.IsContextPath ? scope.Context : scope.Input;
            throw StatesErrorException.Runtime(
                $"The JSONPath '{path.Text}' specified for the field '{fieldName}' could not be found in the input '{JsonValues.ToJson(source)}'");
        }
    }

    private sealed class IntrinsicNode(IntrinsicCall call) : TemplateNode
    {
        public override JsonNode? Evaluate(EvaluationScope scope) => IntrinsicFunctions.Evaluate(call, scope);
    }
}
