using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>A child run of ours: wall time from outside (start-up included) and the JSON line it printed.</summary>
internal sealed record ChildRun(double Seconds, JsonElement Result)
{
    public long PeakRss => Result.GetProperty("peakRssBytes").GetInt64();

    /// <summary>The child's own CPU time (user + system).</summary>
    public double CpuSeconds => Result.GetProperty("cpuSeconds").GetDouble();
}

/// <summary>Starts this program in a child mode (<see cref="Child"/>) and bash command lines.</summary>
internal static class Processes
{
    /// <summary>Runs a child mode to its end, timed from outside.</summary>
    public static async Task<ChildRun> ChildAsync(params string[] arguments)
    {
        Console.WriteLine($"running: ours, {arguments[0]}");
        var info = Info(arguments);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"child {arguments[0]} failed: {text}{await errors}");
        }

        using var json = JsonDocument.Parse(text.Trim().Split('\n')[^1]);
        var run = new ChildRun(seconds, json.RootElement.Clone());
        Console.WriteLine($"  {seconds:F2} s, CPU {run.CpuSeconds:F2} s, peak RSS {Report.Mb(run.PeakRss)}");
        return run;
    }

    /// <summary>Starts a child mode that runs until its standard input is closed (the latency sampler).</summary>
    public static Process StartChild(params string[] arguments)
    {
        var info = Info(arguments);
        info.RedirectStandardInput = true;
        return Process.Start(info)!;
    }

    /// <summary>Runs a bash command line (pipefail) timed from outside; a failure throws with its output.</summary>
    public static async Task<double> TimeAsync(string command, IReadOnlyDictionary<string, string>? environment = null)
    {
        Console.WriteLine("running: " + command);
        var clock = Stopwatch.StartNew();
        var (code, output) = await ShellAsync(command, environment);
        if (code != 0)
        {
            throw new InvalidOperationException($"{command} failed ({code}): {output}");
        }

        Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F2} s");
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Runs a bash command line (pipefail); returns its exit code and output (stdout then stderr).</summary>
    public static async Task<(int Code, string Output)> ShellAsync(string command, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-o", "pipefail", "-c", command })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The first line of <c>tool --version</c>.</summary>
    public static async Task<string> ToolVersionAsync(string tool) => (await ShellAsync($"{tool} --version 2>&1 | head -1")).Output.Trim();

    /// <summary>The load average (1, 5, 15 minutes).</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static ProcessStartInfo Info(string[] arguments)
    {
        // This program's own executable (the apphost next to the assembly), also when it was started as `dotnet x.dll`.
        var host = Path.Combine(AppContext.BaseDirectory, "RedisBackupBenchmark");
        var info = new ProcessStartInfo(File.Exists(host) ? host : Environment.ProcessPath!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (!File.Exists(host))
        {
            info.ArgumentList.Add(typeof(Processes).Assembly.Location);
        }

        info.ArgumentList.Add("--child");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }
}

/// <summary>A running latency sampler: stop it to get its PING round trips.</summary>
internal sealed class LatencyRun(Process process) : IDisposable
{
    public static LatencyRun Start(int port) => new(Processes.StartChild("latency", port.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Stops the sampler; returns the round trips in milliseconds.</summary>
    public async Task<double[]> StopAsync()
    {
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the latency sampler failed: {text}{await errors}");
        }

        using var json = JsonDocument.Parse(text.Trim().Split('\n')[^1]);
        return [.. json.RootElement.GetProperty("samplesMs").EnumerateArray().Select(e => e.GetDouble())];
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        process.Dispose();
    }
}
