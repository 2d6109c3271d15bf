using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalRds;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// statemachines/sweep-abandoned-instances.asl.json through the local cloud, on real clusters of the RDS emulator. The
/// instances carry the recovery flows' tag contract (dr:lifecycle, dr:created-by, dr:flow, dr:final-snapshot) and are
/// restored here from a snapshot, not by the flows themselves; their executions are of a small state machine that
/// waits on a task token, so one can stay RUNNING and another be stopped (StopExecution) mid-way.
/// </summary>
public sealed class SweepAbandonedInstancesTests(SweepCloud env) : IClassFixture<SweepCloud>
{
    private const string Sweeper = "SweepAbandonedInstancesStateMachine";
    private const string Holder = "sweep-test-holder";

    [Fact]
    public async Task Sweep_WhenRecoveryExecutionsStoppedOrVanished_ShouldDeleteOnlyTheirTemporaryInstancesAndReportEveryInstance()
    {
        // Arrange: executions in each state, and the instances they "created".
        var rds = await env.Cloud.GetRdsAsync();
        var region = env.Cloud.Stack.Region;
        await CreateSourceSnapshotAsync(rds, region);
        var holder = RegisterHolder();
        var running = env.Cloud.Engine.StartExecution(holder, "{}", "still-running");
        var aborted = env.Cloud.Engine.StartExecution(holder, "{}", "stopped-mid-way");
        await env.Cloud.Sfn.InvokeAsync(
            "stopExecution",
            new JsonObject { ["ExecutionArn"] = aborted, ["Error"] = "Operator.Stopped", ["Cause"] = "stopped mid-way" },
            new ServiceCallContext(env.Cloud.Clock, region, env.Cloud.Stack.AccountId, null, null),
            CancellationToken.None);
        var vanished = running.Replace(":still-running", ":never-started", StringComparison.Ordinal);
        var instances = new (string Id, string Lifecycle, string CreatedBy, bool FinalSnapshot, bool Protected)[]
        {
            ("sweep-running", "temporary", running, true, false),
            ("sweep-aborted-snap", "temporary", aborted, true, false),
            ("sweep-aborted-plain", "temporary", aborted, false, false),
            ("sweep-vanished", "temporary", vanished, false, false),
            ("sweep-promoted", "promoted", aborted, true, false),
            ("sweep-protected", "temporary", vanished, false, true),
        };
        foreach (var (id, lifecycle, createdBy, finalSnapshot, deletionProtection) in instances)
        {
            await RestoreTaggedAsync(rds, region, id, lifecycle, createdBy, finalSnapshot, deletionProtection);
            await WaitUntilAvailableAsync(rds, region, id);
        }

        // Restored last and never described before the sweep: the sweep's listing is the first to see it, still creating.
        await RestoreTaggedAsync(rds, region, "sweep-creating", "temporary", aborted, true, false);

        try
        {
            // Act
            var sweep = await env.Cloud.RunExecutionAsync(Sweeper, "{}", "sweep-all-states");

            // Assert: the outcome of every instance.
            Assert.True(sweep.Status == "SUCCEEDED", $"{sweep.Status}: {sweep.Error}: {sweep.Cause}");
            var output = JsonNode.Parse(sweep.Output!)!.AsObject();
            Assert.Equal(["sweep-aborted-plain", "sweep-aborted-snap", "sweep-vanished"], Identifiers(output["removed"]));
            Assert.Equal(["sweep-creating", "sweep-protected"], Identifiers(output["left"]));
            Assert.Equal(["sweep-promoted", "sweep-running"], Identifiers(output["kept"]));
            Assert.Contains(RecoveryCloud.Instance, Strings(output["notOurs"]));
            Assert.Contains("sweep-source", Strings(output["notOurs"]));
            var snap = Outcome(output["removed"], "sweep-aborted-snap");
            Assert.Equal("sweep-aborted-snap-final", snap["finalSnapshot"]!.GetValue<string>());
            Assert.Equal(aborted, snap["execution"]!.GetValue<string>());
            Assert.Equal(Holder, snap["flow"]!.GetValue<string>());
            Assert.Equal("ABORTED", snap["executionStatus"]!.GetValue<string>());
            Assert.Equal("none", Outcome(output["removed"], "sweep-aborted-plain")["finalSnapshot"]!.GetValue<string>());
            Assert.Contains("ExecutionDoesNotExist", Outcome(output["removed"], "sweep-vanished")["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("status creating", Outcome(output["left"], "sweep-creating")["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("protected", Outcome(output["left"], "sweep-protected")["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("RUNNING", Outcome(output["kept"], "sweep-running")["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("promoted", Outcome(output["kept"], "sweep-promoted")["reason"]!.GetValue<string>(), StringComparison.Ordinal);

            // The instances themselves: removed ones are gone, every other one is untouched.
            foreach (var removed in new[] { "sweep-aborted-plain", "sweep-aborted-snap", "sweep-vanished" })
            {
                Assert.Null(await env.InstanceStatusAfterDeletionAsync(removed));
            }

            foreach (var kept in new[] { "sweep-running", "sweep-promoted", "sweep-protected", "sweep-creating", "sweep-source", RecoveryCloud.Instance })
            {
                Assert.NotEqual("deleting", await env.InstanceStatusAsync(kept) ?? "gone");
            }

            Assert.Equal("available", await SnapshotStatusWhenSettledAsync(rds, region, "sweep-aborted-snap-final"));
            Assert.Null(await SnapshotStatusWhenSettledAsync(rds, region, "sweep-aborted-plain-final"));
            Assert.Null(await SnapshotStatusWhenSettledAsync(rds, region, "sweep-vanished-final"));
            Assert.Equal("RUNNING", env.Cloud.Engine.DescribeExecution(running).Status.ToApiName());

            // The summary: one audit event and one alert naming each instance.
            var audit = await SweepAuditEventAsync("sweep-all-states");
            Assert.Equal("deletion", audit["action"]!.GetValue<string>());
            Assert.Equal("succeeded", audit["result"]!.GetValue<string>());
            Assert.Equal(["sweep-aborted-plain", "sweep-aborted-snap", "sweep-vanished"], Strings(audit["relatedIds"]).Order(StringComparer.Ordinal));
            Assert.Equal(["sweep-aborted-snap-final"], Strings(JsonNode.Parse(audit["details"]!["finalSnapshots"]!.GetValue<string>())));
            Assert.Equal(
                ["sweep-creating", "sweep-protected"],
                Strings(JsonNode.Parse(audit["details"]!["left"]!.GetValue<string>())).Order(StringComparer.Ordinal));
            Assert.Equal("2", audit["details"]!["kept"]!.GetValue<string>());
            var alert = Assert.Single(env.Cloud.Sns.Messages, m => m.ExecutionArn?.EndsWith(":sweep-all-states", StringComparison.Ordinal) == true);
            Assert.Equal("DR: sweeper removed 3 abandoned RDS instance(s), left 2", alert.Subject);
            string[] mentioned =
            [
                "sweep-running", "sweep-aborted-snap", "sweep-aborted-plain", "sweep-vanished", "sweep-promoted", "sweep-protected",
                "sweep-creating", "sweep-source", RecoveryCloud.Instance, aborted, "sweep-aborted-snap-final",
            ];
            foreach (var named in mentioned)
            {
                Assert.Contains(named, alert.Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            env.Cloud.Engine.StopExecution(running);
        }
    }

    /// <summary>A small instance and a snapshot of it, which every tagged instance is restored from.</summary>
    private static async Task CreateSourceSnapshotAsync(RdsEmulator rds, string region)
    {
        await rds.CallAsync(region, "createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "sweep-source",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
            ["MasterUsername"] = "master",
            ["MasterUserPassword"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["AllocatedStorage"] = 20,
            ["BackupRetentionPeriod"] = 0,
        });
        await WaitUntilAvailableAsync(rds, region, "sweep-source");
        await rds.CallAsync(
            region,
            "createDBSnapshot",
            new JsonObject { ["DbInstanceIdentifier"] = "sweep-source", ["DbSnapshotIdentifier"] = "sweep-source-snapshot" });
        Assert.Equal("available", await SnapshotStatusWhenSettledAsync(rds, region, "sweep-source-snapshot"));
    }

    /// <summary>A state machine whose executions wait on a task token until stopped: a recovery flow caught mid-way.</summary>
    private string RegisterHolder()
    {
        var topic = env.Cloud.Stack.Topics.Single(t => t.LogicalId == "AlertTopic").Arn;
        var definition = new JsonObject
        {
            ["Comment"] = "Stands for a recovery execution: it holds until stopped.",
            ["StartAt"] = "Hold",
            ["States"] = new JsonObject
            {
                ["Hold"] = new JsonObject
                {
                    ["Type"] = "Task",
                    ["Resource"] = "arn:aws:states:::sns:publish.waitForTaskToken",
                    ["Parameters"] = new JsonObject { ["TopicArn"] = topic, ["Subject"] = "test: holding an execution open", ["Message.$"] = "$$.Task.Token" },
                    ["End"] = true,
                },
            },
        };
        return env.Cloud.Engine.CreateStateMachine(Holder, definition.ToJsonString());
    }

    /// <summary>restoreDBInstanceFromDBSnapshot with the tag contract, as the recovery flows restore their instances.</summary>
    private static Task RestoreTaggedAsync(
        RdsEmulator rds,
        string region,
        string id,
        string lifecycle,
        string createdBy,
        bool finalSnapshot,
        bool deletionProtection) =>
        rds.CallAsync(region, "restoreDBInstanceFromDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = id,
            ["DbSnapshotIdentifier"] = "sweep-source-snapshot",
            ["DeletionProtection"] = deletionProtection,
            ["Tags"] = new JsonArray(
                Tag("dr:lifecycle", lifecycle),
                Tag("dr:created-by", createdBy),
                Tag("dr:flow", Holder),
                Tag("dr:final-snapshot", finalSnapshot ? "true" : "false")),
        });

    private static JsonObject Tag(string key, string value) => new() { ["Key"] = key, ["Value"] = value };

    /// <summary>Polls (each describe waits for the emulator's work) until available; fails on a terminal status or after 60 polls.</summary>
    private static async Task WaitUntilAvailableAsync(RdsEmulator rds, string region, string id)
    {
        var seen = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            var result = await rds.CallAsync(region, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = id });
            var status = result["DbInstances"]![0]!["DbInstanceStatus"]!.GetValue<string>();
            seen.Add(status);
            if (status == "available")
            {
                return;
            }
        }

        Assert.Fail($"{id} never became available (seen: {string.Join(", ", seen.Distinct())})");
    }

    /// <summary>A snapshot's status once it is no longer being created, or null when there is no such snapshot.</summary>
    private static async Task<string?> SnapshotStatusWhenSettledAsync(RdsEmulator rds, string region, string id)
    {
        string? status = null;
        for (var i = 0; i < 60 && status is null or "creating"; i++)
        {
            try
            {
                var result = await rds.CallAsync(region, "describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = id });
                status = result["DbSnapshots"]![0]!["Status"]!.GetValue<string>();
            }
            catch (RdsEmulatorException e) when (e.ErrorName == "Rds.DbSnapshotNotFoundException")
            {
                return null;
            }
        }

        return status;
    }

    private async Task<JsonObject> SweepAuditEventAsync(string executionName)
    {
        var bucket = env.Cloud.Stack.Buckets.Single(b => b.LogicalId == "AuditBucket").BucketName;
        using var s3 = env.Cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "audit/" });
        foreach (var item in listing.S3Objects ?? [])
        {
            using var response = await s3.GetObjectAsync(bucket, item.Key);
            if (JsonNode.Parse(response.ResponseStream) is JsonObject json && json["eventId"]?.GetValue<string>() == executionName + "-sweep")
            {
                return json;
            }
        }

        throw new InvalidOperationException($"no audit event {executionName}-sweep in s3://{bucket}/audit/");
    }

    private static JsonObject Outcome(JsonNode? outcomes, string identifier) =>
        outcomes!.AsArray().OfType<JsonObject>().Single(o => o["identifier"]!.GetValue<string>() == identifier);

    private static List<string> Identifiers(JsonNode? outcomes) =>
        outcomes!.AsArray().Select(o => o!["identifier"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<string>()).ToList();
}

/// <summary>
/// A local cloud over template.yaml for the sweeper's test: LocalS3 in-process, local/servers' cluster adopted as the
/// (untagged) production instance, a virtual clock that keeps moving while an execution waits on a task token (the
/// held "recovery" execution must not stop the sweeper's retries).
/// </summary>
public sealed class SweepCloud : IAsyncLifetime
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "dr-sweep", Guid.NewGuid().ToString("N"));

    public DisasterRecovery.LocalCloud.LocalCloudHost Cloud { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cloud = await DisasterRecovery.LocalCloud.LocalCloudHost.StartAsync(new DisasterRecovery.LocalCloud.LocalCloudOptions
        {
            TemplatePath = DisasterRecovery.TestSupport.RepositoryPaths.Of("template.yaml"),
            StateDirectory = _stateDirectory,
            Clock = new DisasterRecovery.LocalStepFunctions.Time.VirtualTimeProvider(),
            Random = new Random(11),
            LocalServersInfoFile = DisasterRecovery.TestSupport.LocalServers.InfoFile,
            AdvanceVirtualClockDuringTaskTokenWaits = true,
        });
        await Cloud.GetRdsAsync();

        // The stack's database secret, as deployed: the flow's temporary-things sweep (SweepTemporary) reads it.
        var secret = DisasterRecovery.LocalCloud.Platform.LocalDatabaseSecret.For(
            DisasterRecovery.LocalCloud.Platform.LocalServersInfo.Read(DisasterRecovery.TestSupport.LocalServers.InfoFile), "postgres");
        Cloud.SecretsManager.Store.PutValue(DisasterRecovery.LocalCloud.Platform.LocalDatabaseSecret.SecretId,
            new DisasterRecovery.LocalSecretsManager.SecretValueUpdate { SecretString = secret.ToSecretString() });
    }

    public async Task DisposeAsync()
    {
        await Cloud.DisposeAsync();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Cluster files owned by the service user may resist; the RDS emulator stopped its clusters already.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The instance's status, or null when RDS does not know it.</summary>
    public Task<string?> InstanceStatusAsync(string identifier) => Cloud.InstanceStatusAsync(identifier);

    /// <summary>Polls until the instance is gone; its last status otherwise.</summary>
    public Task<string?> InstanceStatusAfterDeletionAsync(string identifier) => Cloud.InstanceStatusAfterDeletionAsync(identifier);
}

/// <summary>
/// The sweeper's listing on an RDS emulator of its own (no adopted cluster): an account with nothing to sweep, and
/// one with more instances than a describeDBInstances page holds. Each test has a fresh local cloud.
/// </summary>
public sealed class SweepListingTests : IAsyncLifetime
{
    private const string Sweeper = "SweepAbandonedInstancesStateMachine";
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "dr-sweep-listing", Guid.NewGuid().ToString("N"));
    private DisasterRecovery.LocalCloud.LocalCloudHost _cloud = null!;

    public async Task InitializeAsync()
    {
        _cloud = await DisasterRecovery.LocalCloud.LocalCloudHost.StartAsync(
            new DisasterRecovery.LocalCloud.LocalCloudOptions
            {
                TemplatePath = DisasterRecovery.TestSupport.RepositoryPaths.Of("template.yaml"),
                StateDirectory = _stateDirectory,
                Clock = new DisasterRecovery.LocalStepFunctions.Time.VirtualTimeProvider(),
                Random = new Random(11),
            });

        // The stack's database secret, as deployed: the flow's temporary-things sweep (SweepTemporary) reads it.
        var secret = DisasterRecovery.LocalCloud.Platform.LocalDatabaseSecret.For(
            DisasterRecovery.LocalCloud.Platform.LocalServersInfo.Read(DisasterRecovery.TestSupport.LocalServers.InfoFile), "postgres");
        _cloud.SecretsManager.Store.CreateIfAbsent(DisasterRecovery.LocalCloud.Platform.LocalDatabaseSecret.SecretId, secret.ToSecretString());
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Cluster files owned by the service user may resist; the emulator stopped its clusters already.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [Fact]
    public async Task Sweep_WhenNoInstanceExists_ShouldSucceedQuietlyWithOnlyAnAuditEvent()
    {
        // Act
        var sweep = await _cloud.RunExecutionAsync(Sweeper, "{}", "sweep-nothing");

        // Assert
        Assert.True(sweep.Status == "SUCCEEDED", $"{sweep.Status}: {sweep.Error}: {sweep.Cause}");
        var counts = JsonNode.Parse(sweep.Output!)!["counts"]!.AsObject();
        Assert.Equal(
            0,
            counts["removed"]!.GetValue<int>() + counts["left"]!.GetValue<int>() + counts["kept"]!.GetValue<int>() + counts["notOurs"]!.GetValue<int>());
        Assert.Empty(_cloud.Sns.Messages);
        Assert.Equal(1, await AuditEventCountAsync("sweep-nothing-sweep"));
    }

    [Fact]
    public async Task Sweep_WhenInstancesFillMoreThanOnePage_ShouldExamineEveryPage()
    {
        // Arrange: 21 temporary instances of an execution that never existed, one more than a page (MaxRecords 20).
        var rds = await _cloud.GetRdsAsync();
        var region = _cloud.Stack.Region;
        var vanished = $"arn:aws:states:{region}:{_cloud.Stack.AccountId}:execution:technician-marketplace-dr-restore-database:never-started";
        var created = Enumerable.Range(1, 21).Select(i => $"abandoned-{i:D2}").ToList();
        foreach (var identifier in created)
        {
            await rds.CallAsync(region, "createDBInstance", new JsonObject
            {
                ["DbInstanceIdentifier"] = identifier,
                ["DbInstanceClass"] = "db.t3.micro",
                ["Engine"] = "postgres",
                ["MasterUsername"] = "master",
                ["MasterUserPassword"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                ["AllocatedStorage"] = 20,
                ["BackupRetentionPeriod"] = 0,
                ["Tags"] = new JsonArray(
                    new JsonObject { ["Key"] = "dr:lifecycle", ["Value"] = "temporary" },
                    new JsonObject { ["Key"] = "dr:created-by", ["Value"] = vanished },
                    new JsonObject { ["Key"] = "dr:flow", ["Value"] = "technician-marketplace-dr-restore-database" },
                    new JsonObject { ["Key"] = "dr:final-snapshot", ["Value"] = "false" }),
            });
        }

        // Act: the listing is the first describe of each, so each is seen still creating and left for the next sweep.
        var sweep = await _cloud.RunExecutionAsync(Sweeper, "{}", "sweep-two-pages");

        // Assert
        Assert.True(sweep.Status == "SUCCEEDED", $"{sweep.Status}: {sweep.Error}: {sweep.Cause}");
        var output = JsonNode.Parse(sweep.Output!)!.AsObject();
        var left = output["left"]!.AsArray().Select(o => o!["identifier"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(created, left);
        Assert.All(output["left"]!.AsArray(), o => Assert.Contains("status creating", o!["reason"]!.GetValue<string>(), StringComparison.Ordinal));
        var alert = Assert.Single(_cloud.Sns.Messages);
        Assert.Equal("DR: sweeper removed 0 abandoned RDS instance(s), left 21", alert.Subject);
        Assert.Contains("abandoned-21", alert.Message, StringComparison.Ordinal);
    }

    private async Task<int> AuditEventCountAsync(string eventId)
    {
        var bucket = _cloud.Stack.Buckets.Single(b => b.LogicalId == "AuditBucket").BucketName;
        using var s3 = _cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "audit/" });
        var count = 0;
        foreach (var item in listing.S3Objects ?? [])
        {
            using var response = await s3.GetObjectAsync(bucket, item.Key);
            if (JsonNode.Parse(response.ResponseStream)?["eventId"]?.GetValue<string>() == eventId)
            {
                count++;
            }
        }

        return count;
    }
}
