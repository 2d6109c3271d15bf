namespace DisasterRecovery.Core;

// Exception type names are a contract: a Lambda function reports the type name as `errorType`,
// and the state machines match it in `Retry`/`Catch` `ErrorEquals`. Rename one and a flow breaks,
// so every such type lives in this one file.

/// <summary>Base of every error this platform raises on purpose.</summary>
public abstract class DisasterRecoveryException(string message, Exception? inner = null)
    : Exception(message, inner);

/// <summary>The invocation payload is not JSON of the expected shape.</summary>
public sealed class MalformedInputException(string message, Exception? inner = null)
    : DisasterRecoveryException(message, inner);

/// <summary>The input parsed, but a field has a value the operation cannot accept.</summary>
public sealed class InvalidInputException : DisasterRecoveryException
{
    public InvalidInputException(string field, string problem)
        : base($"{field}: {problem}")
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The camelCase path of the offending field, as the caller wrote it.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

/// <summary>The function could not start: configuration missing or invalid.</summary>
public sealed class FunctionConfigurationException(string message)
    : DisasterRecoveryException(message);
