using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Execution;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// Every flow, through the local cloud and its state machine file, refuses an input with a field it does not take at its
/// first state (<c>Check the input</c> → <c>Input refused</c>), naming the field, and runs nothing else: no other
/// function, no RDS instance, no notification, no audit event.
/// </summary>
public sealed class FlowInputRefusalTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>
{
    [Theory]
    [InlineData("PointInTimeRecoveryStateMachine", "point-in-time-recovery",
        """{"sourceInstance": "technician-marketplace", "restoreTime": "2026-11-26T14:29:00Z", "tables": ["jobs"], "database": "postgres"}""",
        "database: is not a field of the point-in-time-recovery flow's input: the flow recovers tables of the database the stack's secret names")]
    [InlineData("RestoreDatabaseStateMachine", "restore-database", """{"reason": "drill", "database": "postgres"}""",
        "database: is not a field of the restore-database flow's input: the flow restores the production database")]
    [InlineData("PostgresBackupStateMachine", "postgres-backup", """{"retentionTier": "daily", "tables": ["jobs"]}""",
        "tables: is not a field of the postgres-backup flow's input: a backup is always of the whole database")]
    [InlineData("ServiceHealthStateMachine", "service-health", """{"expectedStatus": 200, "database": "postgres"}""",
        "database: is not a field of the service-health flow's input; it takes url, expectedStatus")]
    [InlineData("SweepAbandonedInstancesStateMachine", "sweep-abandoned-instances", """{"database": "postgres"}""",
        "database: is not a field of the sweep-abandoned-instances flow's input; it takes no fields (send {})")]
    public async Task Flow_WhenTheInputHasAFieldItDoesNotTake_ShouldRefuseAtItsFirstStateAndRunNothingElse(
        string machine, string flow, string input, string message)
    {
        var instancesBefore = await InstanceIdentifiersAsync();
        var auditBefore = (await env.AuditTrailAsync()).Count;
        var messagesBefore = env.Cloud.Sns.Messages.Count;

        var execution = await env.Cloud.RunExecutionAsync(machine, input, "refused-" + flow);

        Assert.Equal(("FAILED", "InvalidInputException"), (execution.Status, execution.Error));
        Assert.StartsWith(message, JsonNode.Parse(execution.Cause!)!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        var view = new ExecutionDocumentView(execution);
        Assert.Equal(["Check the input", "Input refused"], view.StatesEntered(env));
        var scheduled = env.Cloud.Engine.GetExecutionHistory(execution.ExecutionArn).Where(e => e.Type == HistoryEventType.TaskScheduled).ToList();
        var task = Assert.Single(scheduled);
        var parameters = JsonNode.Parse(task.Parameters!)!;
        Assert.Equal(env.Cloud.Stack.Functions.Single(f => f.LogicalId == "CheckFlowInputFunction").Arn, parameters["FunctionName"]!.GetValue<string>());
        Assert.Equal(flow, parameters["Payload"]!["flow"]!.GetValue<string>());
        Assert.Equal(instancesBefore, await InstanceIdentifiersAsync());
        Assert.Equal(auditBefore, (await env.AuditTrailAsync()).Count);
        Assert.Equal(messagesBefore, env.Cloud.Sns.Messages.Count);
    }

    private async Task<List<string>> InstanceIdentifiersAsync()
    {
        var rds = await env.Cloud.GetRdsAsync();
        var result = await rds.CallAsync(env.Cloud.Stack.Region, "describeDBInstances", new JsonObject());
        return [.. result["DbInstances"]!.AsArray().Select(i => i!["DbInstanceIdentifier"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }
}
