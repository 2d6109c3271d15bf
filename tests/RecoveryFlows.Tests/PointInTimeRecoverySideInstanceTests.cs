using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Dispatch;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// The point-in-time-recovery flow's side instance through the local cloud: restored into production's network and
/// groups, tagged for the sweeper, polled no longer than useful, and deleted even when RDS throttles the cleanup.
/// </summary>
public sealed class PointInTimeRecoverySideInstanceTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>
{
    private const string Machine = "PointInTimeRecoveryStateMachine";

    [Fact]
    public async Task Recover_WhenTheSideInstanceIsRestored_ShouldPlaceItInProductionsNetworkAndTagItForTheSweeper()
    {
        // Arrange: the side instance is looked at while the flow waits for a human, who then says no.
        await CreateTableAsync();
        var t = await env.DatabaseTimeAsync();
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);
        const string name = "pitr-placed";
        JsonNode? side = null;
        JsonArray? tags = null;
        void Look(object? sender, TaskTokenIssuedEventArgs e)
        {
            if (!e.ExecutionArn.EndsWith(":" + name, StringComparison.Ordinal))
            {
                return;
            }

            side = env.DescribeInstanceAsync("pitr-" + name).GetAwaiter().GetResult();
            tags = env.TagsAsync(side["DbInstanceArn"]!.GetValue<string>()).GetAwaiter().GetResult();
            env.Cloud.Engine.SendTaskFailure(e.TaskToken, "Rejected", "looked at the side instance only");
        }

        env.Cloud.Dispatcher.TaskTokenIssued += Look;
        ExecutionDocumentView execution;
        try
        {
            // Act
            execution = new(await env.RunAsync(
                Machine,
                new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs" }, mode = "insert-missing", requireApproval = true },
                name));
        }
        finally
        {
            env.Cloud.Dispatcher.TaskTokenIssued -= Look;
        }

        // Assert: the side instance sat where production sits, carried the sweeper's tags, and is gone.
        var production = await env.DescribeInstanceAsync(RecoveryCloud.Instance);
        Assert.Equal("Rejected", execution.Document.Error);
        Assert.NotNull(side);
        Assert.Equal("technician-marketplace-db", RdsViews.Placement(production).SubnetGroup);
        Assert.Equal(RdsViews.Placement(production), RdsViews.Placement(side));
        Assert.False(side["PubliclyAccessible"]!.GetValue<bool>());
        Assert.Equal(execution.Document.ExecutionArn, RdsViews.Tag(tags!, "dr:created-by"));
        Assert.Equal(env.StateMachineName(Machine), RdsViews.Tag(tags!, "dr:flow"));
        Assert.Equal("temporary", RdsViews.Tag(tags!, "dr:lifecycle"));
        Assert.Equal("false", RdsViews.Tag(tags!, "dr:final-snapshot"));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-" + name));
    }

    [Theory]
    [InlineData("incompatible-network")]
    [InlineData("restore-error")]
    [InlineData("storage-full")]
    public async Task Recover_WhenTheSideInstanceEndsInATerminalStatus_ShouldStopPollingDeleteItAuditAndReport(string status)
    {
        // Arrange
        await CreateTableAsync();
        var t = await env.DatabaseTimeAsync();
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);
        var name = "pitr-ends-" + status;
        env.Cloud.Rds.FaultInjector.EndProvisioningIn("pitr-" + name, status);

        // Act
        var execution = new ExecutionDocumentView(await env.RunAsync(
            Machine,
            new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs" }, mode = "insert-missing" },
            name));

        // Assert: the first describe shows "creating", the second the status, and that was the last poll.
        Assert.Equal("FAILED", execution.Document.Status);
        Assert.Equal("SideInstanceFailed", execution.Document.Error);
        Assert.Contains($"ended in status {status}", execution.Document.Cause, StringComparison.Ordinal);
        Assert.Equal(2, execution.Entered(env, "Describe Side Instance"));
        Assert.Equal(0, execution.Entered(env, "Poll Cap Reached"));
        Assert.Equal(1, execution.Entered(env, "Delete Side Instance After Failure"));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-" + name));
        Assert.Contains("restore:failed:point-in-time-recovery", await env.AuditTrailAsync());
        Assert.Contains(env.Cloud.Sns.Messages, m => m.Subject == "DR: point-in-time recovery FAILED" && m.Message.Contains(status, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recover_WhenTheDescribeBeforeCleanupIsThrottled_ShouldRetryItAndStillDeleteTheSideInstance()
    {
        // Arrange: RDS gives up on the side instance, then throttles the cleanup's first three describes.
        await CreateTableAsync();
        var t = await env.DatabaseTimeAsync();
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);
        const string name = "pitr-throttled";
        env.Cloud.Rds.FaultInjector.EndProvisioningIn("pitr-" + name, "restore-error");
        env.Cloud.Rds.FaultInjector.Throttle(3, action: "describeDBInstances", caller: "Describe Side Instance Before Cleanup");

        // Act
        var execution = new ExecutionDocumentView(await env.RunAsync(
            Machine,
            new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs" }, mode = "insert-missing" },
            name));

        // Assert
        Assert.Equal("SideInstanceFailed", execution.Document.Error);
        Assert.Equal(
            3,
            env.Cloud.Rds.FaultInjector.ThrottledCalls.Count(c => c.EndsWith("by Describe Side Instance Before Cleanup", StringComparison.Ordinal)));
        Assert.Equal(1, execution.Entered(env, "Delete Side Instance After Failure"));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-" + name));
    }

    [Fact]
    public async Task Sweep_WhenTheFlowIsStoppedWhileItsSideInstanceRuns_ShouldDeleteTheSideInstanceTheFlowLeft()
    {
        // Arrange: the flow is stopped (StopExecution, as an operator or a timeout would) while it waits for approval,
        // so its own cleanup never runs and the side instance stays.
        await CreateTableAsync();
        var t = await env.DatabaseTimeAsync();
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);
        const string name = "pitr-stopped";
        void Stop(object? sender, TaskTokenIssuedEventArgs e)
        {
            if (e.ExecutionArn.EndsWith(":" + name, StringComparison.Ordinal))
            {
                _ = Task.Run(() => env.Cloud.Engine.StopExecution(e.ExecutionArn, "Operator.Stopped", "stopped while waiting for approval"));
            }
        }

        env.Cloud.Dispatcher.TaskTokenIssued += Stop;
        ExecutionDocumentView stopped;
        try
        {
            stopped = new(await env.RunAsync(
                Machine,
                new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs" }, mode = "insert-missing", requireApproval = true },
                name));
        }
        finally
        {
            env.Cloud.Dispatcher.TaskTokenIssued -= Stop;
        }

        Assert.Equal("ABORTED", stopped.Document.Status);
        Assert.Equal("available", await env.InstanceStatusAsync("pitr-" + name));

        // Act
        var sweep = await env.Cloud.RunExecutionAsync("SweepAbandonedInstancesStateMachine", "{}", "sweep-after-" + name);

        // Assert: the sweeper removed the side instance the stopped execution left, without a final snapshot.
        Assert.True(sweep.Status == "SUCCEEDED", $"{sweep.Status}: {sweep.Error}: {sweep.Cause}");
        var removed = JsonNode.Parse(sweep.Output!)!["removed"]!.AsArray();
        var side = Assert.Single(removed, r => r!["identifier"]!.GetValue<string>() == "pitr-" + name)!;
        Assert.Equal(stopped.Document.ExecutionArn, side["execution"]!.GetValue<string>());
        Assert.Equal("ABORTED", side["executionStatus"]!.GetValue<string>());
        Assert.Equal("none", side["finalSnapshot"]!.GetValue<string>());
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-" + name));
    }

    private async Task CreateTableAsync() => await RecoveryCloud.ExecuteAsync(env.Database, """
        DROP TABLE IF EXISTS jobs CASCADE;
        CREATE TABLE jobs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, title text NOT NULL);
        INSERT INTO jobs (title) SELECT 'job ' || g FROM generate_series(1, 50) g;
        """);
}
