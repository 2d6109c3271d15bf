using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Processing;

/// <summary>
/// The spec's input/output pipeline: InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath.
/// Each step is a separate function so executors compose only the steps their state type has.
/// </summary>
internal static class DataFlow
{
    /// <summary>InputPath: <c>null</c> gives <c>{}</c>; a definite path that matches nothing is States.Runtime.</summary>
    public static JsonNode? ApplyInputPath(JsonPathExpression? inputPath, JsonNode? rawInput) =>
        SelectOrFail(inputPath, rawInput);

    /// <summary>OutputPath: same rules as InputPath, applied to the state's result-merged input.</summary>
    public static JsonNode? ApplyOutputPath(JsonPathExpression? outputPath, JsonNode? value) =>
        SelectOrFail(outputPath, value);

    /// <summary>Parameters/ItemSelector: absent means "pass the effective input through".</summary>
    public static JsonNode? ApplyTemplate(PayloadTemplate? template, EvaluationScope scope) =>
        template is null ? JsonValues.Clone(scope.Input) : template.Evaluate(scope);

    /// <summary>
    /// ResultPath: <c>null</c> discards the result and keeps the raw input; <c>$</c> replaces it; any other
    /// reference path writes into a copy of the raw input, creating missing objects on the way.
    /// </summary>
    public static JsonNode? ApplyResultPath(ReferencePath? resultPath, JsonNode? rawInput, JsonNode? result)
    {
        if (resultPath is null)
        {
            return JsonValues.Clone(rawInput);
        }

        if (resultPath.TrySet(rawInput, result, out var output, out var failure))
        {
            return output;
        }

        throw new StatesErrorException(ErrorNames.ResultPathMatchFailure, failure!);
    }

    private static JsonNode? SelectOrFail(JsonPathExpression? path, JsonNode? value)
    {
        if (path is null)
        {
            return new JsonObject();
        }

        if (path.TrySelect(value, out var selected))
        {
            return selected;
        }

        throw StatesErrorException.Runtime($"Invalid path '{path.Text}' : No results for path: {path.Canonical}");
    }
}
