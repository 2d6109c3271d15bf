using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalEcs;

/// <summary>One ECS task run locally: a process per container, described as DescribeTasks describes a task.</summary>
public sealed class LocalTask
{
    private const int SigTerm = 15;
    private readonly JsonObject _request;
    private readonly object _gate = new();
    private readonly List<LocalContainer> _containers = [];
    private DateTimeOffset? _stoppedAt;
    private string? _stoppedReason;

    internal LocalTask(string taskArn, string clusterArn, EcsTaskDefinition definition, JsonObject request, DateTimeOffset createdAt)
    {
        TaskArn = taskArn;
        ClusterArn = clusterArn;
        Definition = definition;
        _request = (JsonObject)request.DeepClone();
        CreatedAt = createdAt;
    }

    public string TaskArn { get; }

    public string ClusterArn { get; }

    public EcsTaskDefinition Definition { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Why the task never ran (a secret it could not read), if so.</summary>
    public string? FailedToStart { get; private set; }

    public IReadOnlyList<LocalContainer> Containers
    {
        get
        {
            lock (_gate)
            {
                return [.. _containers];
            }
        }
    }

    /// <summary>The first container's process id, while it has one.</summary>
    public int? ProcessId => Containers.FirstOrDefault()?.ProcessId;

    internal void Start(IReadOnlyList<PreparedContainer> prepared, Action<string> onLine)
    {
        FailedToStart = prepared.Select(p => p.FailedToStart).FirstOrDefault(f => f is not null);
        foreach (var container in prepared)
        {
            var local = new LocalContainer(container.Name);
            lock (_gate)
            {
                _containers.Add(local);
            }

            if (FailedToStart is null)
            {
                local.Start(container, onLine);
            }
        }
    }

    /// <summary>Completes when every container's process has exited.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Containers.Select(c => c.Exited)).WaitAsync(cancellationToken);

    /// <summary>Stops the task as ECS's StopTask does: SIGTERM to every container, SIGKILL (whole tree) after <paramref name="timeout"/>.</summary>
    public async Task StopAsync(string reason, TimeSpan timeout)
    {
        _stoppedReason ??= reason;
        foreach (var container in Containers.Where(c => c.ProcessId is not null))
        {
            _ = SendSignal(container.ProcessId!.Value, SigTerm);
        }

        try
        {
            await Task.WhenAll(Containers.Select(c => c.Exited)).WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var container in Containers)
            {
                container.Kill();
            }
        }
    }

    internal void MarkStopped(DateTimeOffset at) => _stoppedAt ??= at;

    /// <summary>The task as DescribeTasks (and a <c>.sync</c> state's output or Cause) shows it.</summary>
    public JsonObject Describe()
    {
        var stopped = FailedToStart is not null || Containers.All(c => c.ExitCode is not null);
        var status = stopped ? "STOPPED" : "RUNNING";
        var containers = new JsonArray();
        foreach (var container in Containers)
        {
            var entry = new JsonObject
            {
                ["ContainerArn"] = $"{TaskArn.Replace(":task/", ":container/", StringComparison.Ordinal)}/{container.Name}",
                ["TaskArn"] = TaskArn,
                ["Name"] = container.Name,
                ["Image"] = $"local/{Path.GetFileNameWithoutExtension(container.AssemblyPath ?? container.Name)}",
                ["LastStatus"] = FailedToStart is not null ? "STOPPED" : container.ExitCode is null ? "RUNNING" : "STOPPED",
                ["HealthStatus"] = "UNKNOWN",
            };
            if (container.ExitCode is { } exitCode)
            {
                entry["ExitCode"] = exitCode;
            }

            containers.Add(entry);
        }

        var task = new JsonObject
        {
            ["TaskArn"] = TaskArn,
            ["ClusterArn"] = ClusterArn,
            ["TaskDefinitionArn"] = Definition.Arn,
            ["Containers"] = containers,
            ["Overrides"] = _request["Overrides"]?.DeepClone() ?? new JsonObject { ["ContainerOverrides"] = new JsonArray() },
            ["LastStatus"] = status,
            ["DesiredStatus"] = stopped ? "STOPPED" : "RUNNING",
            ["LaunchType"] = "FARGATE",
            ["PlatformVersion"] = "1.4.0",
            ["PlatformFamily"] = "Linux",
            ["Connectivity"] = "CONNECTED",
            ["CreatedAt"] = EcsEmulator.Time(CreatedAt),
            ["StartedAt"] = EcsEmulator.Time(CreatedAt),
            ["Version"] = stopped ? 3 : 2,
        };
        if (Definition.Cpu is { } cpu)
        {
            task["Cpu"] = cpu;
        }

        if (Definition.Memory is { } memory)
        {
            task["Memory"] = memory;
        }

        foreach (var name in new[] { "Group", "StartedBy" })
        {
            if (_request[name] is JsonValue value)
            {
                task[name] = value.DeepClone();
            }
        }

        if (stopped)
        {
            var at = EcsEmulator.Time(_stoppedAt ?? CreatedAt);
            task["StoppingAt"] = at;
            task["StoppedAt"] = at;
            task["ExecutionStoppedAt"] = at;
            task["StopCode"] = FailedToStart is not null ? "TaskFailedToStart" : _stoppedReason is not null ? "UserInitiated" : "EssentialContainerExited";
            task["StoppedReason"] = FailedToStart ?? _stoppedReason ?? "Essential container in task exited";
        }

        return task;
    }

    private static int SendSignal(int processId, int signal) => OperatingSystem.IsWindows() ? -1 : Kill(processId, signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}

/// <summary>One container of a local task: its process, and its exit code once it has exited.</summary>
public sealed class LocalContainer(string name)
{
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string Name { get; } = name;

    /// <summary>The assembly the container runs.</summary>
    public string? AssemblyPath { get; private set; }

    /// <summary>The process id while the process runs.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>The exit code once the process has exited (137 when it was killed, as ECS reports SIGKILL).</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Completes when the process has exited (at once for a container that never started).</summary>
    public Task Exited => _process is null ? Task.CompletedTask : _exited.Task;

    internal void Start(PreparedContainer container, Action<string> onLine)
    {
        AssemblyPath = container.AssemblyPath;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(container.AssemblyPath)!,
        };
        info.ArgumentList.Add(container.AssemblyPath);
        foreach (var argument in container.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A container does not inherit the host's AWS settings: only what the task definition and the platform give it.
        var hostSettings = info.Environment.Keys
            .Where(k => k.StartsWith("AWS_", StringComparison.Ordinal) || k.StartsWith("JOB_", StringComparison.Ordinal)).ToList();
        foreach (var inherited in hostSettings)
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (key, value) in container.Environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drains the redirected output
            ExitCode = process.ExitCode;
            ProcessId = null;
            _exited.TrySetResult();
        };
        _process = process;
        process.Start();
        ProcessId = process.Id;
        if (_exited.Task.IsCompleted)
        {
            ProcessId = null;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    internal void Kill()
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
