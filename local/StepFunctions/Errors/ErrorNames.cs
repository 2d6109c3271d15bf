namespace DisasterRecovery.LocalStepFunctions.Errors;

/// <summary>
/// The predefined error names of the Amazon States Language, kept in one place so Retry/Catch
/// matching, the executors and the tests all spell them the same way.
/// </summary>
public static class ErrorNames
{
    /// <summary>Wildcard matching any error except the terminal <see cref="Runtime"/> and <see cref="DataLimitExceeded"/>.</summary>
    public const string All = "States.ALL";

    /// <summary>A Task ran longer than TimeoutSeconds (or the whole execution did).</summary>
    public const string Timeout = "States.Timeout";

    /// <summary>A Task did not heartbeat within HeartbeatSeconds.</summary>
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";

    /// <summary>A Task failed; in ErrorEquals it matches every error except States.Timeout.</summary>
    public const string TaskFailed = "States.TaskFailed";

    /// <summary>A Task lacked privileges (reported by invokers that model IAM).</summary>
    public const string Permissions = "States.Permissions";

    /// <summary>Unprocessable data (bad path, bad type); terminal: never retried nor caught.</summary>
    public const string Runtime = "States.Runtime";

    /// <summary>
    /// A state's input (after Parameters), a task's result or a state's output is over 256 KiB; AWS documents it as a
    /// terminal error that States.ALL does not catch. Named in ErrorEquals, it is matched.
    /// </summary>
    public const string DataLimitExceeded = "States.DataLimitExceeded";

    /// <summary>A state's ResultPath cannot be applied to the state's input.</summary>
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";

    /// <summary>A Parameters field ending in ".$" could not be resolved (spec name; AWS reports States.Runtime).</summary>
    public const string ParameterPathFailure = "States.ParameterPathFailure";

    /// <summary>A branch of a Parallel state failed (spec name; AWS propagates the branch's own error).</summary>
    public const string BranchFailed = "States.BranchFailed";

    /// <summary>A Choice state matched no rule and has no Default.</summary>
    public const string NoChoiceMatched = "States.NoChoiceMatched";

    /// <summary>An intrinsic function got arguments of the wrong number or type.</summary>
    public const string IntrinsicFailure = "States.IntrinsicFailure";

    /// <summary>A Map state had more failed iterations than its tolerated failure threshold.</summary>
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";

    /// <summary>A Map state's ItemReader failed (ItemReader itself is not supported locally).</summary>
    public const string ItemReaderFailed = "States.ItemReaderFailed";

    /// <summary>The predefined names that a definition may use in ErrorEquals.</summary>
    public static IReadOnlySet<string> Predefined { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        All, Timeout, HeartbeatTimeout, TaskFailed, Permissions, Runtime, ResultPathMatchFailure,
        ParameterPathFailure, BranchFailed, NoChoiceMatched, IntrinsicFailure,
        ExceedToleratedFailureThreshold, ItemReaderFailed, DataLimitExceeded,
        "States.ResultWriterFailed", "States.QueryEvaluationError", "States.Http.Socket",
    };
}
