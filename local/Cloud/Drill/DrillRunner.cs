using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Drill;

/// <summary>One step's result in the drill report.</summary>
public sealed record DrillStepReport(string Name, DrillStepOutcome Outcome, TimeSpan Duration);

/// <summary>The whole drill: each step that ran, and whether all of them succeeded.</summary>
public sealed record DrillReport(IReadOnlyList<DrillStepReport> Steps, int PlannedSteps, TimeSpan Duration)
{
    public bool Succeeded => Steps.Count == PlannedSteps && Steps.All(s => s.Outcome.Succeeded);
}

/// <summary>Runs drill steps in order, stopping at the first failure, and prints a summary.</summary>
public static class DrillRunner
{
    /// <summary>The service-health machine, as template.yaml names it.</summary>
    public const string ServiceHealthStateMachine = "ServiceHealthStateMachine";

    /// <summary>
    /// Today's drill: servers and the application's database (<c>technician_marketplace</c>, created at
    /// <paramref name="databaseScale"/> if absent), the platform seeded and its stand-in started, the service-health
    /// flow against the stand-in, the nightly backup and its verification, a point-in-time recovery of deleted rows and
    /// a dropped table, and a restore from the last verified backup; then Redis' hourly snapshot and its verification and a
    /// restore-redis into a new server — each recovery timed against the plan's RTO and RPO for its engine. Later flows of the
    /// plan (failover, ransomware) join here as further steps.
    /// </summary>
    /// <param name="databaseScale">The marketplace database's scale if it has to be created (see <see cref="MarketplaceDatabase.RowsAt"/>).</param>
    public static IReadOnlyList<IDrillStep> DefaultSteps(int databaseScale = 1) =>
    [
        new StartLocalServersStep(databaseScale),
        new StartPlatformStandInStep(),
        new RunFlowStep("Service health flow against the stand-in", ServiceHealthStateMachine, context => new JsonObject
        {
            ["url"] = (context.PlatformStandIn ?? throw new InvalidOperationException("the stand-in step must run first")).HealthUrl.ToString(),
            ["expectedStatus"] = 200,
            ["expectedBodyContains"] = "\"status\":\"ok\"",
        }),
        new BackupAndVerifyStep(),
        new PointInTimeRecoveryStep(),
        new RestoreDatabaseStep(),
        new RedisBackupAndVerifyStep(),
        new RestoreRedisStep(),
    ];

    /// <summary>
    /// Runs the steps, printing for each its number and name, whatever progress it reports, and its result; then the
    /// summary: each step's outcome and time, and the recoveries against the plan's RTO/RPO.
    /// </summary>
    public static async Task<DrillReport> RunAsync(DrillContext context, IReadOnlyList<IDrillStep> steps, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var total = Stopwatch.StartNew();
        var reports = new List<DrillStepReport>();
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            output.WriteLine($"[{i + 1}/{steps.Count}] {step.Name}");
            context.Log.WriteLine($"=== [{i + 1}/{steps.Count}] {step.Name}");
            var clock = Stopwatch.StartNew();
            DrillStepOutcome outcome;
            try
            {
                outcome = await step.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (
                e is LocalCloudException or LocalEmulation.EmulatorUnavailableException or Stack.StackLoadException or IOException or InvalidOperationException
                                          or System.Net.Sockets.SocketException or Functions.FunctionNotFoundException
                                          or DisasterRecovery.LocalRds.RdsEmulatorException or Npgsql.NpgsqlException)
            {
                context.Log.WriteLine(e.ToString());
                outcome = new DrillStepOutcome(false, $"{e.GetType().Name}: {DrillFlow.OneLine(e.Message)}");
            }

            reports.Add(new DrillStepReport(step.Name, outcome, clock.Elapsed));
            output.WriteLine($"      {(outcome.Succeeded ? "ok" : "FAILED")} in {Seconds(clock.Elapsed)}: {outcome.Summary}");
            context.Log.WriteLine($"=== {(outcome.Succeeded ? "ok" : "FAILED")}: {outcome.Summary}");
            if (!outcome.Succeeded)
            {
                break;
            }
        }

        var report = new DrillReport(reports, steps.Count, total.Elapsed);
        WriteSummary(output, report);
        return report;
    }

    private static void WriteSummary(TextWriter output, DrillReport report)
    {
        output.WriteLine();
        output.WriteLine($"Drill {(report.Succeeded ? "SUCCEEDED" : "FAILED")} in {Seconds(report.Duration)}");
        var width = report.Steps.Count == 0 ? 0 : report.Steps.Max(s => s.Name.Length);
        foreach (var step in report.Steps)
        {
            output.WriteLine($"  {(step.Outcome.Succeeded ? "ok    " : "FAILED")}  {step.Name.PadRight(width)}  {Seconds(step.Duration),8}");
        }

        if (report.Steps.Count < report.PlannedSteps)
        {
            output.WriteLine($"  ({report.PlannedSteps - report.Steps.Count} later step(s) did not run)");
        }

        var recoveries = report.Steps.Select(s => s.Outcome.Recovery).OfType<RecoveryMeasurement>().ToList();
        if (recoveries.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine(
            $"Recoveries against the plan (PostgreSQL: RTO {PostgresObjectives.Label(PostgresObjectives.Rto)}, RPO " +
            $"{PostgresObjectives.Label(PostgresObjectives.Rpo)}" +
            (recoveries.Any(r => r.Rto is not null)
                ? $"; Redis: RTO {PostgresObjectives.Label(RedisObjectives.Rto)}, RPO {PostgresObjectives.Label(RedisObjectives.Rpo)}):"
                : "):"));
        string[] header = ["flow", "recovery time", "RTO", "data at risk / lost", "RPO"];
        var rows = recoveries.Select(r => new[]
        {
            r.Flow,
            Drill.Describe(r.RecoveryTime),
            $"{PostgresObjectives.Label(r.Objective)}: {(r.RecoveryTime <= r.Objective ? "met" : "MISSED")}",
            r.DataLoss is { } lost ? $"{Drill.Describe(lost)} ({r.DataLossMeaning})" : $"unknown ({r.DataLossMeaning})",
            r.DataLoss is { } loss ? $"{PostgresObjectives.Label(r.PointObjective)}: {(loss <= r.PointObjective ? "met" : "MISSED")}" : "-",
        }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Append(header).Max(r => r[c].Length)).ToArray();
        output.WriteLine("  " + string.Join("  ", header.Select((h, c) => h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in rows)
        {
            output.WriteLine("  " + string.Join("  ", row.Select((v, c) => v.PadRight(widths[c]))).TrimEnd());
        }
    }

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
