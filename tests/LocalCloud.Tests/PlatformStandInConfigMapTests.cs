using System.Net;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalEks;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The platform stand-in's PostgreSQL check the Kubernetes way: host, port and database from the ConfigMap
/// production/backend-database as the backend's pods read it when they started, credentials from the secret; against
/// the real local PostgreSQL and Redis.
/// </summary>
public sealed class PlatformStandInConfigMapTests
{
    private const string Cluster = """
        "ClusterName": "platform", "CertificateAuthority": "LS0t", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com"
        """;

    /// <summary>A PUT of the Scale subresource, without a resourceVersion (an unconditional update).</summary>
    private const string ScaleMachine = $$"""
        { "StartAt": "Scale", "States": { "Scale": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
          "Parameters": { {{Cluster}}, "Method": "PUT", "Path": "/apis/apps/v1/namespaces/production/deployments/backend/scale",
            "RequestBody": { "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": { "name": "backend", "namespace": "production" },
                             "spec": { "replicas.$": "$.replicas" } } }, "End": true } } }
        """;

    /// <summary>GET the ConfigMap, change DATABASE_NAME in its data, PUT it back with the resourceVersion read.</summary>
    private const string SwitchMachine = $$"""
        { "StartAt": "Read", "States": {
          "Read": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { {{Cluster}}, "Method": "GET", "Path": "/api/v1/namespaces/production/configmaps/backend-database" },
            "ResultSelector": { "configMap.$": "$.ResponseBody" }, "ResultPath": "$.read", "Next": "Change" },
          "Change": { "Type": "Pass", "Parameters": { "data.$": "States.JsonMerge($.read.configMap.data, $.change, false)" },
            "ResultPath": "$.update", "Next": "Switch" },
          "Switch": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
            "Parameters": { {{Cluster}}, "Method": "PUT", "Path": "/api/v1/namespaces/production/configmaps/backend-database",
              "RequestBody.$": "States.JsonMerge($.read.configMap, $.update, false)" }, "End": true } } }
        """;

    [Fact]
    public async Task Health_WhenTheConfigMapIsSwitched_ShouldCheckTheNewDatabaseOnlyOnceTheBackendWasScaledToZeroAndBackUp()
    {
        using var folder = new TempFolder();
        await using var restored = await ScratchDatabase.CreateAsync("standin_cm");
        await using var cloud = Cloud(folder);
        var servers = RealServers();
        cloud.SecretsManager.Store.Create(
            new NewSecret(LocalDatabaseSecret.SecretId) { SecretString = LocalDatabaseSecret.For(servers, "secret_names_no_such_db").ToSecretString() });
        cloud.Eks.EnsureConfigMap("production", DatabaseConfigMap.Name, DatabaseConfigMap.DataFor(servers, "configmap_names_no_such_db"));
        await using var standIn = await LocalPlatformStandIn.StartAsync(servers, LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        var (beforeStatus, before) = await HealthAsync(http, standIn);
        await RunAsync(cloud, "Switch", new JsonObject { ["change"] = new JsonObject { [DatabaseConfigMap.DatabaseNameKey] = restored.Name } });
        var (switchedStatus, switched) = await HealthAsync(http, standIn);
        await RunAsync(cloud, "Scale", new JsonObject { ["replicas"] = 0 });
        var (stoppedStatus, stopped) = await HealthAsync(http, standIn);
        await RunAsync(cloud, "Scale", new JsonObject { ["replicas"] = 3 });
        var (restartedStatus, restarted) = await HealthAsync(http, standIn);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, beforeStatus);
        Assert.Contains("configmap_names_no_such_db", before["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, switchedStatus);
        Assert.Contains("configmap_names_no_such_db", switched["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(restored.Name, cloud.Eks.ConfigMapData("production", DatabaseConfigMap.Name)![DatabaseConfigMap.DatabaseNameKey]);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "stopped"), (stoppedStatus, stopped["status"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, restartedStatus);
        Assert.Equal("""{"status":"ok","postgres":"ok","redis":"ok"}""", restarted.ToJsonString());
    }

    [Fact]
    public async Task Health_WhenTheSecretsPasswordIsWrong_ShouldFailOnTheConfigMapsDatabaseWithoutShowingAPassword()
    {
        using var folder = new TempFolder();
        await using var database = await ScratchDatabase.CreateAsync("standin_cm");
        await using var cloud = Cloud(folder);
        var servers = RealServers();
        var wrong = LocalDatabaseSecret.For(servers, "postgres") with { Password = "not-the-password-4711" };
        cloud.SecretsManager.Store.Create(new NewSecret(LocalDatabaseSecret.SecretId) { SecretString = wrong.ToSecretString() });
        cloud.Eks.EnsureConfigMap("production", DatabaseConfigMap.Name, DatabaseConfigMap.DataFor(servers, database.Name));
        await using var standIn = await LocalPlatformStandIn.StartAsync(servers, LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        var (status, body) = await HealthAsync(http, standIn);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("password authentication failed", body["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-4711", body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(servers.PostgresPassword, body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("ok", body["redis"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_WhenThereIsAConfigMapButNoSecret_ShouldConnectAsTheServersSuperuserToTheConfigMapsDatabase()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        var servers = RealServers();
        cloud.Eks.EnsureConfigMap("production", DatabaseConfigMap.Name, DatabaseConfigMap.DataFor(servers, "configmap_only_no_such_db"));
        await using var standIn = await LocalPlatformStandIn.StartAsync(servers, LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        var (status, body) = await HealthAsync(http, standIn);

        Assert.False(cloud.SecretsManager.Store.Exists(LocalDatabaseSecret.SecretId));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("\"configmap_only_no_such_db\" does not exist", body["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WhenTheConfigMapsPortIsNotAPortNumber_ShouldAnswer503NamingTheConfigMap()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        cloud.Eks.EnsureConfigMap("production", DatabaseConfigMap.Name, new Dictionary<string, string> { [DatabaseConfigMap.PortKey] = "five-four-three" });
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers(), LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        var (status, body) = await HealthAsync(http, standIn);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(
            "failed: configmap production/backend-database (as the pods of production/backend read it) cannot be used: DATABASE_PORT is not a port number",
            body["postgres"]!.GetValue<string>());
    }

    [Fact]
    public void DatabaseConnection_WhenEachSourceHasSomeParts_ShouldTakeTheConfigMapThenTheSecretThenTheServers()
    {
        using var folder = new TempFolder();
        var eks = new EksEmulator(Path.Combine(folder.Path, "eks.json"), TimeProvider.System);
        var secrets = new SecretStore(Path.Combine(folder.Path, "secrets.json"), "us-east-1", "000000000000", TimeProvider.System);
        var servers = new LocalServersInfo("127.0.0.9", 5439, "superuser", "servers-password", "127.0.0.1", 6379, "redis");
        var platform = new LocalPlatformState(eks, secrets);
        eks.EnsureDeployment("production", "backend", 3, [DatabaseConfigMap.Name]);
        var serversOnly = platform.DatabaseConnection(servers, out _);
        secrets.Create(new NewSecret(LocalDatabaseSecret.SecretId)
        {
            SecretString = new LocalDatabaseSecret("postgres", "secret.host", 6432, "app", "secret-password", "secret_db").ToSecretString(),
        });
        var secretOnly = platform.DatabaseConnection(servers, out _);
        eks.EnsureConfigMap("production", DatabaseConfigMap.Name, new Dictionary<string, string> { [DatabaseConfigMap.DatabaseNameKey] = "configmap_db" });

        var mixed = platform.DatabaseConnection(servers, out var problem);

        Assert.Null(problem);
        Assert.Equal(new LocalDatabaseSecret("postgres", "127.0.0.9", 5439, "superuser", "servers-password", "postgres"), serversOnly);
        Assert.Equal(new LocalDatabaseSecret("postgres", "secret.host", 6432, "app", "secret-password", "secret_db"), secretOnly);
        Assert.Equal(new LocalDatabaseSecret("postgres", "secret.host", 6432, "app", "secret-password", "configmap_db"), mixed);
        Assert.Equal("postgres://app@secret.host:6432/configmap_db", mixed!.ToString());
        Assert.Equal(new LocalDatabaseSecret("postgres", "127.0.0.9", 5439, "superuser", "servers-password", "postgres"),
            LocalPlatformState.None.DatabaseConnection(servers, out _));
    }

    [Fact]
    public void DatabaseConnection_WhenTheBackendHasNoPods_ShouldNotUseTheConfigMap()
    {
        using var folder = new TempFolder();
        var eks = new EksEmulator(Path.Combine(folder.Path, "eks.json"), TimeProvider.System);
        var servers = new LocalServersInfo("127.0.0.9", 5439, "superuser", "servers-password", "127.0.0.1", 6379, "redis");
        eks.EnsureConfigMap("production", DatabaseConfigMap.Name, new Dictionary<string, string> { [DatabaseConfigMap.DatabaseNameKey] = "configmap_db" });
        eks.EnsureDeployment("production", "backend", 0, [DatabaseConfigMap.Name]);

        var connection = new LocalPlatformState(eks, null).DatabaseConnection(servers, out _);

        Assert.Null(eks.PodConfiguration("production", "backend"));
        Assert.Equal("postgres", connection!.DatabaseName);
        Assert.Equal(0, new LocalPlatformState(eks, null).BackendReplicas());
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> HealthAsync(HttpClient http, LocalPlatformStandIn standIn)
    {
        using var response = await http.GetAsync(standIn.HealthUrl);
        return (response.StatusCode, TestCloud.Json(await response.Content.ReadAsStringAsync()));
    }

    private static async Task RunAsync(LocalCloudHost cloud, string machine, JsonObject input)
    {
        var execution = await cloud.RunExecutionAsync(machine, input.ToJsonString());
        Assert.True(execution.Status == "SUCCEEDED", $"{machine}: {execution.Error}: {execution.Cause}");
    }

    private static LocalServersInfo RealServers() => new(
        LocalServers.Postgres.Host, LocalServers.Postgres.Port, LocalServers.Postgres.User, LocalServers.Postgres.Password,
        LocalServers.Redis.Host, LocalServers.Redis.Port, LocalServers.Redis.Password);

    private static LocalCloudHost Cloud(TempFolder folder) => TestCloud.Create(
        TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Scale"] = ScaleMachine, ["Switch"] = SwitchMachine }), folder.Path + "/state");

    /// <summary>A fresh database on the local cluster, dropped (sessions and all) at the end of the test.</summary>
    private sealed class ScratchDatabase : IAsyncDisposable
    {
        private ScratchDatabase(string name) => Name = name;

        public string Name { get; }

        public static async Task<ScratchDatabase> CreateAsync(string prefix) => new(await LocalServers.Postgres.CreateScratchDatabaseAsync(prefix));

        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(LocalServers.Postgres.ConnectionString());
            await connection.OpenAsync();
            await using var command =
                new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
