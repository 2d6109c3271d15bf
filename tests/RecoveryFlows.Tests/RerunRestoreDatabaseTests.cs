using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// statemachines/restore-database.asl.json run again after a failure: each case fails one Task state once (the local
/// cloud's fault injection), after the application was stopped, around the switch or at the health check, then runs
/// the flow again with the same input. The second run must end where one clean run ends: the application at its
/// original replica count on the second run's instance, no dr.marketplace record left on the Deployment, the
/// ConfigMap's record naming the endpoint before any switch, no instance but production and the second run's, no
/// snapshot but the evidence ones, and audit and report naming both runs. The no-fault case is that clean run.
/// </summary>
public sealed class RerunRestoreDatabaseTests(RestoreRerunCloud rerun) : IClassFixture<RestoreRerunCloud>, IAsyncLifetime
{
    private const string Machine = "RestoreDatabaseStateMachine";
    private const string Injected = "Injected.Failure";
    private RecoveryCloud Env => rerun.Env;

    public async Task InitializeAsync() => await rerun.ResetApplicationAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(null, 0)]
    [InlineData("Preserve Evidence Snapshot", 1)]
    [InlineData("Restore The Last Verified Backup", 1)]
    [InlineData("Mark The New Instance As Promoted", 1)]
    [InlineData("Write The New Database Endpoint", 3)]
    [InlineData("Restart The Application", 3)]
    [InlineData("Check The Application", 1)]
    public async Task Restore_WhenRunAgainAfterFailingAtAState_ShouldEndAsOneCleanRun(string? failingState, int times)
    {
        // A failed PUT is read and written again up to 3 times (States.TaskFailed matches any task error), so those
        // states are failed 3 times to reach the flow's failure path.
        // Arrange
        var first = "rerun-" + Slug(failingState ?? "clean");
        var second = first + "-again";
        var input = new { reason = "rerun test", healthUrl = rerun.Platform.HealthUrl.ToString() };
        var annotationsBefore = DeploymentAnnotations();

        // Act: fail once where asked, then run again with the same input.
        string? firstArn = null;
        if (failingState is not null)
        {
            for (var i = 0; i < times; i++)
            {
                Env.Cloud.Dispatcher.Faults.FailOnce(failingState, Injected, $"injected at {failingState}");
            }

            var failed = await Env.RunAsync(Machine, input, first);
            Assert.True(failed.Status == "FAILED", $"{failed.Status}: {failed.Error}: {failed.Cause}");
            Assert.Equal(Injected, failed.Error);
            Assert.Equal(Enumerable.Repeat(failingState!, times),
                Env.Cloud.Dispatcher.Faults.Fired.Where(f => f.ExecutionArn == failed.ExecutionArn).Select(f => f.StateName));
            firstArn = failed.ExecutionArn;
        }

        var run = await Env.RunAsync(Machine, input, failingState is null ? first : second);
        var runName = failingState is null ? first : second;

        // Assert: as one clean run leaves it.
        Assert.True(run.Status == "SUCCEEDED", $"{run.Status}: {run.Error}: {run.Cause}");
        Assert.Equal(PlatformEmulators.SeedReplicas, Env.Cloud.Eks.Replicas(PlatformEmulators.Namespace, PlatformEmulators.Deployment));
        Assert.Equal(annotationsBefore, DeploymentAnnotations());
        var port = (await Env.DescribeInstanceAsync("restored-" + runName))["Endpoint"]!["Port"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture);
        var inUse = Env.Cloud.Eks.ConfigMapInUse(PlatformEmulators.Namespace, PlatformEmulators.Deployment, DatabaseConfigMap.Name)!;
        Assert.Equal(port, inUse[DatabaseConfigMap.PortKey]);
        var annotations = ConfigMapAnnotations();
        Assert.Equal("restored-" + runName, annotations["dr.marketplace/switched-to"]);
        Assert.Equal(run.ExecutionArn, annotations["dr.marketplace/switched-by"]);
        var previous = JsonNode.Parse(annotations["dr.marketplace/previous"])!;
        Assert.Equal(RecoveryCloud.Instance, previous["instance"]!.GetValue<string>());
        Assert.Equal(rerun.OriginalData[DatabaseConfigMap.PortKey], previous["data"]![DatabaseConfigMap.PortKey]!.GetValue<string>());

        Assert.Equal(new[] { RecoveryCloud.Instance, "restored-" + runName }.Order(StringComparer.Ordinal), await Env.InstancesAsync());
        // Evidence of each run that got as far as its snapshot; the first run's instance, when the application was
        // switched to it (a failure at the restart or the health check), deleted by the second with a final snapshot.
        var evidence = failingState switch
        {
            null => new[] { "evidence-" + first },
            "Preserve Evidence Snapshot" => ["evidence-" + second],
            _ => ["evidence-" + first, "evidence-" + second],
        };
        var superseded = failingState is "Restart The Application" or "Check The Application" ? new[] { $"restored-{first}-final" } : [];
        Assert.Equal(evidence.Concat(superseded).Order(StringComparer.Ordinal), await Env.SnapshotsAsync(first));

        var report = Assert.Single(
            Env.Cloud.Sns.Messages,
            m => m.Subject == "DR: database restored" && m.Message.Contains(runName + " finished", StringComparison.Ordinal));
        var audit = await Env.AuditEventsAsync();
        Assert.Contains(audit, e => e.Actor == run.ExecutionArn && e.Result == "succeeded");
        if (firstArn is not null)
        {
            Assert.Contains(firstArn, report.Message, StringComparison.Ordinal);
            // The flow's own events (its functions audit their steps under the same actor); the log's keys are not in time order.
            Assert.Equal(["failed", "started"],
                audit.Where(e => e.Actor == firstArn && e.Details.Contains("\"kind\":\"restore-database\"", StringComparison.Ordinal))
                    .Select(e => e.Result).Order(StringComparer.Ordinal).ToArray());
            var succeeded = audit.Single(e => e.Actor == run.ExecutionArn && e.Result == "succeeded" &&
                                              e.Details.Contains("\"kind\":\"restore-database\"", StringComparison.Ordinal));
            Assert.Contains(firstArn, succeeded.Details, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Revert_WhenTheApplicationIsUnhealthyAfterTheSwitch_ShouldSayWhatItLeavesAndGoBackInOneStep()
    {
        // Arrange: the switch succeeds, then the health check fails.
        var input = new { reason = "revert test", healthUrl = rerun.Platform.HealthUrl.ToString() };
        Env.Cloud.Dispatcher.Faults.FailOnce("Check The Application", "ApplicationUnhealthy", "503 from /health");
        var unhealthy = await Env.RunAsync(Machine, input, "rerun-unhealthy");

        // Assert: the Cause says what the application points at, which instance is damaged, which snapshot exists, and the way back.
        Assert.Equal(("FAILED", "ApplicationUnhealthy"), (unhealthy.Status, unhealthy.Error));
        Assert.Contains("the application runs on the new instance restored-rerun-unhealthy", unhealthy.Cause, StringComparison.Ordinal);
        Assert.Contains($"the damaged instance {RecoveryCloud.Instance} is unchanged", unhealthy.Cause, StringComparison.Ordinal);
        Assert.Contains("snapshot evidence-rerun-unhealthy", unhealthy.Cause, StringComparison.Ordinal);
        Assert.Contains("mode set to \"revert\"", unhealthy.Cause, StringComparison.Ordinal);
        Assert.Contains(Env.Cloud.Sns.Messages, m => m.Subject == "DR: database restored but the application is UNHEALTHY" &&
                                                    m.Message.Contains("restored-rerun-unhealthy", StringComparison.Ordinal));

        // Act: the one documented step back.
        var revert = await Env.RunAsync(Machine, new { mode = "revert", healthUrl = rerun.Platform.HealthUrl.ToString() }, "rerun-revert");
        var callsAfterRevert = Env.Cloud.Eks.Calls.Count;
        var again = await Env.RunAsync(Machine, new { mode = "revert", healthUrl = rerun.Platform.HealthUrl.ToString() }, "rerun-revert-again");

        // Assert: the application is back on the database it used before, at its count, with no record left; a second revert refuses.
        Assert.True(revert.Status == "SUCCEEDED", $"{revert.Status}: {revert.Error}: {revert.Cause}");
        Assert.Equal(PlatformEmulators.SeedReplicas, Env.Cloud.Eks.Replicas(PlatformEmulators.Namespace, PlatformEmulators.Deployment));
        var inUse = Env.Cloud.Eks.ConfigMapInUse(PlatformEmulators.Namespace, PlatformEmulators.Deployment, DatabaseConfigMap.Name)!;
        Assert.Equal(rerun.OriginalData.OrderBy(p => p.Key).ToArray(), inUse.OrderBy(p => p.Key).ToArray());
        Assert.DoesNotContain(ConfigMapAnnotations().Keys, k => k.StartsWith("dr.marketplace/", StringComparison.Ordinal));
        Assert.DoesNotContain(DeploymentAnnotations().Keys, k => k.StartsWith("dr.marketplace/", StringComparison.Ordinal));
        Assert.Contains(
            Env.Cloud.Sns.Messages,
            m => m.Subject == "DR: database reverted" && m.Message.Contains(RecoveryCloud.Instance, StringComparison.Ordinal));
        Assert.Contains(await Env.AuditEventsAsync(), e => e.Actor == revert.ExecutionArn && e.Result == "succeeded" && e.Details.Contains("revert-database"));
        Assert.Equal(("FAILED", "NothingToRevert"), (again.Status, again.Error));
        Assert.Equal(["GET backend-database 200"],
            Env.Cloud.Eks.Calls.Skip(callsAfterRevert).Select(c => $"{c.Method} {c.Path.Split('/')[^1]} {c.StatusCode}").ToArray());
    }

    [Fact]
    public async Task Restore_WhenTheModeIsUnknown_ShouldRefuseNamingTheFieldAndChangeNothing()
    {
        var callsBefore = Env.Cloud.Eks.Calls.Count;

        var execution = await Env.RunAsync(Machine, new { mode = "undo", healthUrl = rerun.Platform.HealthUrl.ToString() }, "rerun-bad-mode");

        Assert.Equal(("FAILED", "InvalidInputException"), (execution.Status, execution.Error));
        Assert.Contains("mode: must be one of", execution.Cause, StringComparison.Ordinal);
        Assert.Equal(callsBefore, Env.Cloud.Eks.Calls.Count);
    }

    private Dictionary<string, string> DeploymentAnnotations() =>
        Annotations(Env.Cloud.Eks.Deployment(PlatformEmulators.Namespace, PlatformEmulators.Deployment)!);

    private Dictionary<string, string> ConfigMapAnnotations() =>
        Annotations(Env.Cloud.Eks.ConfigMap(PlatformEmulators.Namespace, DatabaseConfigMap.Name)!);

    private static Dictionary<string, string> Annotations(JsonObject item) =>
        (item["metadata"]!["annotations"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);

    private static string Slug(string state) => string.Concat(state.ToLowerInvariant().Split(' ').Select(w => w[..Math.Min(w.Length, 4)]));
}

/// <summary>
/// The rerun tests' shared cloud: one RecoveryCloud with a marketplace database, its night's backup verified once, the
/// platform stand-in, and a reset of the application (ConfigMap as seeded, without annotations; the backend at its seed
/// count; every instance but production deleted) before each case.
/// </summary>
public sealed class RestoreRerunCloud : IAsyncLifetime
{
    public RecoveryCloud Env { get; } = new();

    public LocalPlatformStandIn Platform { get; private set; } = null!;

    /// <summary>The ConfigMap's data as seeded: where the application points before any run.</summary>
    public IReadOnlyDictionary<string, string> OriginalData { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Env.InitializeAsync();
        var servers = LocalServersInfo.Read(Env.ServersInfoFile);
        OriginalData = DatabaseConfigMap.DataFor(servers, Env.Database);
        await RecoveryCloud.ExecuteAsync(Env.Database, """
            CREATE TABLE jobs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, title text NOT NULL);
            INSERT INTO jobs (title) SELECT 'job ' || g FROM generate_series(1, 200) g;
            """);
        await Env.InvokeAsync("PostgresBackupFunction", "{}");
        await Env.InvokeAsync("PostgresVerifyFunction", """{"onProductionServer": true}""");
        await ResetApplicationAsync();
        Platform = await LocalPlatformStandIn.StartAsync(servers, LocalPlatformState.Of(Env.Cloud));
    }

    public async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        await Env.DisposeAsync();
    }

    /// <summary>The application as before any run; instances earlier cases left (the app pointed at them) deleted.</summary>
    public async Task ResetApplicationAsync()
    {
        Env.Cloud.Eks.ApplyConfigMap(PlatformEmulators.Namespace, DatabaseConfigMap.Name, OriginalData);
        Env.Cloud.Eks.ScaleDeployment(PlatformEmulators.Namespace, PlatformEmulators.Deployment, PlatformEmulators.SeedReplicas);
        Env.Cloud.Eks.RestartDeployment(PlatformEmulators.Namespace, PlatformEmulators.Deployment);
        var rds = await Env.Cloud.GetRdsAsync();
        foreach (var identifier in (await Env.InstancesAsync()).Where(i => i != RecoveryCloud.Instance))
        {
            await rds.CallAsync(Env.Cloud.Stack.Region, "deleteDBInstance", new JsonObject
            {
                ["DbInstanceIdentifier"] = identifier,
                ["SkipFinalSnapshot"] = true,
            });
            Assert.Null(await Env.InstanceStatusAfterDeletionAsync(identifier));
        }
    }
}
