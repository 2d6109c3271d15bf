using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.LocalCloud;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;
using StackExchange.Redis;

namespace DisasterRecovery.RedisFlows.Tests;

/// <summary>
/// One local cloud over the repository's template.yaml for a test class, protecting Redis on ElastiCache (RedisKind
/// elasticache): the production replication group <see cref="ProductionGroup"/> is a real redis-server the ElastiCache emulator
/// started, filled by the test. Executions run on a virtual clock; the functions and the servers do real work.
/// </summary>
public class RedisFlowCloud : IAsyncLifetime
{
    public const string ProductionGroup = "prod-redis";

    /// <summary>The production group's AUTH token, which the stack's Redis secret holds as its password.</summary>
    public const string ProductionToken = "production-token-0123456789";

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "dr-redis-flows", Guid.NewGuid().ToString("N"));

    public LocalCloudHost Cloud { get; private set; } = null!;

    /// <summary>The stack parameters: the EKS settings the flows need (the emulator checks neither) and the Redis kind.</summary>
    protected virtual IReadOnlyDictionary<string, string> StackParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EksEndpoint"] = "https://local-eks.invalid",
        ["EksCertificateAuthority"] = "TG9jYWwgRUtTIGVtdWxhdG9y",
        ["RedisKind"] = "elasticache",
        ["ElastiCacheReplicationGroupId"] = ProductionGroup,
    };

    /// <summary>Whether the fixture creates <see cref="ProductionGroup"/>.</summary>
    protected virtual bool CreatesProductionGroup => true;

    /// <summary>The production group as described once available (its primary's endpoint).</summary>
    public JsonObject? Production { get; private set; }

    public async Task InitializeAsync()
    {
        Cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = RepositoryPaths.Of("template.yaml"),
            StateDirectory = _stateDirectory,
            Settings = new StackSettings { ParameterOverrides = StackParameters },
            Clock = new VirtualTimeProvider(),
            Random = new Random(13),
            LocalServersInfoFile = LocalServers.InfoFile,
        });
        if (CreatesProductionGroup)
        {
            await ElastiCacheAsync("createReplicationGroup", new JsonObject
            {
                ["ReplicationGroupId"] = ProductionGroup,
                ["ReplicationGroupDescription"] = "the marketplace's Redis",
                ["NumCacheClusters"] = 2,
                ["AuthToken"] = ProductionToken,
            });
            Production = await WaitForGroupAsync(ProductionGroup);
            var endpoint = Production["NodeGroups"]![0]!["PrimaryEndpoint"]!;
            Cloud.SecretsManager.Store.PutValue(DisasterRecovery.LocalCloud.Platform.PlatformEmulators.RedisSecretId, new SecretValueUpdate
            {
                SecretString = new JsonObject
                {
                    ["host"] = endpoint["Address"]!.GetValue<string>(),
                    ["port"] = endpoint["Port"]!.GetValue<int>(),
                    ["password"] = ProductionToken,
                }.ToJsonString(),
            });
        }
    }

    public async Task DisposeAsync()
    {
        await Cloud.DisposeAsync();
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Calls the ElastiCache emulator as a Task state would (without the shape check the dispatcher adds).</summary>
    public async Task<JsonObject> ElastiCacheAsync(string action, JsonObject parameters)
    {
        var emulator = Cloud.Emulators.Find("elasticache") ?? throw new InvalidOperationException("no elasticache emulator");
        var context = new ServiceCallContext(TimeProvider.System, Cloud.Stack.Region, Cloud.Stack.AccountId, null, null);
        return (JsonObject)(await emulator.InvokeAsync(action, parameters, context, CancellationToken.None))!;
    }

    /// <summary>Polls describeReplicationGroups (capped) until the group leaves its in-progress statuses; returns it.</summary>
    public async Task<JsonObject> WaitForGroupAsync(string id)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var group = (JsonObject)(await ElastiCacheAsync("describeReplicationGroups", new() { ["ReplicationGroupId"] = id }))["ReplicationGroups"]![0]!;
            if (group["Status"]!.GetValue<string>() is not ("creating" or "snapshotting" or "modifying"))
            {
                return group;
            }
        }

        throw new TimeoutException($"{id} stayed in progress");
    }

    /// <summary>The names of the snapshots ElastiCache holds.</summary>
    public async Task<List<string>> SnapshotNamesAsync() =>
        [.. (await ElastiCacheAsync("describeSnapshots", new JsonObject()))["Snapshots"]!.AsArray()
            .Where(s => s!["SnapshotStatus"]!.GetValue<string>() is not ("deleting" or "deleted"))
            .Select(s => s!["SnapshotName"]!.GetValue<string>())];

    /// <summary>A client of a described group's primary (with the production token when it is the production group).</summary>
    public static Task<ConnectionMultiplexer> ConnectAsync(JsonObject group)
    {
        var password = group["ReplicationGroupId"]?.GetValue<string>() == ProductionGroup ? ProductionToken : null;
        var endpoint = group["NodeGroups"]![0]!["PrimaryEndpoint"]!;
        return ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { endpoint["Address"]!.GetValue<string>(), endpoint["Port"]!.GetValue<int>() } },
            Password = password,
            AllowAdmin = true,
        });
    }

    /// <summary>A stack bucket's name (<c>BackupBucket</c>, <c>AuditBucket</c>, <c>RedisStagingBucket</c>).</summary>
    public string Bucket(string logicalId) => Cloud.Stack.Buckets.Single(b => b.LogicalId == logicalId).BucketName;

    /// <summary>The keys of a bucket under a prefix.</summary>
    public async Task<List<string>> KeysAsync(string logicalId, string prefix = "")
    {
        using var s3 = Cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket(logicalId), Prefix = prefix });
        return [.. (listing.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }

    /// <summary>A JSON object of a bucket.</summary>
    public async Task<JsonNode> ReadJsonAsync(string logicalId, string key)
    {
        using var s3 = Cloud.S3!.CreateClient();
        using var response = await s3.GetObjectAsync(Bucket(logicalId), key);
        return JsonNode.Parse(response.ResponseStream)!;
    }

    /// <summary>The audit log's events (action, resource, result, details), oldest first.</summary>
    public async Task<List<JsonNode>> AuditEventsAsync()
    {
        var events = new List<JsonNode>();
        foreach (var key in await KeysAsync("AuditBucket", "audit/"))
        {
            var json = await ReadJsonAsync("AuditBucket", key);
            if (json["action"] is not null)
            {
                events.Add(json);
            }
        }

        return events;
    }

    public Task<DisasterRecovery.LocalSfn.ExecutionDocument> RunAsync(string stateMachine, object input, string? name = null) =>
        Cloud.RunExecutionAsync(stateMachine, JsonSerializer.Serialize(input), name);

    /// <summary>The states an execution entered, in order.</summary>
    public List<string> StatesEntered(string executionArn) =>
        [.. Cloud.Engine.GetExecutionHistory(executionArn)
            .Where(e => e.Type.ToString().EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e.StateName!)];
}
