using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace DisasterRecovery.LocalElastiCache.Tests;

/// <summary>Replication groups over real redis-server processes: create, describe's progress, data, replicas, AUTH, delete.</summary>
public sealed class ReplicationGroupTests
{
    [Fact]
    public async Task CreateReplicationGroup_WhenDescribedUntilAvailable_ShouldShowCreatingOnceThenServeRedisOnItsEndpoint()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();

        var created = await env.CallAsync("createReplicationGroup", new() { ["ReplicationGroupId"] = "Orders", ["ReplicationGroupDescription"] = "orders" });
        var first = await env.CallAsync("describeReplicationGroups", new() { ["ReplicationGroupId"] = "orders" });
        var group = await env.WaitForGroupAsync("orders");
        await using var redis = await ElastiCacheTestEnvironment.ConnectAsync(group);
        await redis.GetDatabase().StringSetAsync("k", "v");

        Assert.Equal("creating", created["ReplicationGroup"]!["Status"]!.GetValue<string>());
        Assert.Equal("orders", created["ReplicationGroup"]!["ReplicationGroupId"]!.GetValue<string>());
        Assert.Equal("creating", first["ReplicationGroups"]![0]!["Status"]!.GetValue<string>());
        Assert.Equal("available", group["Status"]!.GetValue<string>());
        Assert.Equal(["orders-001"], group["MemberClusters"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders", group["Arn"]!.GetValue<string>());
        Assert.Equal("v", (string?)await redis.GetDatabase().StringGetAsync("k"));
    }

    [Fact]
    public async Task CreateReplicationGroup_WhenTwoCacheClustersAndAnAuthToken_ShouldReplicateToTheReplicaRequireThePasswordAndKeepItOutOfNodeFiles()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        const string token = "a-long-enough-token-0123";

        var group = await env.CreateGroupAsync("sessions", new() { ["NumCacheClusters"] = 2, ["AuthToken"] = token, ["AutomaticFailoverEnabled"] = true });
        await using (var primary = await ElastiCacheTestEnvironment.ConnectAsync(group, token))
        {
            await primary.GetDatabase().StringSetAsync("session", "s1");
            await primary.GetDatabase().ExecuteAsync("WAIT", 1, 5000);
        }

        var reader = group["NodeGroups"]![0]!["ReaderEndpoint"]!;
        var replicaOptions = new ConfigurationOptions { EndPoints = { { "127.0.0.1", reader["Port"]!.GetValue<int>() } }, Password = token };
        await using var replica = await ConnectionMultiplexer.ConnectAsync(replicaOptions);
        var withoutPassword = new ConfigurationOptions { EndPoints = { { "127.0.0.1", reader["Port"]!.GetValue<int>() } }, AbortOnConnectFail = false };
        await using var anonymous = await ConnectionMultiplexer.ConnectAsync(withoutPassword);

        var filesWithToken = Directory.EnumerateFiles(env.Emulator.StateDirectory, "*", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains(token, StringComparison.Ordinal)).Select(Path.GetFileName);
        var stateMode = OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(Path.Combine(env.Emulator.StateDirectory, "state.json"));

        Assert.Equal(["state.json"], filesWithToken);
        Assert.Equal(OperatingSystem.IsWindows() ? UnixFileMode.None : UnixFileMode.UserRead | UnixFileMode.UserWrite, stateMode);
        Assert.DoesNotContain(token, group.ToJsonString(), StringComparison.Ordinal);
        Assert.True(group["AuthTokenEnabled"]!.GetValue<bool>());
        Assert.Equal("enabled", group["AutomaticFailover"]!.GetValue<string>());
        Assert.Equal(["primary", "replica"], group["NodeGroups"]![0]!["NodeGroupMembers"]!.AsArray().Select(m => m!["CurrentRole"]!.GetValue<string>()));
        Assert.Equal("s1", (string?)await replica.GetDatabase().StringGetAsync("session"));
        await Assert.ThrowsAnyAsync<RedisException>(() => anonymous.GetDatabase().StringGetAsync("session"));
    }

    [Fact]
    public async Task DeleteReplicationGroup_WhenGivenAFinalSnapshot_ShouldShowDeletingThenBeGoneAndKeepTheSnapshot()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var group = await env.CreateGroupAsync("catalog");
        await using (var redis = await ElastiCacheTestEnvironment.ConnectAsync(group))
        {
            await redis.GetDatabase().StringSetAsync("item", "1");
        }

        var deleting = await env.CallAsync("deleteReplicationGroup", new()
        {
            ["ReplicationGroupId"] = "catalog", ["FinalSnapshotIdentifier"] = "catalog-final",
        });
        var first = await env.CallAsync("describeReplicationGroups", new() { ["ReplicationGroupId"] = "catalog" });
        var snapshot = await env.WaitForSnapshotAsync("catalog-final");
        var gone = await Record.ExceptionAsync(async () =>
        {
            for (var attempt = 0; attempt < 30; attempt++)
            {
                await env.CallAsync("describeReplicationGroups", new() { ["ReplicationGroupId"] = "catalog" });
            }
        });

        Assert.Equal("deleting", deleting["ReplicationGroup"]!["Status"]!.GetValue<string>());
        Assert.Equal("deleting", first["ReplicationGroups"]![0]!["Status"]!.GetValue<string>());
        Assert.Equal("available", snapshot["SnapshotStatus"]!.GetValue<string>());
        Assert.Equal("catalog", snapshot["ReplicationGroupId"]!.GetValue<string>());
        Assert.Equal("ReplicationGroupNotFoundException", Assert.IsType<DisasterRecovery.LocalEmulation.ServiceErrorException>(gone).Code);
        Assert.Empty(Directory.GetDirectories(Path.Combine(env.Emulator.StateDirectory, "nodes")));
    }

    [Fact]
    public async Task Tags_WhenAddedToAGroupAndASnapshot_ShouldBeListedByArn()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var group = await env.CreateGroupAsync("tagged", new() { ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "dr:flow", ["Value"] = "restore" }) });
        var arn = group["Arn"]!.GetValue<string>();

        var added = await env.CallAsync("addTagsToResource", new()
        {
            ["ResourceName"] = arn,
            ["Tags"] = new JsonArray(
                new JsonObject { ["Key"] = "dr:lifecycle", ["Value"] = "temporary" },
                new JsonObject { ["Key"] = "dr:flow", ["Value"] = "x" }),
        });
        var listed = await env.CallAsync("listTagsForResource", new() { ["ResourceName"] = arn });

        Assert.Equal(added.ToJsonString(), listed.ToJsonString());
        Assert.Equal(
            ["dr:flow=x", "dr:lifecycle=temporary"],
            listed["TagList"]!.AsArray().Select(t => $"{t!["Key"]}={t["Value"]}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DisposeAsync_WhenTheEmulatorIsOpenedAgainOnItsFolder_ShouldStartTheGroupWithItsData()
    {
        var env = await ElastiCacheTestEnvironment.StartAsync();
        await using var _ = env;
        var group = await env.CreateGroupAsync("durable");
        await using (var redis = await ElastiCacheTestEnvironment.ConnectAsync(group))
        {
            await redis.GetDatabase().StringSetAsync("kept", "yes");
        }

        await env.Emulator.DisposeAsync();
        await using var reopened = new ElastiCacheEmulator(new ElastiCacheEmulatorOptions
        {
            StateDirectory = env.Emulator.StateDirectory, AccountId = ElastiCacheTestEnvironment.Account,
        });
        var context = new DisasterRecovery.LocalEmulation.ServiceCallContext(TimeProvider.System, "us-east-1", ElastiCacheTestEnvironment.Account, null, null);
        var described = (await reopened.InvokeAsync(
            "describeReplicationGroups", new() { ["ReplicationGroupId"] = "durable" }, context, CancellationToken.None))!;
        var again = (JsonObject)described["ReplicationGroups"]![0]!;
        await using var redisAgain = await ElastiCacheTestEnvironment.ConnectAsync(again);

        Assert.Equal("available", again["Status"]!.GetValue<string>());
        Assert.Equal("yes", (string?)await redisAgain.GetDatabase().StringGetAsync("kept"));
    }
}
