using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.LocalEcs;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// statemachines/postgres-backup.asl.json through the local cloud (samconfig's local environment: the Fargate job network is
/// configured, tasks run through the ECS emulator as local processes): PostgresAssess's estimate chooses Lambda for a
/// small database and the output says so and why; an input that asks for Fargate runs the same job as a task and returns
/// its result; a failed backup on either runner is notified, audited and named by the job's own error.
/// </summary>
public sealed class PostgresBackupFlowTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>, IAsyncLifetime
{
    private const string Machine = "PostgresBackupStateMachine";
    private const string Failed = "DR: PostgreSQL backup FAILED";

    public Task InitializeAsync() => RecoveryCloud.ExecuteAsync(env.Database, """
        CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, amount numeric(10,2) NOT NULL);
        INSERT INTO invoices SELECT g, g * 1.5 FROM generate_series(1, 300) g ON CONFLICT DO NOTHING;
        """);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Backup_WhenTheDatabaseIsSmall_ShouldRunOnLambdaAndSayWhy()
    {
        // Act: what the 02:00 UTC schedule sends.
        var schedule = env.Cloud.Stack.Schedules.Single(s => s.TargetLogicalId == Machine);
        var execution = new ExecutionDocumentView(await env.RunAsync(Machine, JsonNode.Parse(schedule.Input ?? "{}")!, "backup-small"));

        // Assert: PostgresBackup's result, the runner and the estimate's reason; the backup is in the catalog, by this execution.
        Assert.True(execution.Document.Status == "SUCCEEDED", $"{execution.Document.Status}: {execution.Document.Error}: {execution.Document.Cause}");
        var output = JsonNode.Parse(execution.Document.Output!)!;
        Assert.Equal("lambda", output["runner"]!.GetValue<string>());
        var reason = output["reason"]!.GetValue<string>();
        Assert.StartsWith("lambda: ", reason, StringComparison.Ordinal);
        Assert.Contains("fits PostgresBackup's 900 s timeout", reason, StringComparison.Ordinal);
        Assert.Equal(300, output["rows"]!.GetValue<long>());
        Assert.Contains("Back Up In Lambda", execution.StatesEntered(env));
        Assert.DoesNotContain("Back Up In A Fargate Task", execution.StatesEntered(env));
        var manifest = await ReadBackupObjectAsync(output["manifestKey"]!.GetValue<string>());
        Assert.Equal(output["backupId"]!.GetValue<string>(), manifest["backupId"]!.GetValue<string>());
        Assert.Equal(execution.Document.ExecutionArn, manifest["createdBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Backup_WhenLambdaIsAskedFor_ShouldRunThereAndSayTheInputChoseIt()
    {
        var execution = await env.RunAsync(Machine, new { runner = "lambda", retentionTier = "weekly" }, "backup-asked-lambda");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal(("lambda", "weekly"), (output["runner"]!.GetValue<string>(), output["retentionTier"]!.GetValue<string>()));
        Assert.StartsWith("lambda: the input asked for it (the estimate said lambda: ", output["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backup_WhenFargateIsAskedFor_ShouldRunTheSameJobAsATaskAndReturnItsResult()
    {
        // Act: the stack has the job network (samconfig's local environment), so the task runs, as a local process.
        var ecs = env.Cloud.Emulators.Get<EcsEmulator>();
        var tasksBefore = ecs.Tasks.Keys.ToHashSet(StringComparer.Ordinal);
        var execution = new ExecutionDocumentView(await env.RunAsync(Machine, new { runner = "fargate" }, "backup-on-fargate"));

        // Assert: PostgresBackup's own result, read back from the job's result object, and the runner that ran it.
        Assert.True(execution.Document.Status == "SUCCEEDED", $"{execution.Document.Status}: {execution.Document.Error}: {execution.Document.Cause}");
        var output = JsonNode.Parse(execution.Document.Output!)!;
        Assert.Equal("fargate", output["runner"]!.GetValue<string>());
        Assert.StartsWith("fargate: the input asked for it (the estimate said lambda: ", output["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(300, output["rows"]!.GetValue<long>());
        Assert.Contains("Back Up In A Fargate Task", execution.StatesEntered(env));
        Assert.DoesNotContain("Back Up In Lambda", execution.StatesEntered(env));
        var task = Assert.Single(ecs.Tasks.Values, t => !tasksBefore.Contains(t.TaskArn));
        Assert.Equal("PostgresBackupTask", task.Definition.LogicalId);
        Assert.Equal(0, Assert.Single(task.Containers).ExitCode);
        var manifest = await ReadBackupObjectAsync(output["manifestKey"]!.GetValue<string>());
        Assert.Equal(output["backupId"]!.GetValue<string>(), manifest["backupId"]!.GetValue<string>());
        Assert.Equal(execution.Document.ExecutionArn, manifest["createdBy"]!.GetValue<string>());
        var result = await ReadBackupObjectAsync("jobs/backup-on-fargate/backup.json");
        Assert.Equal(output["backupId"]!.GetValue<string>(), result["result"]!["backupId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Backup_WhenTheFargateJobFails_ShouldFailWithTheErrorTheJobReportedNotifyAndAudit()
    {
        var backupsBefore = await BackupCountAsync();

        var execution = new ExecutionDocumentView(await env.RunAsync(Machine, new { runner = "fargate", retentionTier = "hourly" }, "backup-task-fails"));

        // The task exited 1 (States.TaskFailed); the flow names the job's own error, as the Lambda path would.
        Assert.Equal(("FAILED", "InvalidInputException"), (execution.Document.Status, execution.Document.Error));
        Assert.Contains("retentionTier: must be auto, daily, weekly or monthly, was 'hourly'", execution.Document.Cause, StringComparison.Ordinal);
        Assert.Contains("Read The Task's Error", execution.StatesEntered(env));
        Assert.Contains(env.Cloud.Sns.Messages, m => m.Subject == Failed && m.Message.Contains("backup-task-fails", StringComparison.Ordinal));
        Assert.Contains("backup:failed:postgres-backup", await env.AuditTrailAsync());
        Assert.Equal(backupsBefore, await BackupCountAsync());
    }

    [Theory]
    [InlineData("""{"runner": "ec2"}""", "runner: must be one of lambda, fargate, was 'ec2'")]
    [InlineData("""{"runner": 1}""", "runner: must be a string, was a number (1)")]
    [InlineData("""{"source": 7}""", "source: must be a string, was a number (7)")]
    public async Task Backup_WhenAFieldTheFlowReadsIsBad_ShouldRejectItNamingTheField(string input, string message)
    {
        var execution = new ExecutionDocumentView(await env.Cloud.RunExecutionAsync(Machine, input));

        // The flow's first state refuses it (CheckFlowInput), before the flow's own checks.
        Assert.Equal(("FAILED", "InvalidInputException"), (execution.Document.Status, execution.Document.Error));
        Assert.Equal(message, JsonNode.Parse(execution.Document.Cause!)!["errorMessage"]!.GetValue<string>());
        Assert.Equal(["Check the input", "Input refused"], execution.StatesEntered(env));
    }

    [Fact]
    public async Task Backup_WhenPostgresBackupRefusesTheRequest_ShouldNotifyAuditAndFailWithItsError()
    {
        var execution = await env.RunAsync(Machine, new { retentionTier = "hourly" }, "backup-bad-tier");

        Assert.Equal(("FAILED", "InvalidInputException"), (execution.Status, execution.Error));
        Assert.Contains("retentionTier: must be auto, daily, weekly or monthly, was 'hourly'", execution.Cause, StringComparison.Ordinal);
        Assert.Contains(env.Cloud.Sns.Messages, m => m.Subject == Failed && m.Message.Contains("backup-bad-tier", StringComparison.Ordinal));
        Assert.Contains("backup:failed:postgres-backup", await env.AuditTrailAsync());
    }

    /// <summary>An object of the backup bucket, as JSON.</summary>
    private async Task<JsonNode> ReadBackupObjectAsync(string key)
    {
        using var s3 = env.Cloud.S3!.CreateClient();
        using var response = await s3.GetObjectAsync(BackupBucket, key);
        return JsonNode.Parse(response.ResponseStream)!;
    }

    /// <summary>How many backups the catalog holds (manifests under backups/).</summary>
    private async Task<int> BackupCountAsync()
    {
        using var s3 = env.Cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = BackupBucket, Prefix = "backups/" });
        return (listing.S3Objects ?? []).Count(o => o.Key.EndsWith("/manifest.json", StringComparison.Ordinal));
    }

    private string BackupBucket => env.Cloud.Stack.Buckets.Single(b => b.LogicalId == "BackupBucket").BucketName;
}
