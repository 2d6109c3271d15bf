using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Execution;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// The flows' RDS Choice states, taken from the ASL files and run on the engine alone, over every DB instance status
/// the RDS User Guide documents ("Viewing Amazon RDS DB instance status") and every DB snapshot status the AWS SDK's
/// DBSnapshotAvailable waiter knows: a poll loop waits only while waiting can help, and cleanup deletes unless the
/// instance is already going.
/// </summary>
public sealed class RdsStatusChoiceTests
{
    /// <summary>Statuses an instance passes through on its way somewhere else: a poll loop keeps waiting.</summary>
    private static readonly string[] Transitional =
    [
        "backing-up", "configuring-enhanced-monitoring", "configuring-iam-database-auth", "configuring-log-exports",
        "converting-to-vpc", "creating", "maintenance", "modifying", "moving-to-vpc", "rebooting",
        "resetting-master-credentials", "renaming", "starting", "storage-optimization", "upgrading",
    ];

    /// <summary>
    /// Statuses from which the instance does not become available by waiting: RDS gave up (failed, incompatible-*,
    /// restore-error, insufficient-capacity), it needs a person (storage-full, inaccessible-encryption-credentials*),
    /// someone stopped it (stopping, stopped), or someone is deleting it (deleting; deleted, which the SDK waiter also
    /// checks).
    /// </summary>
    private static readonly string[] Terminal =
    [
        "failed", "inaccessible-encryption-credentials", "inaccessible-encryption-credentials-recoverable",
        "incompatible-network", "incompatible-option-group", "incompatible-parameters", "incompatible-restore",
        "insufficient-capacity", "restore-error", "storage-full", "stopping", "stopped", "deleting", "deleted",
    ];

    public static TheoryData<string> InstanceStatuses => new(["available", .. Transitional, .. Terminal]);

    [Theory]
    [MemberData(nameof(InstanceStatuses))]
    public async Task SideInstancePoll_ForEveryDocumentedStatus_ShouldWaitOnlyWhileWaitingCanHelp(string status)
    {
        var next = await RouteAsync("point-in-time-recovery.asl.json", "Is The Side Instance Available?",
            new JsonObject { ["side"] = new JsonObject { ["identifier"] = "pitr-x", ["state"] = new JsonObject { ["status"] = status } } });

        Assert.Equal(Expected(status, "Read Side Instance Endpoint", "Wait For Side Instance", "Side Instance Failed"), next);
    }

    [Theory]
    [MemberData(nameof(InstanceStatuses))]
    public async Task NewInstancePoll_ForEveryDocumentedStatus_ShouldWaitOnlyWhileWaitingCanHelp(string status)
    {
        var next = await RouteAsync("restore-database.asl.json", "Is The Instance Available?",
            new JsonObject { ["instance"] = new JsonObject { ["identifier"] = "restored-x", ["state"] = new JsonObject { ["status"] = status } } });

        Assert.Equal(Expected(status, "Read The Instance Endpoint", "Wait For The Instance", "Instance Failed"), next);
    }

    [Theory]
    [InlineData("available", "Describe The Production Instance")]
    [InlineData("creating", "Wait For The Snapshot")]
    [InlineData("pending", "Wait For The Snapshot")]
    [InlineData("failed", "Snapshot Failed")]
    [InlineData("deleting", "Snapshot Failed")]
    [InlineData("deleted", "Snapshot Failed")]
    [InlineData("incompatible-restore", "Snapshot Failed")]
    [InlineData("incompatible-parameters", "Snapshot Failed")]
    public async Task SnapshotPoll_ForEveryStatusTheSdkWaiterKnows_ShouldStopAtOnceOnItsFailures(string status, string expected)
    {
        var next = await RouteAsync(
            "restore-database.asl.json",
            "Is The Snapshot Available?",
            new JsonObject { ["snapshot"] = new JsonObject { ["status"] = status } });

        Assert.Equal(expected, next);
    }

    [Theory]
    [MemberData(nameof(InstanceStatuses))]
    public async Task CleanupChoice_ForEveryDocumentedStatus_ShouldDeleteUnlessTheInstanceIsAlreadyGoing(string status)
    {
        var input = new JsonObject { ["cleanup"] = new JsonObject { ["status"] = status }, ["cleanupPoll"] = new JsonObject { ["attempts"] = 0 } };

        var side = await RouteAsync("point-in-time-recovery.asl.json", "Can The Side Instance Be Deleted?", input);
        var restored = await RouteAsync("restore-database.asl.json", "Can The New Instance Be Deleted?", input);

        var (deleteSide, deleteNew) = ("Delete Side Instance After Failure", "Delete The New Instance After Failure");
        var (expectedSide, expectedNew) = status switch
        {
            "deleting" or "deleted" => ("Audit Failure", "Notify Failure With Application Stopped"),
            _ when Transitional.Contains(status) || status == "stopping" => ("Wait Before Cleanup", "Wait Before Cleanup"),
            _ => (deleteSide, deleteNew),
        };
        Assert.Equal(expectedSide, side);
        Assert.Equal(expectedNew, restored);
    }

    private static string Expected(string status, string available, string wait, string failed) =>
        status == "available" ? available : Transitional.Contains(status) ? wait : failed;

    /// <summary>
    /// Runs one Choice state of a flow file on the engine, its targets replaced by Pass states that name themselves;
    /// returns the target taken. The poll counters are far below their caps.
    /// </summary>
    private static async Task<string> RouteAsync(string file, string choiceState, JsonObject input)
    {
        var flow = JsonNode.Parse(await File.ReadAllTextAsync(RepositoryPaths.Of(Path.Combine("statemachines", file))))!;
        var choice = flow["States"]![choiceState]!.DeepClone().AsObject();
        var states = new JsonObject { [choiceState] = choice };
        var targets = choice["Choices"]!.AsArray()
            .Select(r => r!["Next"]!.GetValue<string>())
            .Append(choice["Default"]!.GetValue<string>())
            .Distinct();
        foreach (var target in targets)
        {
            states[target] = new JsonObject { ["Type"] = "Pass", ["Result"] = target, ["End"] = true };
        }

        var machine = new JsonObject { ["StartAt"] = choiceState, ["States"] = states };
        input["poll"] = new JsonObject { ["attempts"] = 1 };
        input["maxPolls"] = 120;
        var engine = new StateMachineEngine(
            new DelegateTaskInvoker((_, _) => throw new InvalidOperationException("no task runs here")),
            new VirtualTimeProvider(DateTimeOffset.UnixEpoch));
        var execution = engine.StartExecution(engine.CreateStateMachine("Choice", machine.ToJsonString()), input.ToJsonString());
        var result = await engine.WaitForExecutionAsync(execution);
        Assert.True(result.Status == ExecutionStatus.Succeeded, $"{result.Status}: {result.Error} {result.Cause}");
        return JsonNode.Parse(result.Output!)!.GetValue<string>();
    }
}
