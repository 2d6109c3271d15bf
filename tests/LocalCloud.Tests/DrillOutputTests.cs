using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.TestSupport;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// What the drill prints: a few lines per step on the console and the closing RTO/RPO table; the functions' JSON log
/// lines and every state of every flow in the log file whose path it prints at the start and the end.
/// </summary>
public sealed class DrillOutputTests
{
    [Fact]
    public async Task RunAsync_WhenAFlowStepRunsAFunctionThatLogs_ShouldWriteItsJsonLogToTheLogFileAndNotToTheConsole()
    {
        await using var endpoint = await LocalHttpEndpoint.StartAsync((_, http) => http.Response.WriteAsync("""{"status":"ok"}"""));
        using var folder = new TempFolder();
        await using var cloud = TestCloud.Create(TestCloud.RepositoryTemplate, Path.Combine(folder.Path, "cloud"));
        var console = new StringWriter();
        IDrillStep[] steps =
            [new RunFlowStep("Service health flow", "ServiceHealthStateMachine", _ => new JsonObject { ["url"] = endpoint.BaseUrl + "health" })];

        var (report, logFile) = await DrillSession.RunAsync(cloud, RepositoryPaths.Root, steps, console, CancellationToken.None);

        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var log = File.ReadAllText(logFile);
        Assert.True(report.Succeeded, console.ToString());
        Assert.StartsWith(Path.Combine(folder.Path, "cloud", "logs", "drill-"), logFile, StringComparison.Ordinal);
        Assert.EndsWith(logFile, lines[0], StringComparison.Ordinal);
        Assert.Equal($"Drill log: {logFile}", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains("\"level\":", StringComparison.Ordinal) || l.Contains('{', StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("TaskStateEntered", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("running ServiceHealthStateMachine, execution drill-", StringComparison.Ordinal));
        Assert.Contains(lines, l =>
            l.StartsWith("ok in ", StringComparison.Ordinal) && l.Contains(": ServiceHealthStateMachine SUCCEEDED after ", StringComparison.Ordinal));
        Assert.Contains("\"message\":\"endpoint healthy\"", log, StringComparison.Ordinal);
        Assert.Contains("TaskStateEntered        Check Service Health", log, StringComparison.Ordinal);
        Assert.Contains($"input: {{\"url\":\"{endpoint.BaseUrl}health\"}}", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenStepsMeasureRecoveries_ShouldCloseWithOneLinePerStepAndTheRtoRpoTable()
    {
        using var folder = new TempFolder();
        await using var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), Path.Combine(folder.Path, "state"));
        var console = new StringWriter();
        await using var context = new DrillContext(cloud, RepositoryPaths.Root, console);
        IDrillStep[] steps =
        [
            new MeasuredStep("Prepare", null),
            new MeasuredStep("Point-in-time recovery",
                new RecoveryMeasurement("point-in-time-recovery", TimeSpan.FromSeconds(16.5), TimeSpan.FromSeconds(4.8), "WAL archive lag at the damage")),
            new MeasuredStep("Restore", new RecoveryMeasurement("restore-database", TimeSpan.FromMinutes(75), TimeSpan.FromHours(20),
                "age of the last verified backup at the incident")),
        ];

        var report = await DrillRunner.RunAsync(context, steps, CancellationToken.None);

        var lines = console.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.True(report.Succeeded);
        Assert.Contains("[2/3] Point-in-time recovery", lines);
        Assert.Contains(lines, l => l.StartsWith("  ok      Point-in-time recovery  ", StringComparison.Ordinal));
        Assert.Contains("Recoveries against the plan (PostgreSQL: RTO 1 h, RPO 15 min):", lines);
        Assert.Contains("  flow                    recovery time  RTO          data at risk / lost                                       RPO", lines);
        Assert.Contains("  point-in-time-recovery  16.5 s         1 h: met     4.8 s (WAL archive lag at the damage)                     15 min: met", lines);
        Assert.Contains("  restore-database        75.0 min       1 h: MISSED  20.0 h (age of the last verified backup at the incident)  15 min: MISSED",
            lines);
    }

    [Fact]
    public async Task RunAsync_WhenAStepFails_ShouldStopThereAndSayHowManyStepsDidNotRun()
    {
        using var folder = new TempFolder();
        await using var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), Path.Combine(folder.Path, "state"));
        var console = new StringWriter();
        await using var context = new DrillContext(cloud, RepositoryPaths.Root, console);
        IDrillStep[] steps = [new MeasuredStep("Prepare", null), new FailingStep(), new MeasuredStep("Never", null)];

        var report = await DrillRunner.RunAsync(context, steps, CancellationToken.None);

        Assert.False(report.Succeeded);
        Assert.Contains("      FAILED in ", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: the database is gone", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("Drill FAILED in ", console.ToString(), StringComparison.Ordinal);
        Assert.Contains("  (1 later step(s) did not run)", console.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[3/3]", console.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A step that succeeds at once with a given measurement (the runner's printing is under test, not a flow).</summary>
    private sealed class MeasuredStep(string name, RecoveryMeasurement? recovery) : IDrillStep
    {
        public string Name => name;

        public Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new DrillStepOutcome(true, $"{name} done", Recovery: recovery));
    }

    private sealed class FailingStep : IDrillStep
    {
        public string Name => "Break";

        public Task<DrillStepOutcome> RunAsync(DrillContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the database is gone");
    }
}
