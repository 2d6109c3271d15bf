using System.Diagnostics;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>The outcome of one run of an external program.</summary>
internal sealed record ToolRun(int ExitCode, string Output, string Error);

/// <summary>
/// External checkers (cfn-lint, the SAM translator, the pinned asl-validator) run as programs; AWS's are found on PATH, the way a developer runs
/// them. Where a tool is absent the test reports itself skipped with the reason, never passed.
/// </summary>
internal static class ExternalTool
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>The full path of an executable named <paramref name="name"/> in a PATH folder, or null.</summary>
    public static string? FindOnPath(string name)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return folders
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(candidate => File.Exists(candidate) && IsExecutable(candidate));
    }

    /// <summary>Runs a program to the end (at most three minutes) and returns its exit code and both streams.</summary>
    public static async Task<ToolRun> RunAsync(string executable, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(executable)} did not finish within {Limit.TotalMinutes} minutes");
        }

        return new ToolRun(process.ExitCode, await stdout, await stderr);
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
