using System.Collections.Concurrent;
using System.Diagnostics;

namespace DisasterRecovery.TestSupport;

/// <summary>A real function executable running under a (fake) Runtime API, its stdout captured.</summary>
public sealed class FunctionProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private FunctionProcess(Process process) => _process = process;

    /// <summary>Lines the function wrote to standard output.</summary>
    public IReadOnlyList<string> StdoutLines => [.. _stdout];

    /// <summary>Lines the function wrote to standard error.</summary>
    public IReadOnlyList<string> StderrLines => [.. _stderr];

    public int ProcessId => _process.Id;

    /// <summary>Starts <c>dotnet assembly</c> with AWS_LAMBDA_RUNTIME_API and any extra variables.</summary>
    public static FunctionProcess Start(string assemblyPath, string runtimeApi, IReadOnlyDictionary<string, string>? environment = null) =>
        Start("dotnet", [assemblyPath], runtimeApi, environment);

    /// <summary>Starts an executable (e.g. a self-contained <c>bootstrap</c>) the way Lambda's provided runtime does.</summary>
    public static FunctionProcess StartExecutable(string executablePath, string runtimeApi, IReadOnlyDictionary<string, string>? environment = null) =>
        Start(executablePath, [], runtimeApi, environment);

    private static FunctionProcess Start(string fileName, string[] arguments, string runtimeApi, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var function = new FunctionProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                function._stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                function._stderr.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return function;
    }

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(guard.Token);
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
