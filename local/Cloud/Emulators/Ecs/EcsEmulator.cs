using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Secrets;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalStepFunctions.Errors;
using static DisasterRecovery.LocalCloud.Emulators.Member;

namespace DisasterRecovery.LocalCloud.Emulators.Ecs;

/// <summary>
/// ECS for <c>arn:aws:states:::ecs:runTask</c> and <c>arn:aws:states:::ecs:runTask.sync</c>: a task of one of the stack's
/// task definitions runs as a local process, <c>dotnet &lt;Assembly&gt;.dll --job</c> (the container's Command), with the
/// container's Environment, the ContainerOverrides' Environment on top, <c>DB_SECRET_JSON</c> resolved from the local
/// Secrets Manager (the secret <c>DB_SECRET_ID</c> names) and the platform's endpoints (the local S3). Parameters are
/// RunTask's request members; the answer is RunTask's (<c>Tasks</c>, <c>Failures</c>), or with <c>.sync</c> the stopped
/// task as DescribeTasks describes it. With <c>.sync</c> the state waits for the process to exit; a non-zero exit fails it
/// with <c>States.TaskFailed</c> and the task as Cause, as Step Functions does; stopping the execution stops the task
/// (SIGTERM, then SIGKILL after the container's stop timeout).
/// </summary>
public sealed class EcsEmulator : ServiceEmulator
{
    /// <summary>How long a stopped task gets between SIGTERM and SIGKILL (ECS's default stop timeout).</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly LoadedStack _stack;
    private readonly SecretStore _secrets;
    private readonly IReadOnlyDictionary<string, string> _platformEnvironment;
    private readonly string _assemblyDirectory;
    private readonly ConcurrentDictionary<string, LocalTask> _tasks = new(StringComparer.Ordinal);

    /// <param name="stack">The loaded template (its task definitions).</param>
    /// <param name="secrets">The local Secrets Manager's secrets (for the containers' Secrets).</param>
    /// <param name="platformEnvironment">Variables every task gets from the platform (the local S3 endpoint and keys).</param>
    /// <param name="assemblyDirectory">Where the function assemblies are; the local cloud's own folder by default.</param>
    public EcsEmulator(LoadedStack stack, SecretStore secrets, IReadOnlyDictionary<string, string>? platformEnvironment, string? assemblyDirectory = null)
    {
        _stack = stack;
        _secrets = secrets;
        _platformEnvironment = platformEnvironment ?? new Dictionary<string, string>();
        _assemblyDirectory = assemblyDirectory ?? AppContext.BaseDirectory;
        Action("runTask", RunTaskShape, RunTaskAsync);
    }

    /// <summary>A task process has started (tests use it to crash a task at a chosen moment).</summary>
    public event EventHandler<EcsTaskEventArgs>? TaskStarted;

    /// <summary>A line a task wrote to standard output or error.</summary>
    public event EventHandler<EcsTaskLogLineEventArgs>? LogLine;

    /// <inheritdoc />
    public override string ServiceName => "ecs";

    /// <inheritdoc />
    public override string ErrorPrefix => "ECS";

    /// <summary>RunTask's request members, as Step Functions spells them (the botocore <c>ecs</c> model's RunTaskRequest).</summary>
    public static StructureShape RunTaskShape { get; } = BuildRunTaskShape();

    /// <summary>The tasks started so far (running and stopped), by task ARN.</summary>
    public IReadOnlyDictionary<string, LocalTask> Tasks => _tasks;

    private static StructureShape BuildRunTaskShape()
    {
        var keyValue = Shape.Structure(Opt("Name", Shape.String), Opt("Value", Shape.String));
        var tag = Shape.Structure(Opt("Key", Shape.String), Opt("Value", Shape.String));
        var containerOverride = Shape.Structure(
            Opt("Name", Shape.String),
            Opt("Command", Shape.List(Shape.String)),
            Opt("Environment", Shape.List(keyValue)),
            Opt("Cpu", Shape.Integer),
            Opt("Memory", Shape.Integer),
            Opt("MemoryReservation", Shape.Integer));
        return Shape.Structure(
            Opt("Cluster", Shape.String),
            Req("TaskDefinition", Shape.String),
            Opt("Count", Shape.Integer),
            Opt("Group", Shape.String),
            Opt("LaunchType", Shape.String),
            Opt("PlatformVersion", Shape.String),
            Opt("StartedBy", Shape.String),
            Opt("PropagateTags", Shape.String),
            Opt("EnableExecuteCommand", Shape.Boolean),
            Opt("ReferenceId", Shape.String),
            Opt("Tags", Shape.List(tag)),
            Opt("CapacityProviderStrategy", Shape.List(Shape.Structure(
                Req("CapacityProvider", Shape.String), Opt("Weight", Shape.Integer), Opt("Base", Shape.Integer)))),
            Opt("NetworkConfiguration", Shape.Structure(Opt("AwsvpcConfiguration", Shape.Structure(
                Req("Subnets", Shape.List(Shape.String)), Opt("SecurityGroups", Shape.List(Shape.String)), Opt("AssignPublicIp", Shape.String))))),
            Opt("Overrides", Shape.Structure(
                Opt("ContainerOverrides", Shape.List(containerOverride)),
                Opt("Cpu", Shape.String),
                Opt("Memory", Shape.String),
                Opt("TaskRoleArn", Shape.String),
                Opt("ExecutionRoleArn", Shape.String))));
    }

    private async Task<JsonNode?> RunTaskAsync(JsonObject parameters, ServiceCallContext context, CancellationToken cancellationToken)
    {
        var definition = FindTaskDefinition(Text(parameters, "TaskDefinition")!);
        if (parameters["Count"] is JsonValue count && count.GetValue<long>() != 1)
        {
            throw new TaskFailedException(ErrorNames.Runtime, "The local cloud runs one task per RunTask (Count 1)");
        }

        if (Text(parameters, "LaunchType") is { } launchType && launchType != "FARGATE")
        {
            throw new ServiceErrorException("InvalidParameterException", $"Task definition {definition.Family}:1 supports FARGATE, not {launchType}.");
        }

        if (parameters["NetworkConfiguration"]?["AwsvpcConfiguration"]?["Subnets"] is not JsonArray { Count: > 0 })
        {
            throw new ServiceErrorException("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }

        var overrides = parameters["Overrides"] as JsonObject ?? [];
        var containers = definition.Containers.Select(container => Prepare(definition, container, overrides)).ToList();
        var task = new LocalTask(
            $"arn:aws:ecs:{_stack.Region}:{_stack.AccountId}:task/{ClusterName(Text(parameters, "Cluster"))}/{Guid.NewGuid():N}",
            ClusterArn(Text(parameters, "Cluster")), definition, parameters, context.Clock.GetUtcNow());
        _tasks[task.TaskArn] = task;
        task.Start(containers, line => LogLine?.Invoke(this, new EcsTaskLogLineEventArgs(task.TaskArn, line)));
        TaskStarted?.Invoke(this, new EcsTaskEventArgs(task));
        if (!context.WaitForCompletion)
        {
            return new JsonObject { ["Tasks"] = new JsonArray(task.Describe()), ["Failures"] = new JsonArray() };
        }

        try
        {
            await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Step Functions stops the task when the execution is stopped (or the state times out).
            await task.StopAsync("Task stopped by Step Functions", StopTimeout).ConfigureAwait(false);
            throw;
        }

        task.MarkStopped(context.Clock.GetUtcNow());
        var described = task.Describe();
        if (task.FailedToStart is not null || task.Containers.Any(c => c.ExitCode != 0))
        {
            throw new TaskFailedException(ErrorNames.TaskFailed, described.ToJsonString());
        }

        return described;
    }

    /// <summary>What a container process is started with; a secret that cannot be resolved fails the task as ECS does.</summary>
    private PreparedContainer Prepare(EcsTaskDefinition definition, EcsContainerDefinition container, JsonObject overrides)
    {
        var containerOverride = (overrides["ContainerOverrides"] as JsonArray ?? [])
            .OfType<JsonObject>().FirstOrDefault(o => Text(o, "Name") == container.Name);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_REGION"] = _stack.Region,
            ["AWS_DEFAULT_REGION"] = _stack.Region,
            ["AWS_EXECUTION_ENV"] = "AWS_ECS_FARGATE",
        };
        foreach (var (name, value) in _platformEnvironment.Concat(container.Environment))
        {
            environment[name] = value;
        }

        foreach (var variable in (containerOverride?["Environment"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (Text(variable, "Name") is { } name)
            {
                environment[name] = Text(variable, "Value") ?? string.Empty;
            }
        }

        string? failure = null;
        foreach (var secretName in container.SecretNames)
        {
            if (secretName != "DB_SECRET_JSON" || !environment.TryGetValue("DB_SECRET_ID", out var secretId))
            {
                failure = $"ResourceInitializationError: the local cloud resolves only DB_SECRET_JSON (from the secret DB_SECRET_ID names), not {secretName}";
                break;
            }

            try
            {
                environment[secretName] = _secrets.GetValue(secretId).SecretString
                    ?? throw new ServiceErrorException("InvalidRequestException", "the secret has no SecretString");
            }
            catch (ServiceErrorException e)
            {
                failure = $"ResourceInitializationError: unable to pull secrets or registry auth: retrieve secret from {secretId}: {e.Code}: {e.Message}";
                break;
            }
        }

        var command = (containerOverride?["Command"] as JsonArray)?.Select(part => part?.GetValue<string>() ?? string.Empty).ToList();
        var assembly = container.Assembly;
        var arguments = container.Arguments;
        if (command is not null)
        {
            var at = command.FindIndex(part => part.EndsWith(".dll", StringComparison.Ordinal));
            (assembly, arguments) = at < 0
                ? throw new TaskFailedException(
                    ErrorNames.Runtime, $"The local cloud runs a container's assembly; the Command override of '{container.Name}' names none")
                : (Path.GetFileNameWithoutExtension(command[at]), command[(at + 1)..]);
        }

        var path = Path.Combine(_assemblyDirectory, assembly + ".dll");
        if (!File.Exists(path))
        {
            throw new TaskFailedException(ErrorNames.Runtime,
                $"{definition.LogicalId}: container '{container.Name}' runs {assembly}.dll, which is not built beside the local cloud ({_assemblyDirectory})");
        }

        return new PreparedContainer(container.Name, path, arguments, environment, failure);
    }

    private EcsTaskDefinition FindTaskDefinition(string reference)
    {
        var family = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference[(reference.LastIndexOf('/') + 1)..] : reference;
        var revision = family.Contains(':', StringComparison.Ordinal) ? family[(family.IndexOf(':', StringComparison.Ordinal) + 1)..] : "1";
        family = family.Split(':')[0];
        return _stack.TaskDefinitions.FirstOrDefault(d => d.Family == family && revision == "1")
            ?? throw new ServiceErrorException("ClientException", "Unable to describe task definition.");
    }

    private string ClusterName(string? cluster) =>
        cluster is null ? "default" : cluster.StartsWith("arn:", StringComparison.Ordinal) ? cluster[(cluster.LastIndexOf('/') + 1)..] : cluster;

    private string ClusterArn(string? cluster) => EcsTemplateResources.ClusterArn(_stack.Region, _stack.AccountId, ClusterName(cluster));

    internal static string Time(DateTimeOffset at) => Timestamp(at);

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A container about to start: its process and environment, or why it cannot start.</summary>
internal sealed record PreparedContainer(
    string Name, string AssemblyPath, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment, string? FailedToStart);

/// <summary>A task that started.</summary>
public sealed class EcsTaskEventArgs(LocalTask task) : EventArgs
{
    public LocalTask Task { get; } = task;
}

/// <summary>One line of a task's output.</summary>
public sealed class EcsTaskLogLineEventArgs(string taskArn, string line) : EventArgs
{
    public string TaskArn { get; } = taskArn;

    public string Line { get; } = line;
}
