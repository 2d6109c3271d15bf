using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.LocalCloud.Platform;
using StackExchange.Redis;

namespace DisasterRecovery.RedisFlows.Tests;

/// <summary>
/// statemachines/restore-redis.asl.json on a self-managed Redis, end to end: the hourly backup (RedisBackup) verified
/// (RedisVerify), the production keys lost, and the flow restores the newest verified backup into the new server the input
/// names (a fresh redis-server), verifies it, switches the backend-redis ConfigMap to it, restarts the backend and finds the
/// platform healthy; a refused input and a failed verification change nothing the flow did not create.
/// </summary>
public sealed class RestoreRedisSelfManagedTests(SelfManagedRedisCloud env) : IClassFixture<SelfManagedRedisCloud>
{
    private const string Machine = "RestoreRedisStateMachine";

    [Fact]
    public async Task Restore_WhenTheProductionKeysAreLost_ShouldFillTheNewServerSwitchTheApplicationAndReport()
    {
        // Arrange: production keys in databases 0 and 5 (one with a TTL), backed up and verified; then lost.
        var servers = SelfManagedRedisCloud.Servers;
        await using var production = await ConnectAsync(servers.RedisPort, servers.RedisPassword);
        await production.GetServer(servers.RedisHost, servers.RedisPort).FlushAllDatabasesAsync();
        var db0 = production.GetDatabase(0);
        for (var i = 0; i < 50; i++)
        {
            await db0.HashSetAsync($"technician:{i}", [new("name", $"T{i}"), new("rating", i % 5)]);
        }

        await db0.StringSetAsync("session:ttl", "soon", TimeSpan.FromHours(3));
        await production.GetDatabase(5).ListRightPushAsync("jobs:queue", ["a", "b", "c"]);
        var backup = await InvokeAsync("RedisBackupFunction", "{}");
        var backupId = backup["backupId"]!.GetValue<string>();
        await InvokeAsync("RedisVerifyFunction", $$"""{"backupId":"{{backupId}}"}""");
        await db0.KeyDeleteAsync([.. Enumerable.Range(0, 50).Select(i => (RedisKey)$"technician:{i}")]);
        await using var newServer = await DrillRedisServer.StartAsync(servers.RedisPassword, CancellationToken.None);
        // The platform's database side healthy too: its ConfigMap on the local cluster's postgres database (the drill makes the marketplace one).
        env.Cloud.Eks.ApplyConfigMap(PlatformEmulators.Namespace, DatabaseConfigMap.Name, DatabaseConfigMap.DataFor(servers, "postgres"));
        env.Cloud.Eks.RestartDeployment(PlatformEmulators.Namespace, PlatformEmulators.Deployment);
        await using var standIn = await LocalPlatformStandIn.StartAsync(servers, LocalPlatformState.Of(env.Cloud));

        // Act
        var execution = await env.RunAsync(Machine, new
        {
            kind = "self-managed",
            target = new { secretId = PlatformEmulators.RedisSecretId, host = "127.0.0.1", port = newServer.Port },
            healthUrl = standIn.HealthUrl.ToString(),
            reason = "test: technician profiles lost",
        }, "restore-self-managed");

        // Assert: the new server holds the backup, the application uses it and is healthy, the run is reported and audited.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal(backupId, output["backupId"]!.GetValue<string>());
        Assert.Equal("flush-first", output["restore"]!["mode"]!.GetValue<string>());
        Assert.True(output["verification"]!["passed"]!.GetValue<bool>());
        Assert.True(output["application"]!["switched"]!.GetValue<bool>());
        Assert.True(output["assessment"]!["reachable"]!.GetValue<bool>());
        Assert.Equal((30, 60), (output["rtoMinutes"]!.GetValue<int>(), output["rpoMinutes"]!.GetValue<int>()));
        await using (var restored = await ConnectAsync(newServer.Port, servers.RedisPassword))
        {
            var db = restored.GetDatabase(0);
            Assert.Equal("T7", (string?)await db.HashGetAsync("technician:7", "name"));
            Assert.Equal(51L, (long)(await restored.GetServer("127.0.0.1", newServer.Port).ExecuteAsync("DBSIZE")));
            Assert.InRange((await db.KeyTimeToLiveAsync("session:ttl"))!.Value, TimeSpan.FromHours(2), TimeSpan.FromHours(3));
            Assert.Equal(["a", "b", "c"], (await restored.GetDatabase(5).ListRangeAsync("jobs:queue")).Select(v => v.ToString()));
        }

        var configMap = env.Cloud.Eks.ConfigMap(PlatformEmulators.Namespace, RedisConfigMap.Name)!;
        Assert.Equal(newServer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), configMap["data"]!["REDIS_PORT"]!.GetValue<string>());
        Assert.Equal(execution.ExecutionArn, configMap["metadata"]!["annotations"]!["dr.marketplace/redis-switched-by"]!.GetValue<string>());
        Assert.Contains(servers.RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            configMap["metadata"]!["annotations"]!["dr.marketplace/redis-previous"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", env.Cloud.Eks.ConfigMapInUse(PlatformEmulators.Namespace, PlatformEmulators.Deployment, RedisConfigMap.Name)!["REDIS_HOST"]);
        Assert.Equal(newServer.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            env.Cloud.Eks.ConfigMapInUse(PlatformEmulators.Namespace, PlatformEmulators.Deployment, RedisConfigMap.Name)!["REDIS_PORT"]);
        var audited = (await env.AuditEventsAsync()).Where(e => e["details"]?["kind"]?.GetValue<string>() == "restore-redis")
            .Select(e => $"{e["action"]}:{e["result"]}").ToList();
        Assert.Equal(["restore:started", "restore:succeeded"], audited.Order(StringComparer.Ordinal));
        Assert.Contains(env.Cloud.Sns.Messages, m => m.ExecutionArn == execution.ExecutionArn && m.Subject == "DR: Redis restored");
        Assert.DoesNotContain(servers.RedisPassword, execution.Output!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_WhenNoTargetServerIsGiven_ShouldRefuseBeforeAnythingRuns()
    {
        var execution = await env.RunAsync(Machine, new { switchApplication = false }, "restore-no-target");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("InvalidInputException", execution.Error);
        Assert.StartsWith("target:", execution.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("Assess The Current Server", env.StatesEntered(execution.ExecutionArn));
    }

    [Fact]
    public async Task Restore_WhenTheRestoredServerFailsVerification_ShouldNotSwitchTheApplicationAndShouldAuditTheFailure()
    {
        var servers = SelfManagedRedisCloud.Servers;
        await using var production = await ConnectAsync(servers.RedisPort, servers.RedisPassword);
        await production.GetDatabase(0).StringSetAsync("kept", "yes");
        var backup = await InvokeAsync("RedisBackupFunction", "{}");
        await InvokeAsync("RedisVerifyFunction", $$"""{"backupId":"{{backup["backupId"]}}"}""");
        await using var newServer = await DrillRedisServer.StartAsync(servers.RedisPassword, CancellationToken.None);
        var configMapBefore = env.Cloud.Eks.ConfigMap(PlatformEmulators.Namespace, RedisConfigMap.Name)!["data"]!.ToJsonString();
        env.Cloud.Dispatcher.Faults.FailOnce("Verify The Restored Server", "BackupVerificationFailedException", "injected: db0 has fewer keys");

        var execution = await env.RunAsync(Machine, new
        {
            kind = "self-managed",
            target = new { secretId = PlatformEmulators.RedisSecretId, host = "127.0.0.1", port = newServer.Port },
            healthUrl = "http://127.0.0.1:9/health",
        }, "restore-verify-fails");

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("BackupVerificationFailedException", execution.Error);
        var entered = env.StatesEntered(execution.ExecutionArn);
        Assert.DoesNotContain("Write The New Redis Endpoint", entered);
        Assert.DoesNotContain("Delete The New Group After Failure", entered);
        Assert.Equal(configMapBefore, env.Cloud.Eks.ConfigMap(PlatformEmulators.Namespace, RedisConfigMap.Name)!["data"]!.ToJsonString());
        Assert.Contains(env.Cloud.Sns.Messages, m => m.ExecutionArn == execution.ExecutionArn && m.Subject == "DR: Redis restore FAILED");
        Assert.Contains(await env.AuditEventsAsync(), e => e["actor"]?.GetValue<string>() == execution.ExecutionArn
            && e["result"]!.GetValue<string>() == "failed" && e["details"]!["kind"]!.GetValue<string>() == "restore-redis");
    }

    [Fact]
    public async Task Restore_WhenTheNewestBackupIsNotVerifiedYet_ShouldVerifyItFirstAndRestoreIt()
    {
        // Arrange: a verified backup of generation "old", then an hourly backup of "new" that the daily verification has not seen.
        var servers = SelfManagedRedisCloud.Servers;
        await using var production = await ConnectAsync(servers.RedisPort, servers.RedisPassword);
        var db0 = production.GetDatabase(0);
        await db0.StringSetAsync("generation", "old");
        var older = await InvokeAsync("RedisBackupFunction", "{}");
        await InvokeAsync("RedisVerifyFunction", $$"""{"backupId":"{{older["backupId"]}}"}""");
        await db0.StringSetAsync("generation", "new");
        var newest = (await InvokeAsync("RedisBackupFunction", "{}"))["backupId"]!.GetValue<string>();
        await using var newServer = await DrillRedisServer.StartAsync(servers.RedisPassword, CancellationToken.None);

        // Act
        var execution = await RunWithoutSwitchingAsync(newServer.Port, "restore-newest-unverified");

        // Assert: the newest backup was verified by the run and is the one restored (data at risk an hour at most, not a day).
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        Assert.Contains("Verify The Newest Backup", env.StatesEntered(execution.ExecutionArn));
        Assert.Equal(newest, JsonNode.Parse(execution.Output!)!["backupId"]!.GetValue<string>());
        await using var restored = await ConnectAsync(newServer.Port, servers.RedisPassword);
        Assert.Equal("new", (string?)await restored.GetDatabase(0).StringGetAsync("generation"));
    }

    [Fact]
    public async Task Restore_WhenTheNewestBackupFailsItsVerification_ShouldRestoreTheNewestVerifiedOne()
    {
        // Arrange
        var servers = SelfManagedRedisCloud.Servers;
        await using var production = await ConnectAsync(servers.RedisPort, servers.RedisPassword);
        var db0 = production.GetDatabase(0);
        await db0.StringSetAsync("generation", "good");
        var good = (await InvokeAsync("RedisBackupFunction", "{}"))["backupId"]!.GetValue<string>();
        await InvokeAsync("RedisVerifyFunction", $$"""{"backupId":"{{good}}"}""");
        await db0.StringSetAsync("generation", "unchecked");
        await InvokeAsync("RedisBackupFunction", "{}");
        await using var newServer = await DrillRedisServer.StartAsync(servers.RedisPassword, CancellationToken.None);
        env.Cloud.Dispatcher.Faults.FailOnce("Verify The Newest Backup", "BackupVerificationFailedException", "injected: rdb-format failed");

        // Act
        var execution = await RunWithoutSwitchingAsync(newServer.Port, "restore-newest-fails-verify");

        // Assert: the last good backup is restored, never the unchecked one.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        Assert.Equal(good, JsonNode.Parse(execution.Output!)!["backupId"]!.GetValue<string>());
        await using var restored = await ConnectAsync(newServer.Port, servers.RedisPassword);
        Assert.Equal("good", (string?)await restored.GetDatabase(0).StringGetAsync("generation"));
    }

    private Task<DisasterRecovery.LocalSfn.ExecutionDocument> RunWithoutSwitchingAsync(int port, string name) => env.RunAsync(Machine, new
    {
        kind = "self-managed",
        target = new { secretId = PlatformEmulators.RedisSecretId, host = "127.0.0.1", port },
        switchApplication = false,
        healthUrl = "http://127.0.0.1:9/health",
    }, name);

    private async Task<JsonNode> InvokeAsync(string function, string payload)
    {
        var result = await env.Cloud.Functions.InvokeAsync(env.Cloud.Functions.Find(function), Encoding.UTF8.GetBytes(payload), CancellationToken.None);
        Assert.True(result.Error is null, $"{function} failed: {result.Error?.ErrorType}: {result.Error?.ErrorMessage}\n{string.Join('\n', result.LogLines)}");
        return JsonNode.Parse(result.Output!)!;
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(int port, string password) => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { { "127.0.0.1", port } },
        Password = password,
        AllowAdmin = true,
    });
}
