using System.Text.RegularExpressions;
using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// Every file in events/ runs as shipped through the local cloud, with the commands the README gives, in the README's
/// order (after the drill has made the marketplace database): each function invocation succeeds and each execution
/// SUCCEEDS. The point-in-time-recovery sample needs a time inside the local restore window: it runs as
/// <c>local/dr restore-window</c> prints it. A sample added to events/ without a command here fails the test.
/// </summary>
[Collection(SharedMarketplaceDatabase.Name)]
public sealed partial class EventSamplesTests
{
    /// <summary>The README's command for each sample: <c>local/dr &lt;arguments&gt;</c>.</summary>
    private static readonly (string Sample, string[] Arguments)[] Commands =
    [
        ("service-health.json", ["start-execution", "ServiceHealthStateMachine", "--input", "events/service-health.json"]),
        ("health-check.json", ["invoke", "HealthCheckFunction", "--event", "events/health-check.json"]),
        ("audit-verify.json", ["invoke", "AuditVerifyFunction", "--event", "events/audit-verify.json"]),
        ("check-flow-input.json", ["invoke", "CheckFlowInputFunction", "--event", "events/check-flow-input.json"]),
        ("postgres-backup.json", ["start-execution", "PostgresBackupStateMachine", "--input", "events/postgres-backup.json"]),
        ("postgres-verify.json", ["invoke", "PostgresVerifyFunction", "--event", "events/postgres-verify.json"]),
        ("verify-backup.json", ["start-execution", "VerifyBackupStateMachine", "--input", "events/verify-backup.json"]),
        ("postgres-restore.json", ["invoke", "PostgresRestoreFunction", "--event", "events/postgres-restore.json"]),
        ("point-in-time-recovery.json", ["restore-window"]),
        ("restore-database.json", ["start-execution", "RestoreDatabaseStateMachine", "--input", "events/restore-database.json"]),
        ("restore-database-revert.json", ["start-execution", "RestoreDatabaseStateMachine", "--input", "events/restore-database-revert.json"]),
        ("sweep-abandoned-instances.json", ["start-execution", "SweepAbandonedInstancesStateMachine", "--input", "events/sweep-abandoned-instances.json"]),
        ("sweep-temporary.json", ["invoke", "SweepTemporaryFunction", "--event", "events/sweep-temporary.json"]),
        ("redis-backup.json", ["invoke", "RedisBackupFunction", "--event", "events/redis-backup.json"]),
        ("redis-stage.json", ["invoke", "RedisStageFunction", "--event", "events/redis-stage.json"]),
        ("redis-restore.json", ["invoke", "RedisRestoreFunction", "--event", "events/redis-restore.json"]),
    ];

    [Fact]
    public async Task Samples_WhenRunAsTheReadmeShowsAfterTheDrill_ShouldEachBeAcceptedAndSucceed()
    {
        var shipped =
            Directory.GetFiles(RepositoryPaths.Of("events"), "*.json").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(shipped, Commands.Select(c => c.Sample).Order(StringComparer.Ordinal).ToList());

        // What the drill leaves behind: the servers and the marketplace database they check.
        var servers = LocalServersInfo.Read(LocalServers.InfoFile);
        await MarketplaceDatabase.EnsureAsync(servers, 1, CancellationToken.None);
        using var folder = new TempFolder();
        File.Copy(LocalServers.InfoFile, Path.Combine(folder.Path, "servers.json"));
        var failures = new List<string>();
        try
        {
            foreach (var (sample, arguments) in Commands)
            {
                var run = await CliRun.RunAsync(folder.Path, null, arguments);
                if (sample == "point-in-time-recovery.json" && run.ExitCode == 0)
                {
                    // local/dr restore-window prints the window, then the command that runs the ready sample.
                    Assert.Matches(RestorableFrom(), run.Output);
                    var command =
                        run.Output.Split('\n').Single(l => l.StartsWith("Run it: local/dr ", StringComparison.Ordinal))["Run it: local/dr ".Length..].Trim();
                    run = await CliRun.RunAsync(folder.Path, null, command.Split(' '));
                }

                if (run.ExitCode != 0)
                {
                    failures.Add($"{sample}: local/dr {string.Join(' ', arguments)}\n{run}");
                }
                else if (sample == "health-check.json")
                {
                    // The function checks the production API; from here it reports that, as a result.
                    Assert.Contains("\"url\": \"https://api.technician-marketplace.com/health\"", run.Output, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(servers.PostgresConnectionString("postgres"));
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand("DROP DATABASE IF EXISTS technician_marketplace_restored WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [GeneratedRegex(@"technician-marketplace: restorable from \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(UTC\)")]
    private static partial Regex RestorableFrom();
}
