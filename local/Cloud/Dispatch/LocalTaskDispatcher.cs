using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Model;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalCloud.Dispatch;

/// <summary>
/// The local cloud's <see cref="ITaskResourceInvoker"/>: sends each Task state to what its Resource names — the
/// stack's functions in-process (a function ARN, or <c>lambda:invoke</c> with Step Functions' response wrapper),
/// the SNS emulator (<c>sns:publish</c>), or a registered <see cref="IServiceEmulator"/> (<c>aws-sdk:service:action</c>).
/// Errors come out as Step Functions reports them: a Lambda's errorType with the JSON error as Cause, an SDK error as
/// <c>Service.ExceptionName</c>, parameters that do not fit the API as States.Runtime.
/// </summary>
public sealed class LocalTaskDispatcher : ITaskResourceInvoker
{
    /// <summary>The parameters <c>arn:aws:states:::lambda:invoke</c> accepts (the Lambda Invoke API's).</summary>
    internal static readonly StructureShape LambdaInvokeShape = Shape.Structure(
        Req("FunctionName", Shape.String),
        Opt("Payload", Shape.Any),
        Opt("InvocationType", Shape.String),
        Opt("LogType", Shape.String),
        Opt("ClientContext", Shape.String),
        Opt("Qualifier", Shape.String));

    private readonly LoadedStack _stack;
    private readonly FunctionHost _functions;
    private readonly ServiceEmulatorRegistry _emulators;
    private readonly TimeProvider _clock;

    /// <param name="stack">The loaded template.</param>
    /// <param name="functions">Runs the functions.</param>
    /// <param name="emulators">The aws-sdk service emulators; SNS must be among them.</param>
    /// <param name="clock">The engine's clock (emulated delays and response dates follow it).</param>
    public LocalTaskDispatcher(LoadedStack stack, FunctionHost functions, ServiceEmulatorRegistry emulators, TimeProvider clock)
    {
        _stack = stack;
        _functions = functions;
        _emulators = emulators;
        _clock = clock;
    }

    /// <summary>A <c>.waitForTaskToken</c> task has delivered its token and now waits for SendTaskSuccess/Failure.</summary>
    public event EventHandler<TaskTokenIssuedEventArgs>? TaskTokenIssued;

    /// <summary>Failures tests inject: <c>Faults.FailOnce(stateName, error, cause)</c> fails that Task once instead of running it.</summary>
    public TaskFaults Faults { get; } = new();

    /// <inheritdoc />
    public async Task<JsonNode?> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        Faults.ThrowIfPending(invocation.StateName, invocation.ExecutionArn);
        var result = TaskResource.Classify(invocation.BaseResource) switch
        {
            LambdaInvokeResource => await InvokeLambdaIntegrationAsync(invocation, cancellationToken).ConfigureAwait(false),
            LambdaFunctionResource function => await InvokeFunctionResourceAsync(function.FunctionArn, invocation, cancellationToken).ConfigureAwait(false),
            SnsPublishResource => await PublishAsync(invocation, cancellationToken).ConfigureAwait(false),
            EksCallResource => await CallEksAsync(invocation, cancellationToken).ConfigureAwait(false),
            EcsRunTaskResource => await RunEcsTaskAsync(invocation, cancellationToken).ConfigureAwait(false),
            AwsSdkResource sdk => await InvokeSdkAsync(sdk, invocation, cancellationToken).ConfigureAwait(false),
            _ => throw new TaskFailedException(ErrorNames.Runtime, $"The resource '{invocation.Resource}' is not emulated by the local cloud"),
        };

        if (invocation.Pattern == IntegrationPattern.WaitForTaskToken && invocation.TaskToken is { } token)
        {
            TaskTokenIssued?.Invoke(this, new TaskTokenIssuedEventArgs(invocation.ExecutionArn, invocation.StateName, invocation.Resource, token));
        }

        return result;
    }

    private async Task<JsonNode?> InvokeLambdaIntegrationAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var parameters = RequireValid(LambdaInvokeShape, invocation);
        var functionName = parameters["FunctionName"]!.GetValue<string>();
        var qualifier = parameters["Qualifier"]?.GetValue<string>();
        var function = FindFunction(functionName, qualifier);
        var invocationType = parameters["InvocationType"]?.GetValue<string>() ?? "RequestResponse";
        if (invocationType is not ("RequestResponse" or "Event" or "DryRun"))
        {
            throw SdkError("Lambda", "InvalidParameterValueException",
                $"1 validation error detected: Value '{invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value " +
                    $"set: [Event, RequestResponse, DryRun]", 400);
        }

        if (invocationType == "DryRun")
        {
            return Wrapper(null, 204, Guid.NewGuid().ToString(), null);
        }

        var payload = parameters.TryGetPropertyValue("Payload", out var payloadNode) ? JsonValuesText(payloadNode) : "{}";
        var outcome = await _functions.InvokeAsync(function, Encoding.UTF8.GetBytes(payload), cancellationToken).ConfigureAwait(false);
        if (invocationType == "Event")
        {
            // Asynchronous invocation: Lambda accepts it (202) whatever the function later does.
            return Wrapper(JsonValue.Create(string.Empty), 202, outcome.RequestId, null);
        }

        if (outcome.Error is { } error)
        {
            throw new TaskFailedException(error.ErrorType, outcome.ErrorCauseJson());
        }

        var logResult = parameters["LogType"]?.GetValue<string>() == "Tail" ? Tail(outcome.LogLines) : null;
        return Wrapper(ParseOutput(outcome.Output!), 200, outcome.RequestId, logResult);
    }

    private async Task<JsonNode?> InvokeFunctionResourceAsync(string functionArn, TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var function = FindFunction(functionArn, null);
        var outcome = await _functions.InvokeAsync(function, Encoding.UTF8.GetBytes(JsonValuesText(invocation.Parameters)), cancellationToken)
            .ConfigureAwait(false);
        if (outcome.Error is { } error)
        {
            throw new TaskFailedException(error.ErrorType, outcome.ErrorCauseJson());
        }

        return ParseOutput(outcome.Output!);
    }

    private async Task<JsonNode?> PublishAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var sns = _emulators.Find("sns") ?? throw new InvalidOperationException("the SNS emulator is not registered");
        var parameters = RequireValid(sns.InputShape("publish")!, invocation);
        JsonNode? response;
        try
        {
            response = await sns.InvokeAsync("publish", parameters, Context(invocation), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceErrorException e)
        {
            // The optimized integration names SNS errors with the service's own spelling.
            throw SdkError("SNS", e.Code, e.Message, e.StatusCode);
        }

        var result = (JsonObject)(response ?? new JsonObject());
        var requestId = Guid.NewGuid().ToString();
        result["SdkHttpMetadata"] = HttpMetadata(requestId, "text/xml", 0, 200, null);
        result["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId };
        return result;
    }

    private async Task<JsonNode?> CallEksAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var eks = _emulators.Find("eks") ?? throw new TaskFailedException(ErrorNames.Runtime, "The local cloud has no EKS emulator registered");
        var parameters = RequireValid(eks.InputShape("call")!, invocation);
        try
        {
            return await eks.InvokeAsync("call", parameters, Context(invocation), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceErrorException e)
        {
            // eks:call fails with EKS.<HTTP status>; the Cause is the JSON response (ResponseBody, StatusCode, StatusText).
            throw new TaskFailedException($"{eks.ErrorPrefix}.{e.Code}", e.Message);
        }
    }

    private async Task<JsonNode?> RunEcsTaskAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var ecs = _emulators.Find("ecs") ?? throw new TaskFailedException(ErrorNames.Runtime, "The local cloud has no ECS emulator registered");
        var parameters = RequireValid(ecs.InputShape("runTask")!, invocation);
        var context = Context(invocation) with { WaitForCompletion = invocation.Pattern == IntegrationPattern.Sync };
        try
        {
            return await ecs.InvokeAsync("runTask", parameters, context, cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceErrorException e)
        {
            throw SdkError(ecs.ErrorPrefix, e.Code, e.Message, e.StatusCode);
        }
    }

    private async Task<JsonNode?> InvokeSdkAsync(AwsSdkResource sdk, TaskInvocation invocation, CancellationToken cancellationToken)
    {
        var emulator = _emulators.Find(sdk.Service)
            ?? throw new TaskFailedException(ErrorNames.Runtime, $"The local cloud has no emulator for '{sdk.Service}' (it emulates: {_emulators.Describe()})");
        var shape = emulator.InputShape(sdk.Action)
            ?? throw new TaskFailedException(ErrorNames.Runtime,
                $"The local cloud's {sdk.Service} emulator has no action '{sdk.Action}' (it has: {string.Join(", ", emulator.Actions)})");
        var parameters = RequireValid(shape, invocation);
        try
        {
            return await emulator.InvokeAsync(sdk.Action, parameters, Context(invocation), cancellationToken).ConfigureAwait(false);
        }
        catch (ServiceErrorException e)
        {
            throw SdkError(emulator.ErrorPrefix, e.Code, e.Message, e.StatusCode);
        }
    }

    /// <summary>Validates the effective parameters as Step Functions does before it calls the API.</summary>
    private static JsonObject RequireValid(StructureShape shape, TaskInvocation invocation)
    {
        var parameters = invocation.Parameters ?? new JsonObject();
        var problems = new List<string>();
        shape.Validate(parameters, string.Empty, problems);
        if (problems.Count > 0)
        {
            throw new TaskFailedException(ErrorNames.Runtime,
                $"The Parameters '{JsonValuesText(parameters)}' could not be used to start the Task: [{string.Join(", ", problems)}]");
        }

        return (JsonObject)parameters;
    }

    private FunctionDefinition FindFunction(string nameOrArn, string? qualifier)
    {
        var function = _stack.FindFunction(nameOrArn);
        var arnQualifier = nameOrArn.Split(':') is { Length: 8 } parts ? parts[7] : null;
        var version = qualifier ?? arnQualifier;
        if (function is null || (version is not null && version != "$LATEST"))
        {
            var arn = function?.Arn ?? (nameOrArn.StartsWith("arn:", StringComparison.Ordinal)
                ? nameOrArn
                : $"arn:aws:lambda:{_stack.Region}:{_stack.AccountId}:function:{nameOrArn}");
            throw SdkError("Lambda", "ResourceNotFoundException", $"Function not found: {arn}{(version is null ? string.Empty : ":" + version)}", 404);
        }

        return function;
    }

    private ServiceCallContext Context(TaskInvocation invocation) =>
        new(_clock, _stack.Region, _stack.AccountId, invocation.ExecutionArn, invocation.StateName);

    private static TaskFailedException SdkError(string service, string code, string message, int status) =>
        new($"{service}.{code}", $"{message} (Service: {service}, Status Code: {status}, Request ID: {Guid.NewGuid()})");

    /// <summary>The response of the <c>lambda:invoke</c> integration, exactly the fields Step Functions returns.</summary>
    private JsonObject Wrapper(JsonNode? payload, int status, string requestId, string? logResult)
    {
        var length = payload is null ? 0 : Encoding.UTF8.GetByteCount(payload.ToJsonString());
        var wrapper = new JsonObject
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = payload,
            ["SdkHttpMetadata"] = HttpMetadata(requestId, "application/json", length, status, logResult),
            ["SdkResponseMetadata"] = new JsonObject { ["RequestId"] = requestId },
            ["StatusCode"] = status,
        };
        if (payload is null)
        {
            wrapper.Remove("Payload");
        }

        if (logResult is not null)
        {
            wrapper["LogResult"] = logResult;
        }

        return wrapper;
    }

    private JsonObject HttpMetadata(string requestId, string contentType, int contentLength, int status, string? logResult)
    {
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Connection"] = "keep-alive",
            ["Content-Length"] = contentLength.ToString(CultureInfo.InvariantCulture),
            ["Content-Type"] = contentType,
            ["Date"] = _clock.GetUtcNow().ToString("R", CultureInfo.InvariantCulture),
            ["x-amzn-RequestId"] = requestId,
        };
        if (contentType == "application/json")
        {
            headers["X-Amz-Executed-Version"] = "$LATEST";
            headers["x-amzn-Remapped-Content-Length"] = "0";
            headers["X-Amzn-Trace-Id"] = $"Root=1-{Guid.NewGuid().ToString("N")[..8]}-{Guid.NewGuid().ToString("N")[..24]};Sampled=1";
        }

        if (logResult is not null)
        {
            headers["X-Amz-Log-Result"] = logResult;
        }

        var all = new JsonObject();
        var single = new JsonObject();
        foreach (var (name, value) in headers)
        {
            all[name] = new JsonArray(JsonValue.Create(value));
            single[name] = value;
        }

        return new JsonObject { ["AllHttpHeaders"] = all, ["HttpHeaders"] = single, ["HttpStatusCode"] = status };
    }

    private static string Tail(IReadOnlyList<string> lines)
    {
        var text = string.Join('\n', lines);
        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToBase64String(bytes.Length <= 4096 ? bytes : bytes[^4096..]);
    }

    private static JsonNode? ParseOutput(byte[] output)
    {
        try
        {
            return JsonNode.Parse(output);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(output));
        }
    }

    private static string JsonValuesText(JsonNode? node) => node?.ToJsonString() ?? "null";
}

/// <summary>A task token handed out by a <c>.waitForTaskToken</c> task.</summary>
public sealed class TaskTokenIssuedEventArgs(string executionArn, string stateName, string resource, string taskToken) : EventArgs
{
    public string ExecutionArn { get; } = executionArn;

    public string StateName { get; } = stateName;

    public string Resource { get; } = resource;

    public string TaskToken { get; } = taskToken;
}
