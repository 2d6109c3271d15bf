using System.Text.Json.Nodes;

namespace DisasterRecovery.RedisFlows.Tests;

/// <summary>
/// statemachines/redis-elasticache-backup.asl.json through the local cloud (RedisKind elasticache): the hourly schedule's
/// input snapshots the production group, exports it to the staging bucket, RedisImport files the RDB in the catalog (keys per
/// database counted from the RDB itself) and the flow deletes its snapshot and the staged object; a failure at any step deletes
/// the snapshot, notifies, audits and fails, leaving no backup listed.
/// </summary>
public sealed class ElastiCacheBackupFlowTests(RedisFlowCloud env) : IClassFixture<RedisFlowCloud>
{
    private const string Machine = "RedisElastiCacheBackupStateMachine";

    [Fact]
    public async Task Backup_WhenTheHourlyScheduleRuns_ShouldFileTheExportInTheCatalogAndLeaveNothingBehind()
    {
        // Arrange: keys in two databases, one with a TTL far ahead; the schedule is the flow's and is enabled with this kind.
        await using (var redis = await RedisFlowCloud.ConnectAsync(env.Production!))
        {
            var db0 = redis.GetDatabase(0);
            await db0.ExecuteAsync("FLUSHALL");
            for (var i = 0; i < 40; i++)
            {
                await db0.StringSetAsync($"session:{i}", $"value-{i}");
            }

            await db0.StringSetAsync("ttl-key", "stays", TimeSpan.FromDays(2));
            await redis.GetDatabase(3).HashSetAsync("technician:7", [new("name", "Ada"), new("rating", 5)]);
        }

        var schedule = Assert.Single(env.Cloud.Stack.Schedules, s => s.TargetLogicalId == Machine);
        Assert.True(schedule.Enabled);
        Assert.False(Assert.Single(env.Cloud.Stack.Schedules, s => s.TargetLogicalId == "RedisBackupFunction").Enabled);

        // Act
        var execution = await env.RunAsync(Machine, JsonNode.Parse(schedule.Input ?? "{}")!, "hourly-ok");

        // Assert: the catalog has the backup with the RDB's own counts; the snapshot and the staged object are gone.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        var backup = output["backup"]!;
        Assert.Equal("dr-redis-hourly-ok", output["snapshotName"]!.GetValue<string>());
        Assert.Equal(42, backup["keys"]!.GetValue<long>());
        Assert.True(backup["stagedObjectDeleted"]!.GetValue<bool>());
        var manifest = await env.ReadJsonAsync("BackupBucket", backup["manifestKey"]!.GetValue<string>());
        Assert.Equal(backup["backupId"]!.GetValue<string>(), manifest["backupId"]!.GetValue<string>());
        Assert.Equal(execution.ExecutionArn, manifest["createdBy"]!.GetValue<string>());
        var contents = manifest["contents"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["count"]!.GetValue<long>());
        Assert.Equal(new Dictionary<string, long> { ["db0"] = 41, ["db3"] = 1 }, contents);
        var folder = backup["manifestKey"]!.GetValue<string>()[..backup["manifestKey"]!.GetValue<string>().LastIndexOf('/')];
        var info = await env.ReadJsonAsync("BackupBucket", folder + "/data/dump.info.json");
        Assert.Equal("export", info["transferMode"]!.GetValue<string>());
        Assert.Equal("dr-redis-hourly-ok", info["importedFrom"]!["snapshotName"]!.GetValue<string>());
        Assert.True(info["checksumVerified"]!.GetValue<bool>());
        Assert.DoesNotContain("dr-redis-hourly-ok", await env.SnapshotNamesAsync());
        Assert.DoesNotContain("dr-redis-hourly-ok-0001.rdb", await env.KeysAsync("RedisStagingBucket"));
        Assert.Equal("available", (await env.WaitForGroupAsync(RedisFlowCloud.ProductionGroup))["Status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Backup_WhenTheImportFails_ShouldDeleteTheSnapshotAuditNotifyAndListNoBackup()
    {
        var before = await env.KeysAsync("BackupBucket", "backups/redis/");
        env.Cloud.Dispatcher.Faults.FailOnce("Import The Export Into The Catalog", "RdbFormatException", "injected: the export is damaged");

        var execution = await env.RunAsync(Machine, new { retentionTier = "hourly" }, "hourly-import-fails");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("RdbFormatException", execution.Error);
        var entered = env.StatesEntered(execution.ExecutionArn);
        Assert.Contains("Delete The Snapshot After Failure", entered);
        Assert.DoesNotContain("dr-redis-hourly-import-fails", await env.SnapshotNamesAsync());

        // The staged export stays for inspection; the staging bucket's lifecycle expires it after a day.
        Assert.Contains("dr-redis-hourly-import-fails-0001.rdb", await env.KeysAsync("RedisStagingBucket"));
        Assert.Equal(before.Where(k => k.EndsWith("manifest.json", StringComparison.Ordinal)),
            (await env.KeysAsync("BackupBucket", "backups/redis/")).Where(k => k.EndsWith("manifest.json", StringComparison.Ordinal)));
        var message = Assert.Single(env.Cloud.Sns.Messages, m => m.ExecutionArn == execution.ExecutionArn);
        Assert.Equal("DR: Redis (ElastiCache) backup FAILED", message.Subject);
        Assert.Contains("RdbFormatException", message.Message, StringComparison.Ordinal);
        var audited = Assert.Single(await env.AuditEventsAsync(), e => e["actor"]?.GetValue<string>() == execution.ExecutionArn);
        Assert.Equal(("backup", "failed", "redis-elasticache-backup"),
            (audited["action"]!.GetValue<string>(), audited["result"]!.GetValue<string>(), audited["details"]!["kind"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Backup_WhenTheGroupDoesNotExist_ShouldFailNamingItAndDeleteNothingElse()
    {
        var snapshotsBefore = await env.SnapshotNamesAsync();

        var execution = await env.RunAsync(Machine, new { replicationGroupId = "no-such-group" }, "hourly-no-group");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("ElastiCache.ReplicationGroupNotFoundException", execution.Error);
        Assert.Equal(snapshotsBefore, await env.SnapshotNamesAsync());
        Assert.Contains("Audit The Failure", env.StatesEntered(execution.ExecutionArn));
    }

    [Fact]
    public async Task Backup_WhenTheInputHasAnUnknownField_ShouldBeRefusedBeforeAnySnapshot()
    {
        var snapshotsBefore = await env.SnapshotNamesAsync();

        var execution = await env.RunAsync(Machine, new { snapshotName = "mine" }, "hourly-refused");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("InvalidInputException", execution.Error);
        Assert.Contains("snapshotName", execution.Cause, StringComparison.Ordinal);
        Assert.Equal(["Check the input", "Input refused"], env.StatesEntered(execution.ExecutionArn));
        Assert.Equal(snapshotsBefore, await env.SnapshotNamesAsync());
    }
}
