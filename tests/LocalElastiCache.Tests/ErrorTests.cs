using System.Text.Json.Nodes;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalStepFunctions.Errors;

namespace DisasterRecovery.LocalElastiCache.Tests;

/// <summary>ElastiCache's errors, with the model's names, for what a flow may get wrong; nothing is created by a refused call.</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task Calls_WhenTheResourceDoesNotExist_ShouldFailWithTheNotFoundErrors()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();

        var group = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("describeReplicationGroups", new() { ["ReplicationGroupId"] = "nope" }));
        var delete = await Assert.ThrowsAsync<ServiceErrorException>(() => env.CallAsync("deleteReplicationGroup", new() { ["ReplicationGroupId"] = "nope" }));
        var snapshot = await Assert.ThrowsAsync<ServiceErrorException>(() => env.CallAsync("describeSnapshots", new() { ["SnapshotName"] = "nope" }));
        var copy = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("copySnapshot", new() { ["SourceSnapshotName"] = "nope", ["TargetSnapshotName"] = "t" }));
        var ofGroup = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "nope", ["SnapshotName"] = "s" }));
        var ofCluster = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("createSnapshot", new() { ["CacheClusterId"] = "nope-001", ["SnapshotName"] = "s" }));
        var seed = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("createReplicationGroup", new() { ["ReplicationGroupId"] = "g", ["ReplicationGroupDescription"] = "d", ["SnapshotName"] = "nope" }));

        Assert.Equal(
            ["ReplicationGroupNotFoundException", "ReplicationGroupNotFoundException", "SnapshotNotFoundException", "SnapshotNotFoundException",
                "ReplicationGroupNotFoundException", "CacheClusterNotFoundException", "SnapshotNotFoundException"],
            new[] { group, delete, snapshot, copy, ofGroup, ofCluster, seed }.Select(e => e.Code));
        Assert.Equal(404, group.StatusCode);
        Assert.Empty((await env.CallAsync("describeReplicationGroups", new()))["ReplicationGroups"]!.AsArray());
    }

    [Fact]
    public async Task Calls_WhenTheNameIsTakenOrTheStateIsWrong_ShouldFailWithElastiCachesFaults()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        await env.CreateGroupAsync("taken");
        await env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "taken", ["SnapshotName"] = "snap" });

        var group = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("createReplicationGroup", new() { ["ReplicationGroupId"] = "TAKEN", ["ReplicationGroupDescription"] = "d" }));
        var busy = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "taken", ["SnapshotName"] = "snap-2" }));
        await env.WaitForSnapshotAsync("snap");
        var snapshot = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "taken", ["SnapshotName"] = "snap" }));
        var final = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("deleteReplicationGroup", new() { ["ReplicationGroupId"] = "taken", ["FinalSnapshotIdentifier"] = "snap" }));

        Assert.Equal("ReplicationGroupAlreadyExistsException", group.Code);
        Assert.Equal("InvalidReplicationGroupStateException", busy.Code);
        Assert.Equal("SnapshotAlreadyExistsException", snapshot.Code);
        Assert.Equal("SnapshotAlreadyExistsException", final.Code);
        Assert.Equal("available", (await env.WaitForGroupAsync("taken"))["Status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("ReplicationGroupId", "1starts-with-a-digit", "ReplicationGroupId")]
    [InlineData("ReplicationGroupId", "two--hyphens", "ReplicationGroupId")]
    [InlineData("AuthToken", "short", "AuthToken")]
    [InlineData("NumCacheClusters", 7, "NumCacheClusters")]
    [InlineData("SnapshotArns", "s3://bucket/key.rdb", "SnapshotArns")]
    public async Task CreateReplicationGroup_WhenAFieldIsInvalid_ShouldFailNamingTheField(string field, object value, string named)
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var parameters = new JsonObject { ["ReplicationGroupId"] = "valid-id", ["ReplicationGroupDescription"] = "d" };
        parameters[field] = value switch
        {
            int number => JsonValue.Create(number),
            string text when field == "SnapshotArns" => new JsonArray(text),
            _ => JsonValue.Create((string)value),
        };

        var error = await Assert.ThrowsAsync<ServiceErrorException>(() => env.CallAsync("createReplicationGroup", parameters));

        Assert.Equal("InvalidParameterValueException", error.Code);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Empty((await env.CallAsync("describeReplicationGroups", new()))["ReplicationGroups"]!.AsArray());
    }

    [Fact]
    public async Task CreateReplicationGroup_WhenTheSeedObjectIsMissing_ShouldFailAtOnceNamingTheObject()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var bucket = await env.CreateStagingBucketAsync();

        var error = await Assert.ThrowsAsync<ServiceErrorException>(() => env.CallAsync("createReplicationGroup", new()
        {
            ["ReplicationGroupId"] = "g", ["ReplicationGroupDescription"] = "d", ["SnapshotArns"] = new JsonArray($"arn:aws:s3:::{bucket}/missing.rdb"),
        }));

        Assert.Equal("InvalidParameterValueException", error.Code);
        Assert.Contains($"{bucket}/missing.rdb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_WhenAFieldIsUnknownOrAFeatureIsNotEmulated_ShouldBeRefusedBeforeAnythingStarts()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() =>
            env.CallAsync("createReplicationGroup", new() { ["ReplicationGroupId"] = "g", ["ReplicationGroupDescription"] = "d", ["Shards"] = 2 }));
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => env.CallAsync("createReplicationGroup", new() { ["ReplicationGroupId"] = "g" }));
        var cluster = await Assert.ThrowsAsync<TaskFailedException>(() =>
            env.CallAsync("createReplicationGroup", new() { ["ReplicationGroupId"] = "g", ["ReplicationGroupDescription"] = "d", ["NumNodeGroups"] = 3 }));
        var tls = await Assert.ThrowsAsync<TaskFailedException>(() => env.CallAsync("createReplicationGroup", new()
        {
            ["ReplicationGroupId"] = "g", ["ReplicationGroupDescription"] = "d", ["TransitEncryptionEnabled"] = true,
        }));

        Assert.Contains("'Shards' is not supported", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'ReplicationGroupDescription' is required", missing.Message, StringComparison.Ordinal);
        Assert.Equal("States.Runtime", cluster.Error);
        Assert.Contains("Cluster mode", cluster.Cause, StringComparison.Ordinal);
        Assert.Contains("TransitEncryptionEnabled", tls.Cause, StringComparison.Ordinal);
    }
}
