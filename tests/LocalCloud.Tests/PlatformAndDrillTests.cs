using System.Net;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Benchmarks;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The stand-in and the drill against the real local PostgreSQL and Redis (started by local/servers).</summary>
[Collection(SharedMarketplaceDatabase.Name)]
public sealed class PlatformAndDrillTests
{
    private static LocalServersInfo RealServers() => new(
        LocalServers.Postgres.Host, LocalServers.Postgres.Port, LocalServers.Postgres.User, LocalServers.Postgres.Password,
        LocalServers.Redis.Host, LocalServers.Redis.Port, LocalServers.Redis.Password);

    [Fact]
    public async Task Health_WhenPostgresAndRedisAnswer_ShouldReturn200WithEveryPartOk()
    {
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers());
        using var http = new HttpClient();

        using var response = await http.GetAsync(standIn.HealthUrl);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok","postgres":"ok","redis":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_WhenRedisRefusesThePassword_ShouldReturn503NamingRedisOnly()
    {
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers() with { RedisPassword = "not-the-password" });
        using var http = new HttpClient();

        using var response = await http.GetAsync(standIn.HealthUrl);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("unhealthy", body["status"]!.GetValue<string>());
        Assert.Equal("ok", body["postgres"]!.GetValue<string>());
        Assert.StartsWith("failed: ", body["redis"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WhenPostgresIsNotListening_ShouldReturn503NamingPostgres()
    {
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers() with { PostgresPort = 1 });
        using var http = new HttpClient();

        using var response = await http.GetAsync(standIn.HealthUrl);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("failed: ", body["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("ok", body["redis"]!.GetValue<string>());
    }

    [Fact]
    public async Task Drill_WhenTheLocalServersRun_ShouldRunHealthBackupAndBothRecoveriesPrintingAFewLinesPerStepAndLogTheRest()
    {
        _ = LocalServers.Postgres; // start the servers first, as the other test projects do
        using var folder = new TempFolder();

        // The EKS parameters have no usable default (the flows refuse an unconfigured stack); the emulator takes any value.
        var run = await CliRun.RunAsync(folder.Path, null, "drill",
            "--parameter-overrides", "EksEndpoint=https://local-eks.invalid", "EksCertificateAuthority=TG9jYWwgRUtTIGVtdWxhdG9y");

        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("Drill log (every state of every flow, the functions' logs): ", lines[0], StringComparison.Ordinal);
        var logFile = lines[0][(lines[0].IndexOf("): ", StringComparison.Ordinal) + 3)..];
        Assert.Equal($"Drill log: {logFile}", lines[^1]);
        Assert.Contains("[3/8] Service health flow against the stand-in", lines);
        Assert.Contains("[6/8] Restore the database from the last verified backup", lines);
        Assert.Contains("[8/8] Restore Redis into a new server after its keys were lost", lines);
        Assert.Contains("the new server holds every profile of the verified backup", run.Output, StringComparison.Ordinal);
        Assert.Contains("every deleted review and the dropped table are back", run.Output, StringComparison.Ordinal);
        Assert.Contains("the new instance holds the verified backup's jobs", run.Output, StringComparison.Ordinal);
        Assert.Contains("(RTO 1 h: met)", run.Output, StringComparison.Ordinal);
        Assert.Contains("Drill SUCCEEDED in ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Recoveries against the plan (PostgreSQL: RTO 1 h, RPO 15 min; Redis: RTO 30 min, RPO 1 h):", lines);
        Assert.Contains(lines, l => l.StartsWith("  restore-redis  ", StringComparison.Ordinal) && l.Contains("30 min: met", StringComparison.Ordinal)
            && l.EndsWith("1 h: met", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  point-in-time-recovery  ", StringComparison.Ordinal) && l.Contains("1 h: met", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  restore-database  ", StringComparison.Ordinal) && l.Contains("1 h: met", StringComparison.Ordinal));
        Assert.Contains($"/health checks postgres://postgres@127.0.0.1:{LocalServers.Postgres.Port}/technician_marketplace", run.Output,
            StringComparison.Ordinal);

        // The console shows progress, not the functions' JSON logs nor every state: those are in the log file.
        Assert.DoesNotContain(lines, l => l.Contains("\"level\":", StringComparison.Ordinal) || l.TrimStart().StartsWith('{'));
        Assert.DoesNotContain("TaskStateEntered", run.Output, StringComparison.Ordinal);
        Assert.True(lines.Count <= 45, $"the drill printed {lines.Count} lines:\n{run.Output}");
        var log = File.ReadAllText(logFile);
        Assert.Contains("TaskStateEntered        Check Service Health", log, StringComparison.Ordinal);
        Assert.Contains("\"message\":\"endpoint healthy\"", log, StringComparison.Ordinal);
        Assert.Contains("PostgresBackupFunction: {", log, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalServers.Postgres.Password, run.Output + run.Error + log, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalServers.Redis.Password, run.Output + run.Error + log, StringComparison.Ordinal);
        var executions = Directory.GetFiles(Path.Combine(folder.Path, "cloud", "executions"), "drill-*.json", SearchOption.AllDirectories);
        Assert.Equal(4, executions.Length);
        Assert.All(executions, e => Assert.Contains("\"status\": \"SUCCEEDED\"", File.ReadAllText(e), StringComparison.Ordinal));
        await DrillBuckets.AssertBackupsLockedAndOverwriteReportedAsync(folder.Path);
    }

    [Fact]
    public async Task EngineBenchmark_WhenRun_ShouldCoverOneHourPerWaitState()
    {
        var result = await EngineBenchmark.RunAsync(states: 40, runs: 2, warmup: 0);

        Assert.Equal(TimeSpan.FromHours(20), result.VirtualTimeCovered);
        Assert.Equal(2, result.WallTimes.Count);
        Assert.True(result.HistoryEvents > 80, $"only {result.HistoryEvents} events");
    }
}

/// <summary>Tests that run the drill or build technician_marketplace share that database on the one cluster: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SharedMarketplaceDatabase
{
    public const string Name = "The shared technician_marketplace database";
}
