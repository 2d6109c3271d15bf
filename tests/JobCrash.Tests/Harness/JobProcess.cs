using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>
/// One job run as ECS runs it: <c>dotnet &lt;Function&gt;.dll --job</c> with the task's environment, its JSON log lines read as
/// they come. Knows the phase the job last announced (<c>"phase"</c> field of a log line), and can be stopped the two ways a
/// task ends early: SIGTERM to the main process (ECS's stop), or SIGKILL to the whole process tree (the stop timeout, an
/// out-of-memory kill, a lost host).
/// </summary>
public sealed class JobProcess : IAsyncDisposable
{
    /// <summary>The log field a job names its current phase in (issue 19's contract).</summary>
    public const string PhaseField = "phase";

    /// <summary>The phase before the job announced any.</summary>
    public const string StartingPhase = "starting";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly object _phaseLock = new();
    private readonly List<(string Phase, TaskCompletionSource Reached)> _waiters = [];
    private readonly HashSet<string> _reached = new(StringComparer.Ordinal);
    private string _phase = StartingPhase;

    private JobProcess(Process process) => _process = process;

    /// <summary>The phase the job announced last.</summary>
    public string Phase
    {
        get
        {
            lock (_phaseLock)
            {
                return _phase;
            }
        }
    }

    /// <summary>Every line the process wrote (stdout and stderr), in arrival order per stream.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="assemblyPath"/> in job mode with exactly <paramref name="environment"/> added to a clean environment.</summary>
    public static JobProcess Start(string assemblyPath, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assemblyPath);
        info.ArgumentList.Add("--job");
        // Nothing of the test process's own AWS, database or job settings reaches the job: it gets the task's environment only.
        string[] notInherited = ["AWS_", "DB_", "JOB_", "PG"];
        foreach (var inherited in info.Environment.Keys.Where(k => notInherited.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
        {
            info.Environment.Remove(inherited);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var job = new JobProcess(process);
        process.OutputDataReceived += (_, e) => job.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => job.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return job;
    }

    /// <summary>Completes when the job announces <paramref name="phase"/>, or false when the process ends first.</summary>
    public async Task<bool> WaitForPhaseAsync(string phase, CancellationToken cancellationToken)
    {
        TaskCompletionSource reached;
        lock (_phaseLock)
        {
            if (_reached.Contains(phase))
            {
                return true;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((phase, reached));
        }

        var exited = _process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(reached.Task, exited).ConfigureAwait(false);
        if (first == exited)
        {
            await exited.ConfigureAwait(false);
            _process.WaitForExit(); // the last lines are read before the answer
        }

        return reached.Task.IsCompleted;
    }

    /// <summary>Sends <paramref name="signal"/>; false when the process had already ended.</summary>
    public bool Send(CrashSignal signal)
    {
        if (_process.HasExited)
        {
            return false;
        }

        if (signal == CrashSignal.Kill)
        {
            _process.Kill(entireProcessTree: true);
            return true;
        }

        return Signals.Terminate(_process.Id);
    }

    /// <summary>Waits for the process to end; null when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var guard = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(guard.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The values of <paramref name="field"/> in the job's JSON log lines (e.g. the temporary databases it named).</summary>
    public IReadOnlyList<string> LoggedValues(string field)
    {
        var values = new List<string>();
        foreach (var line in _lines)
        {
            if (Parse(line) is { } root && root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
            {
                values.Add(value.GetString()!);
            }
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        if (Parse(line) is not { } root || !root.TryGetProperty(PhaseField, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var phase = value.GetString()!;
        lock (_phaseLock)
        {
            _phase = phase;
            _reached.Add(phase);
            foreach (var waiter in _waiters.Where(w => w.Phase == phase).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    private static JsonElement? Parse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How a job is stopped.</summary>
public enum CrashSignal
{
    /// <summary>SIGKILL to the process tree: no chance to clean up.</summary>
    Kill,

    /// <summary>SIGTERM to the main process (ECS stopping a task): the job may clean up, audit and exit.</summary>
    Terminate,
}

/// <summary>POSIX signals .NET's Process does not send.</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM to one process (ECS signals the container's main process only).</summary>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
