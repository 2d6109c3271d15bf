using System.Globalization;
using DisasterRecovery.LocalCloud.Cli;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>
/// One run of the drill as <c>local/dr drill</c> shows it: on the console, the log file's path, each step's progress
/// and result in a few lines, and the closing summary with the recovery times against the plan's RTO/RPO; in the log
/// file (<c>&lt;state folder&gt;/logs/drill-&lt;time&gt;.log</c>), everything behind them: every history event of every
/// flow and every JSON log line of every function, as <c>local/dr start-execution</c> prints them, and the flows' inputs.
/// </summary>
public static class DrillSession
{
    /// <summary>Runs <paramref name="steps"/> on <paramref name="cloud"/>, printing to <paramref name="console"/>; returns the report and the log
    /// file.</summary>
    public static async Task<(DrillReport Report, string LogFile)> RunAsync(
        LocalCloudHost cloud, string repositoryRoot, IReadOnlyList<IDrillStep> steps, TextWriter console, CancellationToken cancellationToken)
    {
        var logFile = Path.Combine(cloud.StateDirectory, "logs", $"drill-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        await using var file = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var log = TextWriter.Synchronized(file);
        console.WriteLine($"Drill log (every state of every flow, the functions' logs): {logFile}");
        DrillReport report;
        using (new ExecutionPrinter(cloud, log))
        {
            await using var context = new DrillContext(cloud, repositoryRoot, console, log);
            report = await DrillRunner.RunAsync(context, steps, cancellationToken).ConfigureAwait(false);
        }

        console.WriteLine($"Drill log: {logFile}");
        return (report, logFile);
    }
}
