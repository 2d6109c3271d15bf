using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>CPU time from /proc: a process's own and its reaped children's, and the whole PostgreSQL server's.</summary>
internal static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100.0;

    /// <summary>utime + stime + cutime + cstime of this process (children count once reaped: psql, pg_restore's workers).</summary>
    public static double OfSelfAndChildren() => Fields("/proc/self/stat") is { } f ? (f[11] + f[12] + f[13] + f[14]) / TicksPerSecond : 0;

    /// <summary>
    /// The server's CPU so far: the postmaster's own and reaped children's (every backend that ended), plus
    /// each live child's (checkpointer, WAL writer, archiver with its zstd runs). Measure before and after.
    /// </summary>
    public static double OfServer(int postmaster)
    {
        double ticks = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || Fields(Path.Combine(folder, "stat")) is not { } f)
            {
                continue;
            }

            if (pid == postmaster || (long)f[1] == postmaster)
            {
                ticks += f[11] + f[12] + f[13] + f[14];
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>The fields after the command name (index 0 = state, 1 = ppid, 11 = utime … 14 = cstime).</summary>
    private static double[]? Fields(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return [.. rest.Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0)];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>One timed step of a restore: what, when it started and ended (seconds from the start of the run).</summary>
internal sealed record ProfileStep(string What, double Start, double End)
{
    public double Seconds => End - Start;
}

/// <summary>Reads the steps out of our restorer's JSON log and out of pg_restore -v's timestamped lines.</summary>
internal static class RestoreProfile
{
    /// <summary>Our job log: "restore job done" lines carry the job, its elapsed time and the time since the load began (ms).</summary>
    public static List<ProfileStep> FromOurLog(string log, out string phases)
    {
        var steps = new List<ProfileStep>();
        phases = string.Empty;
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var message = root.GetProperty("message").GetString();
            if (message == "restore job done")
            {
                var end = root.GetProperty("at").GetDouble() / 1000;
                steps.Add(new ProfileStep(root.GetProperty("what").GetString()!, end - root.GetProperty("elapsed").GetDouble() / 1000, end));
            }
            else if (message == "restore steps done")
            {
                phases = $"pre-data {Sec(root, "preData")}, data + indexes + keys {Sec(root, "dataAndIndexes")}, sequences + post-data rest " +
                    $"{Sec(root, "postData")}";
            }
        }

        return steps;
    }

    /// <summary>pg_restore -v -j: "launching item N …" / "finished item N …" pairs, timed as the lines arrived.</summary>
    public static List<ProfileStep> FromPgRestore(IReadOnlyList<(double At, string Line)> lines)
    {
        var started = new Dictionary<string, (double At, string What)>();
        var steps = new List<ProfileStep>();
        foreach (var (at, line) in lines)
        {
            var launching = line.IndexOf("launching item ", StringComparison.Ordinal);
            var finished = line.IndexOf("finished item ", StringComparison.Ordinal);
            if (launching >= 0)
            {
                var rest = line[(launching + "launching item ".Length)..];
                started[rest.Split(' ')[0]] = (at, rest[(rest.IndexOf(' ') + 1)..]);
            }
            else if (finished >= 0)
            {
                var id = line[(finished + "finished item ".Length)..].Split(' ')[0];
                if (started.Remove(id, out var start))
                {
                    steps.Add(new ProfileStep(start.What, start.At, at));
                }
            }
        }

        return steps;
    }

    /// <summary>Runs pg_restore -v, timing each line of its log as it arrives; returns (wall seconds, lines).</summary>
    public static async Task<(double Seconds, List<(double At, string Line)> Lines)> RunPgRestoreAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("pg_restore") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var lines = new List<(double, string)>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        while (await process.StandardError.ReadLineAsync() is { } line)
        {
            lines.Add((clock.Elapsed.TotalSeconds, line));
        }

        await process.WaitForExitAsync();
        await output;
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_restore failed: " + string.Join('\n', lines.TakeLast(5).Select(l => l.Item2)));
        }

        return (seconds, lines);
    }

    /// <summary>A markdown table of the steps, longest first (the ones that decide the wall time), at most <paramref name="top"/>.</summary>
    public static void Write(StringBuilder report, string title, List<ProfileStep> steps, int top = 12)
    {
        report.AppendLine($"| {title}: step | start | end | seconds |").AppendLine("|---|---:|---:|---:|");
        foreach (var step in steps.OrderByDescending(s => s.Seconds).Take(top).OrderBy(s => s.Start))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| {step.What} | {step.Start:F2} | {step.End:F2} | {step.Seconds:F2} |");
        }

        report.AppendLine();
    }

    /// <summary>Seconds spent in each kind of step (summed over connections: more than the wall time when they overlap).</summary>
    public static string Totals(List<ProfileStep> steps, Func<string, string> kind) =>
        string.Join(", ", steps.GroupBy(s => kind(s.What)).OrderByDescending(g => g.Sum(s => s.Seconds))
            .Select(g => $"{g.Key} {g.Sum(s => s.Seconds):F2} s ({g.Count()})"));

    private static string Sec(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? $"{value.GetDouble() / 1000:F2} s" : "?";
}
