using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// What a Task's resource accepts and returns and which errors it can raise: from the botocore model for
/// <c>arn:aws:states:::aws-sdk:&lt;service&gt;:&lt;action&gt;</c>, from the Step Functions documentation for the optimized
/// integrations the flows use.
/// </summary>
/// <param name="Label">"rds:describeDBInstances", for messages.</param>
/// <param name="Input">The request structure: every literal Parameters field is checked against it.</param>
/// <param name="TopLevelFields">When set, the only top-level fields the integration documents (a subset of <paramref name="Input"/>'s).</param>
/// <param name="Output">The result the Task hands to ResultSelector/ResultPath.</param>
/// <param name="ErrorAllowed">Whether an ErrorEquals name (other than <c>States.*</c>) can be raised by this resource; null when it can.</param>
/// <param name="LiteralValues">Documented values of literal top-level fields (eks:call's Method).</param>
internal sealed record IntegrationContract(
    string Label,
    ModelShape Input,
    IReadOnlySet<string>? TopLevelFields,
    ModelShape Output,
    Func<string, string?> ErrorAllowed,
    IReadOnlyDictionary<string, IReadOnlySet<string>>? LiteralValues = null);

/// <summary>
/// The optimized integrations the flows use, with the parameters the Step Functions Developer Guide documents for each
/// (hard-coded here; each list names its page) and the botocore model for the nested shapes and results.
/// </summary>
internal static class IntegrationContracts
{
    /// <summary>
    /// The <c>States.*</c> error names the Amazon States Language defines ("Error names", Step Functions Developer Guide:
    /// concepts-error-handling).
    /// </summary>
    public static readonly IReadOnlySet<string> StatesErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold", "States.HeartbeatTimeout", "States.Http.Socket",
        "States.IntrinsicFailure", "States.ItemReaderFailed", "States.NoChoiceMatched", "States.ParameterPathFailure", "States.Permissions",
        "States.QueryEvaluationError", "States.ResultPathMatchFailure", "States.ResultWriterFailed", "States.Runtime", "States.TaskFailed",
        "States.Timeout", "States.BranchFailed",
    };

    /// <summary>
    /// "Invoke an AWS Lambda function with Step Functions" (connect-lambda): the Invoke parameters Step Functions passes on.
    /// </summary>
    public static readonly IReadOnlySet<string> LambdaInvokeParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "ClientContext", "FunctionName", "InvocationType", "LogType", "Payload", "Qualifier",
    };

    /// <summary>
    /// "Handle Lambda service exceptions" (bp-lambda-serviceexception): the Lambda.* names Step Functions reports for a
    /// lambda:invoke besides the Lambda model's own errors; <c>Lambda.Unknown</c> for an unhandled function error.
    /// </summary>
    public static readonly IReadOnlySet<string> LambdaDocumentedErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException", "Lambda.Unknown",
    };

    /// <summary>"Publish messages to an Amazon SNS topic with Step Functions" (connect-sns): Publish's supported parameters.</summary>
    public static readonly IReadOnlySet<string> SnsPublishParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "Message", "MessageAttributes", "MessageDeduplicationId", "MessageGroupId", "MessageStructure", "PhoneNumber", "Subject", "TargetArn", "TopicArn",
    };

    /// <summary>"Create and manage Amazon EKS clusters with Step Functions" (connect-eks), eks:call: its parameters, the first five required.</summary>
    public static readonly IReadOnlySet<string> EksCallParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "ClusterName", "CertificateAuthority", "Endpoint", "Method", "Path", "QueryParameters", "RequestBody",
    };

    /// <summary>connect-eks, eks:call: the HTTP methods it accepts.</summary>
    public static readonly IReadOnlySet<string> EksCallMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH",
    };

    /// <summary>
    /// "Run Amazon ECS or Fargate tasks with Step Functions" (connect-ecs): with Run a Job (.sync), a RunTask answer whose
    /// Failures is not empty fails the Task with this name. A task that stops with a non-zero exit code fails it with
    /// <c>States.TaskFailed</c>, one of <see cref="StatesErrors"/>.
    /// </summary>
    public static readonly IReadOnlySet<string> EcsRunTaskDocumentedErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "AmazonECS.Unknown",
    };

    /// <summary>
    /// The services whose name in an aws-sdk resource differs from botocore's folder ("Learning to use AWS service SDK
    /// integrations": the supported services list); every other service is spelt as botocore spells it.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> BotocoreNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sfn"] = "stepfunctions",
    };

    /// <summary>
    /// The contract of a Task's <c>arn:aws:states:::</c> resource, or why there is none: an aws-sdk service or action the
    /// models lack, or an optimized integration this judge does not know (so that nothing passes unjudged).
    /// </summary>
    public static (IntegrationContract? Contract, string? Problem) For(string resource, BotocoreModels models, IReadOnlySet<string> functionErrors)
    {
        var (integration, pattern) = SplitPattern(resource["arn:aws:states:::".Length..]);
        if (integration.StartsWith("aws-sdk:", StringComparison.Ordinal))
        {
            return AwsSdk(integration, pattern, models);
        }

        return (integration, pattern) switch
        {
            ("lambda:invoke", null or "waitForTaskToken") => (LambdaInvoke(models, pattern, functionErrors), null),
            ("sns:publish", null or "waitForTaskToken") => (SnsPublish(models, pattern), null),
            ("eks:call", null) => (EksCall(), null),
            ("ecs:runTask", null or "sync" or "waitForTaskToken") => (EcsRunTask(models, pattern), null),
            _ => (null, $"{resource} is an optimized integration this judge does not know; add its documented parameters to {nameof(IntegrationContracts)}"),
        };
    }

    private static (IntegrationContract?, string?) AwsSdk(string integration, string? pattern, BotocoreModels models)
    {
        var parts = integration.Split(':');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return (null, $"arn:aws:states:::{integration} is not arn:aws:states:::aws-sdk:<service>:<action>");
        }

        var (serviceName, action) = (parts[1], parts[2]);
        var service = models.Service(BotocoreNames.GetValueOrDefault(serviceName, serviceName));
        if (service is null)
        {
            return (null, $"aws-sdk:{serviceName} is not a service in AWS's models (botocore has no '{serviceName}')");
        }

        if (service.Operation(action) is not { } operation)
        {
            var near = service.Actions.FirstOrDefault(a => string.Equals(a, action, StringComparison.OrdinalIgnoreCase));
            return (null, $"aws-sdk:{serviceName}:{action} is not an action of {service.ServiceId}" +
                (near is null ? string.Empty : $"; actions are the operation name with its first letter lower-cased: {near}"));
        }

        return (new IntegrationContract(
            $"{serviceName}:{action}",
            operation.Input,
            null,
            pattern is null ? operation.Output : ModelShape.Any,
            name => service.ErrorNames.Contains(name) || name == service.GenericErrorName
                ? null
                : $"is not an error the {service.ServiceId} model defines (in Step Functions' spelling, {service.ErrorPrefix}.<Java exception name>); " +
                  $"errors {service.ServiceId} does not model reach Step Functions as {service.GenericErrorName}"), null);
    }

    /// <summary>"lambda:invoke.waitForTaskToken" → ("lambda:invoke", "waitForTaskToken").</summary>
    public static (string Integration, string? Pattern) SplitPattern(string integration)
    {
        var dot = integration.LastIndexOf('.');
        return dot < 0 || integration.IndexOf(':', StringComparison.Ordinal) > dot
            ? (integration, null)
            : (integration[..dot], integration[(dot + 1)..]);
    }

    private static IntegrationContract LambdaInvoke(BotocoreModels models, string? pattern, IReadOnlySet<string> functionErrors)
    {
        var lambda = models.RequireService("lambda");
        var invoke = lambda.Operation("invoke") ?? throw new InvalidOperationException("the Lambda model has no Invoke");

        // Step Functions sends Payload as JSON and returns the function's JSON in Payload, with its SDK metadata beside it.
        var input = invoke.Input.With(new Dictionary<string, ModelShape> { ["Payload"] = ModelShape.Any });
        var output = pattern is null
            ? invoke.Output.With(new Dictionary<string, ModelShape>
            {
                ["Payload"] = ModelShape.Any, ["SdkHttpMetadata"] = ModelShape.Any, ["SdkResponseMetadata"] = ModelShape.Any,
            })
            : ModelShape.Any;
        return new IntegrationContract(
            "lambda:invoke" + (pattern is null ? string.Empty : "." + pattern),
            input,
            LambdaInvokeParameters,
            output,
            name => LambdaDocumentedErrors.Contains(name) || lambda.ErrorNames.Contains(name) || functionErrors.Contains(name)
                ? null
                : $"is neither a Lambda error Step Functions documents ({string.Join(", ", LambdaDocumentedErrors.Order(StringComparer.Ordinal))}), " +
                  "nor one the Lambda model defines, nor an exception type in functions/Shared/Core/Errors.cs");
    }

    private static IntegrationContract SnsPublish(BotocoreModels models, string? pattern)
    {
        var publish = models.RequireService("sns").Operation("publish") ?? throw new InvalidOperationException("the SNS model has no Publish");
        var output = pattern is null
            ? publish.Output.With(new Dictionary<string, ModelShape> { ["SdkHttpMetadata"] = ModelShape.Any, ["SdkResponseMetadata"] = ModelShape.Any })
            : ModelShape.Any;
        return new IntegrationContract(
            "sns:publish" + (pattern is null ? string.Empty : "." + pattern),
            publish.Input,
            SnsPublishParameters,
            output,
            _ => "is not an error name Step Functions documents for sns:publish (connect-sns names none): match States.TaskFailed");
    }

    /// <summary>
    /// ecs:runTask (connect-ecs): RunTask's request as the ECS model gives it (the page lists RunTask's API reference
    /// as its parameters). Request Response returns RunTask's answer; the guide does not document the .sync result (the
    /// task as it stopped), so a flow that reads it is not judged. Errors: ECS's modelled errors in Step Functions'
    /// spelling and the names connect-ecs documents.
    /// </summary>
    private static IntegrationContract EcsRunTask(BotocoreModels models, string? pattern)
    {
        var ecs = models.RequireService("ecs");
        var runTask = ecs.Operation("runTask") ?? throw new InvalidOperationException("the ECS model has no RunTask");
        return new IntegrationContract(
            "ecs:runTask" + (pattern is null ? string.Empty : "." + pattern),
            runTask.Input,
            null,
            pattern is null ? runTask.Output : ModelShape.Any,
            name => EcsRunTaskDocumentedErrors.Contains(name) || ecs.ErrorNames.Contains(name) || name == ecs.GenericErrorName
                ? null
                : $"is neither an error connect-ecs documents ({string.Join(", ", EcsRunTaskDocumentedErrors)}) nor one the ECS model defines " +
                  $"({ecs.ErrorPrefix}.<Java exception name>, or {ecs.GenericErrorName}); a task that exits non-zero fails with States.TaskFailed");
    }

    private static IntegrationContract EksCall()
    {
        var text = ModelShape.Scalar("String", "string");
        var input = ModelShape.Structure("EksCallParameters", new Dictionary<string, ModelShape>
        {
            ["ClusterName"] = text,
            ["CertificateAuthority"] = text,
            ["Endpoint"] = text,
            ["Method"] = text,
            ["Path"] = text,
            ["QueryParameters"] = ModelShape.Map("QueryParameters", ModelShape.List("QueryParameterValues", text)),
            ["RequestBody"] = ModelShape.Any,
        }, "ClusterName", "CertificateAuthority", "Endpoint", "Method", "Path");
        var output = ModelShape.Structure("EksCallResult", new Dictionary<string, ModelShape>
        {
            ["ResponseBody"] = ModelShape.Any,
            ["StatusCode"] = ModelShape.Scalar("Integer", "integer"),
            ["StatusText"] = text,
            ["Headers"] = ModelShape.Any,
        });
        return new IntegrationContract(
            "eks:call",
            input,
            EksCallParameters,
            output,
            _ => "is not an error name Step Functions documents for eks:call (connect-eks names none): match States.TaskFailed",
            new Dictionary<string, IReadOnlySet<string>> { ["Method"] = EksCallMethods });
    }
}
