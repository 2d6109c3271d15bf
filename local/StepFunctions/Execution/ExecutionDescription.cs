namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>Execution status; <see cref="ExecutionStatusNames.ToApiName"/> gives AWS's spelling (RUNNING, …).</summary>
public enum ExecutionStatus
{
    /// <summary>RUNNING.</summary>
    Running,

    /// <summary>SUCCEEDED.</summary>
    Succeeded,

    /// <summary>FAILED.</summary>
    Failed,

    /// <summary>TIMED_OUT.</summary>
    TimedOut,

    /// <summary>ABORTED.</summary>
    Aborted,
}

/// <summary>AWS spellings of <see cref="ExecutionStatus"/>.</summary>
public static class ExecutionStatusNames
{
    /// <summary>RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.</summary>
    public static string ToApiName(this ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "RUNNING",
        ExecutionStatus.Succeeded => "SUCCEEDED",
        ExecutionStatus.Failed => "FAILED",
        ExecutionStatus.TimedOut => "TIMED_OUT",
        _ => "ABORTED",
    };
}

/// <summary>What DescribeExecution returns.</summary>
public sealed record ExecutionDescription
{
    /// <summary>The execution ARN.</summary>
    public required string ExecutionArn { get; init; }

    /// <summary>The state machine ARN.</summary>
    public required string StateMachineArn { get; init; }

    /// <summary>The execution name.</summary>
    public required string Name { get; init; }

    /// <summary>Current status.</summary>
    public ExecutionStatus Status { get; init; }

    /// <summary>Start time.</summary>
    public DateTimeOffset StartDate { get; init; }

    /// <summary>Stop time, once finished.</summary>
    public DateTimeOffset? StopDate { get; init; }

    /// <summary>Input JSON text.</summary>
    public required string Input { get; init; }

    /// <summary>Output JSON text when SUCCEEDED.</summary>
    public string? Output { get; init; }

    /// <summary>Error when FAILED, TIMED_OUT or ABORTED.</summary>
    public string? Error { get; init; }

    /// <summary>Cause when FAILED, TIMED_OUT or ABORTED.</summary>
    public string? Cause { get; init; }
}

/// <summary>An API-level error, with AWS's error code (ExecutionDoesNotExist, InvalidToken, TaskTimedOut, …).</summary>
public sealed class StepFunctionsApiException(string errorCode, string message) : Exception(message)
{
    /// <summary>AWS's error code for the same situation.</summary>
    public string ErrorCode { get; } = errorCode;
}
