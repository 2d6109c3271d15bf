using System.Net;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>
/// The drill's platform: the ConfigMap and secret seeded for the servers local/servers started, the stand-in following
/// the local cloud's emulators, and the technician_marketplace database it checks; on the real local servers.
/// </summary>
[Collection(SharedMarketplaceDatabase.Name)]
public sealed class DrillPlatformTests
{
    [Fact]
    public async Task PlatformStep_WhenRunAfterTheServers_ShouldSeedConfigMapAndSecretAndServeHealthyOnTheMarketplaceDatabase()
    {
        using var folder = new TempFolder();
        var servers = RealServers();
        await MarketplaceDatabase.EnsureAsync(servers, 1, CancellationToken.None);
        await using var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), folder.Path + "/state");
        await using var context =
            new DrillContext(cloud, RepositoryPaths.Root, TextWriter.Null) { Servers = servers, ServersInfoFile = WriteServersJson(folder) };

        var outcome = await new StartPlatformStandInStep().RunAsync(context, CancellationToken.None);
        using var http = new HttpClient();
        using var health = await http.GetAsync(context.PlatformStandIn!.HealthUrl);

        Assert.True(outcome.Succeeded, outcome.Summary);
        Assert.Contains("seeded configmap production/backend-database, configmap production/backend-redis, secret technician-marketplace/postgres, " +
            "secret technician-marketplace/redis;", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains($"/health checks postgres://postgres@127.0.0.1:{servers.PostgresPort}/technician_marketplace", outcome.Summary,
            StringComparison.Ordinal);
        Assert.Contains("production/backend at 3 replica(s)", outcome.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain(servers.PostgresPassword, outcome.Summary, StringComparison.Ordinal);
        Assert.Equal("technician_marketplace", cloud.Eks.ConfigMapInUse("production", "backend", DatabaseConfigMap.Name)![DatabaseConfigMap.DatabaseNameKey]);
        Assert.Equal(servers.PostgresPassword,
            LocalDatabaseSecret.TryParse(cloud.SecretsManager.Store.GetValue(LocalDatabaseSecret.SecretId).SecretString, out _)!.Password);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task PlatformStep_WhenAFlowAlreadySwitchedTheConfigMap_ShouldKeepItAndTheStandInShouldCheckWhatItNames()
    {
        using var folder = new TempFolder();
        var servers = RealServers();
        await using var cloud = TestCloud.Create(TestCloud.WriteTemplate(folder, new Dictionary<string, string>()), folder.Path + "/state");
        cloud.Eks.EnsureConfigMap("production", DatabaseConfigMap.Name, DatabaseConfigMap.DataFor(servers, "drill_switched_no_such_db"));
        await using var context =
            new DrillContext(cloud, RepositoryPaths.Root, TextWriter.Null) { Servers = servers, ServersInfoFile = WriteServersJson(folder) };

        var outcome = await new StartPlatformStandInStep().RunAsync(context, CancellationToken.None);
        using var http = new HttpClient();
        using var health = await http.GetAsync(context.PlatformStandIn!.HealthUrl);
        var body = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;

        Assert.True(outcome.Succeeded, outcome.Summary);
        Assert.Contains("secret technician-marketplace/postgres, secret technician-marketplace/redis;", outcome.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("configmap production/backend-database", outcome.Summary, StringComparison.Ordinal);
        Assert.Contains("/drill_switched_no_such_db", outcome.Summary, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("\"drill_switched_no_such_db\" does not exist", body["postgres"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultSteps_WhenAScaleIsGiven_ShouldCreateTheDatabaseAtThatScaleInTheFirstStep()
    {
        var steps = DrillRunner.DefaultSteps(databaseScale: 7);

        Assert.Equal(8, steps.Count);
        Assert.Equal(7, Assert.IsType<StartLocalServersStep>(steps[0]).Scale);
        Assert.IsType<StartPlatformStandInStep>(steps[1]);
        Assert.IsType<BackupAndVerifyStep>(steps[3]);
        Assert.IsType<PointInTimeRecoveryStep>(steps[4]);
        Assert.IsType<RestoreDatabaseStep>(steps[5]);
    }

    private static LocalServersInfo RealServers() => new(
        LocalServers.Postgres.Host, LocalServers.Postgres.Port, LocalServers.Postgres.User, LocalServers.Postgres.Password,
        LocalServers.Redis.Host, LocalServers.Redis.Port, LocalServers.Redis.Password);

    /// <summary>A servers.json for the real servers, as local/servers writes it, with password files of its own.</summary>
    private static string WriteServersJson(TempFolder folder)
    {
        var pgPassword = folder.Write("servers/postgres-superuser-password", LocalServers.Postgres.Password + "\n");
        var redisPassword = folder.Write("servers/redis-password", LocalServers.Redis.Password + "\n");
        return folder.Write("servers/servers.json", $$"""
            { "postgres": { "host": "{{LocalServers.Postgres.Host}}", "port": {{LocalServers.Postgres.Port}}, "user": "{{LocalServers.Postgres.User}}",
              "passwordFile": "{{pgPassword}}" },
              "redis": { "host": "{{LocalServers.Redis.Host}}", "port": {{LocalServers.Redis.Port}}, "passwordFile": "{{redisPassword}}" } }
            """);
    }
}
