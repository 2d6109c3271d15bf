using System.Net;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The platform stand-in following the local cloud's emulators: stopped while production/backend has no replicas,
/// and checking the database its secret names, against the real local PostgreSQL and Redis.
/// </summary>
public sealed class PlatformStandInFollowsEmulatorsTests
{
    private const string ScaleMachine = """
        { "StartAt": "Scale", "States": { "Scale": { "Type": "Task", "Resource": "arn:aws:states:::eks:call",
          "Parameters": { "ClusterName": "platform", "CertificateAuthority": "LS0t", "Endpoint": "https://ABC.gr7.us-east-1.eks.amazonaws.com",
            "Method": "PUT", "Path": "/apis/apps/v1/namespaces/production/deployments/backend/scale",
            "RequestBody": { "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": { "name": "backend", "namespace": "production" },
                             "spec": { "replicas.$": "$.replicas" } } }, "End": true } } }
        """;

    [Fact]
    public async Task Health_WhenBackendIsScaledToZeroAndBack_ShouldAnswer503StoppedThen200()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers(), LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        await Scale(cloud, 0);
        using var stopped = await http.GetAsync(standIn.HealthUrl);
        var stoppedBody = await stopped.Content.ReadAsStringAsync();
        await Scale(cloud, 3);
        using var running = await http.GetAsync(standIn.HealthUrl);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        Assert.Equal("""{"status":"stopped","deployment":"production/backend","replicas":0}""", stoppedBody);
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);
        Assert.Equal("""{"status":"ok","postgres":"ok","redis":"ok"}""", await running.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_WhenTheDatabaseSecretIsSwitchedWithPutSecretValue_ShouldCheckTheDatabaseItNamesAtEachCheck()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        var servers = RealServers();
        var restored = await LocalServers.Postgres.CreateScratchDatabaseAsync("standin_restored");
        await using var dropRestored = new DatabaseDropper(restored);
        var store = cloud.SecretsManager.Store;
        store.Create(new NewSecret(LocalDatabaseSecret.SecretId) { SecretString = LocalDatabaseSecret.For(servers, "no_such_database_here").ToSecretString() });
        await using var standIn = await LocalPlatformStandIn.StartAsync(servers, LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        using var missing = await http.GetAsync(standIn.HealthUrl);
        var missingBody = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        store.PutValue(LocalDatabaseSecret.SecretId, new SecretValueUpdate { SecretString = LocalDatabaseSecret.For(servers, restored).ToSecretString() });
        using var switched = await http.GetAsync(standIn.HealthUrl);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, missing.StatusCode);
        Assert.Contains("no_such_database_here", missingBody["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(servers.PostgresPassword, missingBody.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("ok", missingBody["redis"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
    }

    [Fact]
    public async Task Health_WhenTheSecretIsNotADatabaseSecret_ShouldAnswer503NamingTheSecretButNoValue()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        cloud.SecretsManager.Store.Create(new NewSecret(LocalDatabaseSecret.SecretId) { SecretString = "plain-text-credential" });
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers(), LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        using var response = await http.GetAsync(standIn.HealthUrl);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("failed: secret technician-marketplace/postgres is not a database secret: it is not a JSON object",
            JsonNode.Parse(body)!["postgres"]!.GetValue<string>());
        Assert.DoesNotContain("plain-text-credential", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_WhenThereIsNoDatabaseSecret_ShouldCheckTheServersOwnDatabaseAsBefore()
    {
        using var folder = new TempFolder();
        await using var cloud = Cloud(folder);
        await using var standIn = await LocalPlatformStandIn.StartAsync(RealServers(), LocalPlatformState.Of(cloud));
        using var http = new HttpClient();

        using var response = await http.GetAsync(standIn.HealthUrl);

        Assert.False(cloud.SecretsManager.Store.Exists(LocalDatabaseSecret.SecretId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok","postgres":"ok","redis":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    private static async Task Scale(LocalCloudHost cloud, int replicas)
    {
        var execution = await cloud.RunExecutionAsync("Scale", $$"""{"replicas": {{replicas}}}""");
        Assert.True(execution.Status == "SUCCEEDED", execution.Cause);
    }

    private static LocalServersInfo RealServers() => new(
        LocalServers.Postgres.Host, LocalServers.Postgres.Port, LocalServers.Postgres.User, LocalServers.Postgres.Password,
        LocalServers.Redis.Host, LocalServers.Redis.Port, LocalServers.Redis.Password);

    private static LocalCloudHost Cloud(TempFolder folder) =>
        TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string> { ["Scale"] = ScaleMachine }), folder.Path + "/state");
}

/// <summary>Drops a scratch database at the end of a test (WITH (FORCE): the stand-in's pooled connections may still be open).</summary>
internal sealed class DatabaseDropper(string database) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(LocalServers.Postgres.ConnectionString());
        await connection.OpenAsync();
        await using var command =
            new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
