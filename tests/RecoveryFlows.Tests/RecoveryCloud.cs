using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using DisasterRecovery.LocalCloud;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.LocalSfn;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// One local cloud over the repository's template.yaml for a test class: LocalS3 in-process, the shared local/servers
/// cluster adopted as the RDS instance <c>technician-marketplace</c> (one base backup), and a fresh "production"
/// database on it that the secret <c>technician-marketplace/postgres</c> points at. Executions run on a virtual clock;
/// the functions and the clusters do real work.
/// </summary>
public class RecoveryCloud : IAsyncLifetime
{
    public const string Instance = "technician-marketplace";

    /// <summary>
    /// The stack parameters a deployment must set, with values for the local EKS emulator (which checks neither): the
    /// flows refuse to start with them empty, as template.yaml's defaults leave them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ConfiguredStack = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["EksEndpoint"] = "https://local-eks.invalid",
        ["EksCertificateAuthority"] = "TG9jYWwgRUtTIGVtdWxhdG9y",
    };

    /// <summary>The stack parameters this cloud is loaded with: <see cref="ConfiguredStack"/> unless a fixture adds some.</summary>
    protected virtual IReadOnlyDictionary<string, string> StackParameters => ConfiguredStack;

    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "dr-recovery-flows", Guid.NewGuid().ToString("N"));

    public LocalCloudHost Cloud { get; private set; } = null!;

    /// <summary>local/servers' servers.json.</summary>
    public string ServersInfoFile { get; } = LocalServers.InfoFile;

    /// <summary>The production database's name (unique per fixture).</summary>
    public string Database { get; } = "dr_e2e_" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        var serversInfo = ServersInfoFile;
        Cloud = await LocalCloudHost.StartAsync(new LocalCloudOptions
        {
            TemplatePath = RepositoryPaths.Of("template.yaml"),
            StateDirectory = _stateDirectory,
            Settings = new StackSettings { ParameterOverrides = StackParameters },
            Clock = new VirtualTimeProvider(),
            Random = new Random(11),
            LocalServersInfoFile = serversInfo,
        });
        // A fresh automated backup beside the one local/servers took at its start (which stays, so nothing is pruned from the
        // shared WAL archive): a point-in-time restore starts from the newest backup before its time, so it replays only the
        // WAL written since this fixture started, not all that every test assembly wrote since the servers started.
        await (await Cloud.GetRdsAsync()).TakeAutomatedBackupAsync(Instance);
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{Database}\"");
        var secret = LocalDatabaseSecret.For(DisasterRecovery.LocalCloud.Platform.LocalServersInfo.Read(serversInfo), Database);
        Cloud.SecretsManager.Store.PutValue(LocalDatabaseSecret.SecretId, new SecretValueUpdate { SecretString = secret.ToSecretString() });
    }

    public async Task DisposeAsync()
    {
        await Cloud.DisposeAsync();
        await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)");
        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Cluster files owned by the service user may resist; the RDS emulator removed its clusters already.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(LocalServers.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(LocalServers.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A table's rows as sorted text lines (COPY format): equal tables give equal lists, whatever their physical order.</summary>
    public Task<List<string>> RowsAsync(string table) => RowsAsync(LocalServers.Postgres.ConnectionString(Database), table);

    /// <summary>The same for a table of any database (a restored instance's, on its own port).</summary>
    public static async Task<List<string>> RowsAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        using var reader = await connection.BeginTextExportAsync($"COPY {table} TO STDOUT");
        var rows = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            rows.Add(line);
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>The database server's clock, to the millisecond (RDS restore times are milliseconds).</summary>
    public async Task<string> DatabaseTimeAsync()
    {
        var now = await ScalarAsync<DateTime>(Database, "SELECT date_trunc('milliseconds', clock_timestamp())");
        return DateTime.SpecifyKind(now, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Invokes one of the stack's functions in-process; a function error fails the test with its report.</summary>
    public async Task<JsonNode> InvokeAsync(string function, string payload)
    {
        var result = await Cloud.Functions.InvokeAsync(Cloud.Functions.Find(function), Encoding.UTF8.GetBytes(payload), CancellationToken.None);
        Assert.True(result.Error is null, $"{function} failed: {result.Error?.ErrorType}: {result.Error?.ErrorMessage}\n{string.Join('\n', result.LogLines)}");
        return JsonNode.Parse(result.Output!)!;
    }

    public Task<ExecutionDocument> RunAsync(string stateMachine, object input, string? name = null) =>
        Cloud.RunExecutionAsync(stateMachine, JsonSerializer.Serialize(input), name);

    /// <summary>The instance's status, or null when RDS does not know it.</summary>
    public Task<string?> InstanceStatusAsync(string identifier) => Cloud.InstanceStatusAsync(identifier);

    /// <summary>Polls until the instance is gone; its last status otherwise.</summary>
    public Task<string?> InstanceStatusAfterDeletionAsync(string identifier) => Cloud.InstanceStatusAfterDeletionAsync(identifier);

    /// <summary>
    /// The application as the restore flow finds it: the backend Deployment running on this fixture's database (its
    /// ConfigMap applied, pods restarted) and the platform stand-in whose /health follows it. Dispose the stand-in.
    /// </summary>
    public async Task<DisasterRecovery.LocalCloud.Platform.LocalPlatformStandIn> StartPlatformAsync()
    {
        var servers = DisasterRecovery.LocalCloud.Platform.LocalServersInfo.Read(ServersInfoFile);
        var ns = DisasterRecovery.LocalCloud.Platform.PlatformEmulators.Namespace;
        Cloud.Eks.ApplyConfigMap(
            ns,
            DisasterRecovery.LocalCloud.Platform.DatabaseConfigMap.Name,
            DisasterRecovery.LocalCloud.Platform.DatabaseConfigMap.DataFor(servers, Database));
        Cloud.Eks.RestartDeployment(ns, DisasterRecovery.LocalCloud.Platform.PlatformEmulators.Deployment);
        return await DisasterRecovery.LocalCloud.Platform.LocalPlatformStandIn.StartAsync(
            servers,
            DisasterRecovery.LocalCloud.Platform.LocalPlatformState.Of(Cloud));
    }

    /// <summary>describeDBInstances of one instance, as a flow sees it.</summary>
    public async Task<JsonNode> DescribeInstanceAsync(string identifier)
    {
        var rds = await Cloud.GetRdsAsync();
        var result = await rds.CallAsync(Cloud.Stack.Region, "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = identifier });
        return result["DbInstances"]![0]!;
    }

    /// <summary>The tags of an RDS instance or snapshot, by ARN.</summary>
    public async Task<JsonArray> TagsAsync(string arn)
    {
        var rds = await Cloud.GetRdsAsync();
        var result = await rds.CallAsync(Cloud.Stack.Region, "listTagsForResource", new JsonObject { ["ResourceName"] = arn });
        return result["TagList"]!.AsArray();
    }

    /// <summary>An RDS snapshot's ARN, by identifier.</summary>
    public async Task<string> SnapshotArnAsync(string identifier)
    {
        var rds = await Cloud.GetRdsAsync();
        var result = await rds.CallAsync(Cloud.Stack.Region, "describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = identifier });
        return result["DbSnapshots"]![0]!["DbSnapshotArn"]!.GetValue<string>();
    }

    /// <summary>A state machine's deployed name ($$.StateMachine.Name), from its logical id.</summary>
    public string StateMachineName(string logicalId) => Cloud.Stack.StateMachines.Single(m => m.LogicalId == logicalId).Name;

    /// <summary>Every audit event's "action:result:kind", oldest first.</summary>
    public async Task<List<string>> AuditTrailAsync()
    {
        var bucket = Cloud.Stack.Buckets.Single(b => b.LogicalId == "AuditBucket").BucketName;
        using var s3 = Cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "audit/" });
        var events = new List<string>();
        foreach (var item in (listing.S3Objects ?? []).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            using var response = await s3.GetObjectAsync(bucket, item.Key);
            var json = JsonNode.Parse(response.ResponseStream);
            if (json?["action"] is null)
            {
                continue;
            }

            events.Add($"{json["action"]}:{json["result"]}:{json["details"]?["kind"]}");
        }

        return events;
    }
}
