using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Model;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.States;

/// <summary>Fail: ends the branch with Error/Cause, static or read with ErrorPath/CausePath from the state input.</summary>
internal static class FailStateExecutor
{
    public static StatesErrorException Fail(FailState state, StateScope scope)
    {
        var error = state.Error ?? Resolve(state.ErrorPath, "ErrorPath", scope);
        var cause = state.Cause ?? Resolve(state.CausePath, "CausePath", scope);
        return new StatesErrorException(error ?? string.Empty, cause ?? string.Empty);
    }

    private static string? Resolve(PayloadTemplate? template, string field, StateScope scope)
    {
        if (template is null)
        {
            return null;
        }

        var value = template.Evaluate(scope.Evaluate(scope.RawInput))?["value"];
        return JsonValues.TryGetString(value, out var text)
            ? text
            : throw StatesErrorException.Runtime($"The value of {field} must be a string, got '{JsonValues.ToJson(value)}'");
    }
}
