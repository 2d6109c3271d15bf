namespace DisasterRecovery.LocalStepFunctions.Errors;

/// <summary>
/// Thrown by an <see cref="Execution.ITaskResourceInvoker"/> when the task it ran failed.
/// <paramref name="error"/> is the error name that Retry/Catch <c>ErrorEquals</c> match — for a Lambda
/// it is the function's <c>errorType</c> (the exception type name), exactly as AWS reports it.
/// </summary>
public class TaskFailedException(string error, string cause)
    : Exception($"{error}: {cause}")
{
    /// <summary>The error name matched by ErrorEquals.</summary>
    public string Error { get; } = error;

    /// <summary>Human-readable cause, copied into the Catch error output.</summary>
    public string Cause { get; } = cause;
}
