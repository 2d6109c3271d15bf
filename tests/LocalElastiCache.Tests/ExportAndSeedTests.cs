using System.Text;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.LocalEmulation;
using StackExchange.Redis;

namespace DisasterRecovery.LocalElastiCache.Tests;

/// <summary>
/// Snapshots, the export to S3 (<c>&lt;TargetSnapshotName&gt;-0001.rdb</c>) and groups seeded from it: the keys of a seeded
/// group are the source's, value for value (<c>DUMP</c> byte-identical: same server version on both sides).
/// </summary>
public sealed class ExportAndSeedTests
{
    [Fact]
    public async Task CreateReplicationGroup_WhenSeededFromAnExportedSnapshot_ShouldHoldTheSourceKeysWithIdenticalDumps()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var source = await env.CreateGroupAsync("source");
        await using var sourceRedis = await ElastiCacheTestEnvironment.ConnectAsync(source);
        await WriteDatasetAsync(sourceRedis);
        var bucket = await env.CreateStagingBucketAsync();

        await env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "source", ["SnapshotName"] = "hourly-1" });
        Assert.Equal("available", (await env.WaitForSnapshotAsync("hourly-1"))["SnapshotStatus"]!.GetValue<string>());
        var export = await env.CallAsync("copySnapshot", new()
        {
            ["SourceSnapshotName"] = "hourly-1", ["TargetSnapshotName"] = "hourly-1-export", ["TargetBucket"] = bucket,
        });
        Assert.Equal("available", (await env.WaitForSnapshotAsync("hourly-1"))["SnapshotStatus"]!.GetValue<string>());
        var listed = await env.S3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        var target = await env.CreateGroupAsync("restored", new() { ["SnapshotArns"] = new JsonArray($"arn:aws:s3:::{bucket}/hourly-1-export-0001.rdb") });
        await using var targetRedis = await ElastiCacheTestEnvironment.ConnectAsync(target);

        Assert.Equal("hourly-1-export", export["Snapshot"]!["SnapshotName"]!.GetValue<string>());
        Assert.Equal(["hourly-1-export-0001.rdb"], listed.S3Objects.Select(o => o.Key));
        var expected = await DumpsAsync(sourceRedis);
        var actual = await DumpsAsync(targetRedis);
        Assert.Equal(expected.Keys, actual.Keys);
        Assert.All(expected, e => Assert.Equal(e.Key + "=" + e.Value, e.Key + "=" + actual[e.Key]));
    }

    [Fact]
    public async Task CreateReplicationGroup_WhenSeededFromASnapshotName_ShouldHoldTheSnapshotsKeys()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var source = await env.CreateGroupAsync("primary-cache");
        await using var sourceRedis = await ElastiCacheTestEnvironment.ConnectAsync(source);
        await WriteDatasetAsync(sourceRedis);

        await env.CallAsync("createSnapshot", new() { ["CacheClusterId"] = "primary-cache-001", ["SnapshotName"] = "of-node" });
        var snapshot = await env.WaitForSnapshotAsync("of-node");
        await sourceRedis.GetDatabase().StringSetAsync("after-snapshot", "not in it");
        var target = await env.CreateGroupAsync("from-name", new() { ["SnapshotName"] = "of-node" });
        await using var targetRedis = await ElastiCacheTestEnvironment.ConnectAsync(target);
        var sourceDumps = await DumpsAsync(sourceRedis);
        sourceDumps.Remove("0:after-snapshot");

        Assert.Equal("primary-cache-001", snapshot["CacheClusterId"]!.GetValue<string>());
        Assert.Equal(sourceDumps, await DumpsAsync(targetRedis));
    }

    [Fact]
    public async Task CopySnapshot_WhenTheBucketHasAclsDisabled_ShouldRefuseAsElastiCacheCannotBeGrantedAccess()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        await env.CreateGroupAsync("g");
        await env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "g", ["SnapshotName"] = "s" });
        await env.WaitForSnapshotAsync("s");
        var backupBucket = await env.S3.CreateBucketAsync(objectLock: true);

        var error = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("copySnapshot", new() { ["SourceSnapshotName"] = "s", ["TargetSnapshotName"] = "s", ["TargetBucket"] = backupBucket }));
        var listed = await env.S3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = backupBucket });

        Assert.Equal("InvalidParameterValueException", error.Code);
        Assert.Contains("has not been granted READ permissions", error.Message, StringComparison.Ordinal);
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task CopySnapshot_WhenTheObjectExistsOrTheBucketDoesNot_ShouldRefuseWithoutWriting()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        await env.CreateGroupAsync("g");
        await env.CallAsync("createSnapshot", new() { ["ReplicationGroupId"] = "g", ["SnapshotName"] = "s" });
        await env.WaitForSnapshotAsync("s");
        var bucket = await env.CreateStagingBucketAsync();
        await env.S3.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "taken-0001.rdb", ContentBody = "other" });

        var exists = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("copySnapshot", new() { ["SourceSnapshotName"] = "s", ["TargetSnapshotName"] = "taken", ["TargetBucket"] = bucket }));
        var missing = await Assert.ThrowsAsync<ServiceErrorException>(() =>
            env.CallAsync("copySnapshot", new() { ["SourceSnapshotName"] = "s", ["TargetSnapshotName"] = "x", ["TargetBucket"] = "no-such-bucket-here" }));
        using var kept = await env.S3.Client.GetObjectAsync(bucket, "taken-0001.rdb");
        using var reader = new StreamReader(kept.ResponseStream, Encoding.UTF8);

        Assert.Equal("InvalidParameterValueException", exists.Code);
        Assert.Contains("already contains an object with name taken-0001.rdb", exists.Message, StringComparison.Ordinal);
        Assert.Equal("InvalidParameterValueException", missing.Code);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
        Assert.Equal("other", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task CreateReplicationGroup_WhenTheSeedIsNotAnRdb_ShouldEndCreateFailed()
    {
        await using var env = await ElastiCacheTestEnvironment.StartAsync();
        var bucket = await env.CreateStagingBucketAsync();
        await env.S3.Client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "bad.rdb", ContentBody = "REDIS0099 not really" });

        await env.CallAsync("createReplicationGroup", new()
        {
            ["ReplicationGroupId"] = "bad-seed", ["ReplicationGroupDescription"] = "d", ["SnapshotArns"] = new JsonArray($"arn:aws:s3:::{bucket}/bad.rdb"),
        });
        var group = await env.WaitForGroupAsync("bad-seed");

        Assert.Equal("create-failed", group["Status"]!.GetValue<string>());
        Assert.Null(group["NodeGroups"]![0]!["PrimaryEndpoint"]);
    }

    /// <summary>Every type, binary keys and values, a TTL in milliseconds, databases 0 and 3, a stream with a consumer group.</summary>
    private static async Task WriteDatasetAsync(ConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        await db.StringSetAsync("string", "hello");
        await db.StringSetAsync("counter", 42);
        await db.StringSetAsync(new RedisKey(Encoding.Latin1.GetString([0, 255, 10, 13])), new byte[] { 0, 1, 2, 255 });
        await db.StringSetAsync("expiring", "soon", TimeSpan.FromMilliseconds(3_600_123));
        await db.ListRightPushAsync("list", ["a", "b", "c"]);
        await db.HashSetAsync("hash", [new HashEntry("f1", "v1"), new HashEntry("f2", "v2")]);
        await db.SetAddAsync("intset", [1, 2, 3]);
        await db.SetAddAsync("set", ["x", "y"]);
        await db.SortedSetAddAsync("zset", [new SortedSetEntry("m1", 1.5), new SortedSetEntry("m2", 2)]);
        await db.StreamAddAsync("stream", "field", "value");
        await db.StreamCreateConsumerGroupAsync("stream", "readers", "0");
        await db.StreamReadGroupAsync("stream", "readers", "consumer-1", ">");
        await redis.GetDatabase(3).StringSetAsync("in-db-3", "three");
    }

    /// <summary>
    /// "db:key" → DUMP payload (base64), for every key of databases 0 to 15; for a hashtable-encoded set or hash its sorted
    /// members instead: a hashtable's DUMP follows its iteration order, which depends on the process' random hash seed, so two
    /// servers holding the same set dump it differently.
    /// </summary>
    private static async Task<SortedDictionary<string, string>> DumpsAsync(ConnectionMultiplexer redis)
    {
        var server = redis.GetServers().Single();
        var dumps = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var database = 0; database < 16; database++)
        {
            var db = redis.GetDatabase(database);
            await foreach (var key in server.KeysAsync(database, pageSize: 1000))
            {
                dumps[$"{database}:{key}"] = await db.ExecuteAsync("OBJECT", "ENCODING", key) is var encoding && (string?)encoding == "hashtable"
                    ? await HashtableContentAsync(db, key)
                    : Convert.ToBase64String((await db.KeyDumpAsync(key))!);
            }
        }

        Assert.NotEmpty(dumps);
        return dumps;
    }

    private static async Task<string> HashtableContentAsync(IDatabase db, RedisKey key) =>
        await db.KeyTypeAsync(key) == RedisType.Set
            ? "set:" + string.Join(',', (await db.SetMembersAsync(key)).Select(m => (string?)m).Order(StringComparer.Ordinal))
            : "hash:" + string.Join(',', (await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal));
}
