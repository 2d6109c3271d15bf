using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalS3;
using DisasterRecovery.TestSupport;
using StackExchange.Redis;

namespace DisasterRecovery.LocalElastiCache.Tests;

/// <summary>
/// One test's world: a private state folder, a real local S3 server and an <see cref="ElastiCacheEmulator"/> whose nodes
/// are real redis-server processes. Calls go through <see cref="CallAsync"/>, which first validates the parameters against
/// the action's shape as the local cloud's dispatcher does. Disposing stops every node and deletes the folders.
/// </summary>
internal sealed class ElastiCacheTestEnvironment : IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string Account = "123456789012";

    private ElastiCacheTestEnvironment(string folder, LocalS3Host s3, ElastiCacheEmulator emulator)
    {
        Folder = folder;
        S3 = s3;
        Emulator = emulator;
    }

    public string Folder { get; }

    public LocalS3Host S3 { get; }

    public ElastiCacheEmulator Emulator { get; }

    public static async Task<ElastiCacheTestEnvironment> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dr-elasticache-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var s3 = await LocalS3Host.StartAsync(Path.Combine(folder, "s3"));
        var emulator = new ElastiCacheEmulator(new ElastiCacheEmulatorOptions
        {
            StateDirectory = Path.Combine(folder, "elasticache"),
            AccountId = Account,
            S3 = new S3Connection(s3.Server.Endpoint, LocalS3Host.AccessKeyId, LocalS3Host.SecretAccessKey, s3.Server.Region),
        });
        return new ElastiCacheTestEnvironment(folder, s3, emulator);
    }

    /// <summary>Validates as the dispatcher does (problems → an exception naming them), then calls the emulator.</summary>
    public async Task<JsonObject> CallAsync(string action, JsonObject parameters)
    {
        var problems = new List<string>();
        var shape = Emulator.InputShape(action) ?? throw new InvalidOperationException($"no action {action}");
        shape.Validate(parameters, string.Empty, problems);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }

        var context = new ServiceCallContext(TimeProvider.System, Region, Account, null, null);
        return (JsonObject)(await Emulator.InvokeAsync(action, parameters, context, CancellationToken.None))!;
    }

    /// <summary>Polls describeReplicationGroups (capped) until the group leaves "creating"; returns the group.</summary>
    public async Task<JsonObject> WaitForGroupAsync(string id)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var group = (JsonObject)(await CallAsync("describeReplicationGroups", new() { ["ReplicationGroupId"] = id }))["ReplicationGroups"]![0]!;
            if (group["Status"]!.GetValue<string>() is not ("creating" or "snapshotting" or "modifying"))
            {
                return group;
            }
        }

        throw new TimeoutException($"{id} stayed in progress");
    }

    /// <summary>Polls describeSnapshots (capped) until the snapshot is neither creating nor copying; returns it.</summary>
    public async Task<JsonObject> WaitForSnapshotAsync(string name)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var snapshot = (JsonObject)(await CallAsync("describeSnapshots", new() { ["SnapshotName"] = name }))["Snapshots"]![0]!;
            if (snapshot["SnapshotStatus"]!.GetValue<string>() is not ("creating" or "copying"))
            {
                return snapshot;
            }
        }

        throw new TimeoutException($"{name} stayed in progress");
    }

    /// <summary>Creates a group (optionally seeded) and waits until it is available.</summary>
    public async Task<JsonObject> CreateGroupAsync(string id, JsonObject? extra = null)
    {
        var parameters = new JsonObject { ["ReplicationGroupId"] = id, ["ReplicationGroupDescription"] = "test " + id };
        foreach (var (key, value) in extra ?? [])
        {
            parameters[key] = value?.DeepClone();
        }

        await CallAsync("createReplicationGroup", parameters);
        var group = await WaitForGroupAsync(id);
        Assert.Equal("available", group["Status"]!.GetValue<string>());
        return group;
    }

    /// <summary>A client connection to a described group's primary.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(JsonObject group, string? password = null)
    {
        var endpoint = group["NodeGroups"]![0]!["PrimaryEndpoint"]!;
        var options = new ConfigurationOptions
        {
            EndPoints = { { endpoint["Address"]!.GetValue<string>(), endpoint["Port"]!.GetValue<int>() } },
            Password = password,
            AllowAdmin = true,
            AbortOnConnectFail = true,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>A bucket ElastiCache could be granted access to: ACLs enabled (Object Ownership BucketOwnerPreferred).</summary>
    public async Task<string> CreateStagingBucketAsync()
    {
        var bucket = await S3.CreateBucketAsync();
        await S3.Client.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ObjectOwnership.BucketOwnerPreferred }] },
        });
        return bucket;
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await S3.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A node's last log line may still be written; the temp folder is cleaned by the system.
        }
    }
}
