namespace DisasterRecovery.LocalStepFunctions.Errors;

/// <summary>
/// A state-level error inside the engine: the (Error, Cause) pair that flows through Retry, Catch,
/// branch failure and finally ExecutionFailed.
/// </summary>
internal class StatesErrorException(string error, string cause) : Exception($"{error}: {cause}")
{
    public string Error { get; } = error;

    public string Cause { get; } = cause;

    /// <summary>
    /// States.Runtime is terminal: AWS documents that neither Retry nor Catch (not even States.ALL)
    /// handles it, so it always fails the execution.
    /// </summary>
    public bool IsTerminal => Error == ErrorNames.Runtime;

    /// <summary>True once the cause names the state it happened in (done once, by the innermost state).</summary>
    public bool HasStateContext { get; init; }

    public static StatesErrorException Runtime(string cause) => new(ErrorNames.Runtime, cause);

    public static StatesErrorException Intrinsic(string cause) => new(ErrorNames.IntrinsicFailure, cause);
}
