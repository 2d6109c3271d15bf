using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Model;

namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>
/// The host's side of a Task state: the engine hands over the resource and the effective parameters and
/// gets the task's raw result back (ResultSelector/ResultPath/OutputPath are then applied by the engine).
/// <para>Contract, mirroring what Step Functions itself does for each resource kind:</para>
/// <list type="bullet">
/// <item><c>arn:aws:states:::lambda:invoke</c> must return the integration's wrapper
/// <c>{ "ExecutedVersion": "$LATEST", "Payload": &lt;function result&gt;, "StatusCode": 200, "SdkHttpMetadata": …, "SdkResponseMetadata": … }</c>;
/// a plain Lambda ARN (<c>arn:aws:lambda:…:function:Name</c>) returns the function result itself.</item>
/// <item>A failing task throws <see cref="Errors.TaskFailedException"/> whose Error is what ErrorEquals matches
/// (a Lambda's <c>errorType</c>, e.g. <c>BackupNotFoundException</c>, or an SDK error such as <c>S3.NoSuchKeyException</c>).
/// Any other exception is reported as <c>States.TaskFailed</c>.</item>
/// <item><see cref="IntegrationPattern.Sync"/>: the invoker itself waits for the job to finish and returns its final description.</item>
/// <item><see cref="IntegrationPattern.WaitForTaskToken"/>: the invoker delivers <see cref="TaskInvocation.TaskToken"/>
/// (e.g. in a queue message) and returns; its return value only appears in the TaskSubmitted event. The state then
/// waits for <see cref="StateMachineEngine.SendTaskSuccess"/> / <see cref="StateMachineEngine.SendTaskFailure"/>.</item>
/// <item>Honour the cancellation token (timeouts, Stop, a failing Parallel sibling) and wait with
/// <see cref="Time.VirtualTimeExtensions.DelayAsync"/> rather than Task.Delay, so virtual time can advance.</item>
/// </list>
/// </summary>
public interface ITaskResourceInvoker
{
    /// <summary>Runs one attempt of a Task state.</summary>
    Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>One attempt of a Task state, as handed to the invoker.</summary>
public sealed record TaskInvocation
{
    /// <summary>The Resource exactly as in the definition, suffix included.</summary>
    public required string Resource { get; init; }

    /// <summary>The Resource without <c>.sync</c>/<c>.waitForTaskToken</c>, e.g. <c>arn:aws:states:::sqs:sendMessage</c>.</summary>
    public required string BaseResource { get; init; }

    /// <summary>The effective parameters (after InputPath and Parameters). A detached copy the invoker may keep.</summary>
    public JsonNode? Parameters { get; init; }

    /// <summary>The integration pattern parsed from the resource suffix.</summary>
    public IntegrationPattern Pattern { get; init; }

    /// <summary>The task token when <see cref="Pattern"/> is WaitForTaskToken (also in <c>$$.Task.Token</c>).</summary>
    public string? TaskToken { get; init; }

    /// <summary>The Task state's name.</summary>
    public required string StateName { get; init; }

    /// <summary>The execution running the task.</summary>
    public required string ExecutionArn { get; init; }

    /// <summary>0 for the first attempt, then 1, 2… (the context object's State.RetryCount).</summary>
    public int RetryCount { get; init; }
}

/// <summary>An invoker built from a delegate: handy for tests and for hosts that route resources themselves.</summary>
public sealed class DelegateTaskInvoker(Func<TaskInvocation, CancellationToken, Task<JsonNode?>> invoke) : ITaskResourceInvoker
{
    /// <inheritdoc />
    public Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) =>
        invoke(invocation, cancellationToken);
}
