using System.Text;
using System.Text.Json.Nodes;

namespace DisasterRecovery.RedisFlows.Tests;

/// <summary>
/// statemachines/restore-redis.asl.json on ElastiCache (RedisKind elasticache), end to end: the hourly ElastiCache backup flow
/// files a snapshot export in the catalog, RedisVerify verifies it, and restore-redis stages its RDB (RedisStage), creates a
/// new dr-* replication group from it (SnapshotArns), waits for it, checks it (RedisVerify restored-server) and reports; a failed
/// check deletes the group it created, never the production one.
/// </summary>
public sealed class RestoreRedisElastiCacheTests(RedisFlowCloud env) : IClassFixture<RedisFlowCloud>
{
    private const string Machine = "RestoreRedisStateMachine";

    [Fact]
    public async Task Restore_WhenTheGroupIsLost_ShouldCreateANewGroupFromTheVerifiedBackupAndLeaveProductionAlone()
    {
        var backupId = await BackUpAndVerifyAsync("restore-ec-ok");

        var execution = await env.RunAsync(Machine, new { switchApplication = false, reason = "test: the group is lost" }, "restore-ec-ok");

        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal(("elasticache", backupId), (output["kind"]!.GetValue<string>(), output["backupId"]!.GetValue<string>()));
        Assert.True(output["verification"]!["passed"]!.GetValue<bool>());
        Assert.False(output["application"]!["switched"]!.GetValue<bool>());
        var groupId = output["restored"]!["group"]!.GetValue<string>();
        Assert.StartsWith("dr-", groupId, StringComparison.Ordinal);
        var group = await env.WaitForGroupAsync(groupId);
        Assert.Equal("available", group["Status"]!.GetValue<string>());
        await using (var restored = await RedisFlowCloud.ConnectAsync(group))
        {
            Assert.Equal("Ada", (string?)await restored.GetDatabase(0).HashGetAsync("technician:7", "name"));
            Assert.Equal(21, (long)await restored.GetServer(restored.GetEndPoints()[0]).ExecuteAsync("DBSIZE"));
        }

        Assert.Empty(await env.KeysAsync("RedisStagingBucket", "restore/"));
        Assert.Equal("available", (await env.WaitForGroupAsync(RedisFlowCloud.ProductionGroup))["Status"]!.GetValue<string>());
        await env.ElastiCacheAsync("deleteReplicationGroup", new JsonObject { ["ReplicationGroupId"] = groupId });
    }

    [Fact]
    public async Task Restore_WhenTheNewGroupFailsVerification_ShouldDeleteItAndAuditTheFailure()
    {
        await BackUpAndVerifyAsync("restore-ec-bad");
        env.Cloud.Dispatcher.Faults.FailOnce("Verify The Restored Server", "BackupVerificationFailedException", "injected: db0 has fewer keys");

        var execution = await env.RunAsync(Machine, new { switchApplication = false, replicationGroupId = "dr-verify-fails" }, "restore-ec-bad");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("BackupVerificationFailedException", execution.Error);
        Assert.Contains("Delete The New Group After Failure", env.StatesEntered(execution.ExecutionArn));
        var groups = (await env.ElastiCacheAsync("describeReplicationGroups", new JsonObject()))["ReplicationGroups"]!.AsArray()
            .Where(g => g!["Status"]!.GetValue<string>() is not ("deleting" or "deleted")).Select(g => g!["ReplicationGroupId"]!.GetValue<string>());
        Assert.DoesNotContain("dr-verify-fails", groups);
        Assert.Contains(RedisFlowCloud.ProductionGroup, groups);
        Assert.Contains(await env.AuditEventsAsync(), e => e["actor"]?.GetValue<string>() == execution.ExecutionArn
            && e["result"]!.GetValue<string>() == "failed" && e["details"]!["kind"]!.GetValue<string>() == "restore-redis");
    }

    [Fact]
    public async Task Restore_WhenTheInputNamesTheProductionGroup_ShouldRefuseBeforeAnythingRuns()
    {
        var execution = await env.RunAsync(Machine, new { switchApplication = false, replicationGroupId = RedisFlowCloud.ProductionGroup }, "restore-ec-prod");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("InvalidInputException", execution.Error);
        Assert.StartsWith("replicationGroupId:", execution.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("Stage The Backup", env.StatesEntered(execution.ExecutionArn));
    }

    /// <summary>Production holds 20 technicians and a session; the ElastiCache backup flow files them; RedisVerify verifies that backup.</summary>
    private async Task<string> BackUpAndVerifyAsync(string run)
    {
        await using (var redis = await RedisFlowCloud.ConnectAsync(env.Production!))
        {
            var db0 = redis.GetDatabase(0);
            await db0.ExecuteAsync("FLUSHALL");
            for (var i = 0; i < 20; i++)
            {
                await db0.HashSetAsync($"technician:{i}", [new("name", i == 7 ? "Ada" : $"T{i}")]);
            }

            await db0.StringSetAsync("session:1", "x", TimeSpan.FromHours(5));
        }

        var backup = await env.RunAsync("RedisElastiCacheBackupStateMachine", new { }, "backup-for-" + run);
        Assert.True(backup.Status == "SUCCEEDED", $"{backup.Status}: {backup.Error}: {backup.Cause}");
        var backupId = JsonNode.Parse(backup.Output!)!["backup"]!["backupId"]!.GetValue<string>();
        var verify = await env.Cloud.Functions.InvokeAsync(env.Cloud.Functions.Find("RedisVerifyFunction"),
            Encoding.UTF8.GetBytes($$"""{"backupId":"{{backupId}}"}"""), CancellationToken.None);
        Assert.True(verify.Error is null, $"RedisVerify: {verify.Error?.ErrorType}: {verify.Error?.ErrorMessage}");
        return backupId;
    }
}
