namespace DisasterRecovery.LocalCloud.Dispatch;

/// <summary>What a Task state's Resource asks for, classified once for the dispatcher and the definition checker.</summary>
internal abstract record TaskResource
{
    /// <summary>The optimized Lambda integration.</summary>
    public const string LambdaInvoke = "arn:aws:states:::lambda:invoke";

    /// <summary>The optimized SNS integration.</summary>
    public const string SnsPublish = "arn:aws:states:::sns:publish";

    /// <summary>The optimized EKS integration's Kubernetes API call.</summary>
    public const string EksCall = "arn:aws:states:::eks:call";

    /// <summary>The optimized ECS integration's RunTask (request-response, or <c>.sync</c>: wait for the task to stop).</summary>
    public const string EcsRunTask = "arn:aws:states:::ecs:runTask";

    private const string AwsSdkPrefix = "arn:aws:states:::aws-sdk:";

    /// <summary>Classifies a base resource (integration suffix already removed).</summary>
    public static TaskResource Classify(string baseResource)
    {
        if (baseResource == LambdaInvoke)
        {
            return new LambdaInvokeResource();
        }

        if (baseResource == SnsPublish)
        {
            return new SnsPublishResource();
        }

        if (baseResource == EksCall)
        {
            return new EksCallResource();
        }

        if (baseResource == EcsRunTask)
        {
            return new EcsRunTaskResource();
        }

        if (baseResource.StartsWith("arn:aws:lambda:", StringComparison.Ordinal))
        {
            return new LambdaFunctionResource(baseResource);
        }

        if (baseResource.StartsWith(AwsSdkPrefix, StringComparison.Ordinal))
        {
            var rest = baseResource[AwsSdkPrefix.Length..];
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            // aws-sdk:eks is the EKS management API: 'call' exists only as the optimized integration above.
            if (colon > 0 && colon < rest.Length - 1 && rest != "eks:call")
            {
                return new AwsSdkResource(rest[..colon], rest[(colon + 1)..]);
            }
        }

        return new UnsupportedResource(baseResource);
    }
}

/// <summary><c>arn:aws:states:::lambda:invoke</c> with FunctionName and Payload.</summary>
internal sealed record LambdaInvokeResource : TaskResource;

/// <summary><c>arn:aws:states:::sns:publish</c>.</summary>
internal sealed record SnsPublishResource : TaskResource;

/// <summary><c>arn:aws:states:::eks:call</c>, served by the <c>eks</c> emulator's <c>call</c> action.</summary>
internal sealed record EksCallResource : TaskResource;

/// <summary><c>arn:aws:states:::ecs:runTask</c>, served by the <c>ecs</c> emulator's <c>runTask</c> action.</summary>
internal sealed record EcsRunTaskResource : TaskResource;

/// <summary>A function ARN as the Resource: the effective input is the payload, the result is the function's output.</summary>
internal sealed record LambdaFunctionResource(string FunctionArn) : TaskResource;

/// <summary><c>arn:aws:states:::aws-sdk:&lt;service&gt;:&lt;action&gt;</c>.</summary>
internal sealed record AwsSdkResource(string Service, string Action) : TaskResource;

/// <summary>Anything else (activities, other optimized integrations).</summary>
internal sealed record UnsupportedResource(string Resource) : TaskResource;
