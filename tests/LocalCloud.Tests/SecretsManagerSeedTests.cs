using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalSecretsManager;
using DisasterRecovery.LocalStepFunctions.Time;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The application's database secret, seeded from a local/servers servers.json.</summary>
public sealed class SecretsManagerSeedTests
{
    private const string Password = "pw-from-the-password-file";

    [Fact]
    public async Task Create_WhenServersJsonIsGiven_ShouldSeedTheDatabaseSecretInRdsFormat()
    {
        using var folder = new TempFolder();
        var serversJson = WriteServersJson(folder, folder.Path);

        await using var cloud = Create(folder, folder.Path + "/state", serversJson);

        var value = cloud.SecretsManager.Store.GetValue(LocalDatabaseSecret.SecretId);
        var secret = JsonNode.Parse(value.SecretString!)!.AsObject();
        Assert.Equal(new[] { "engine", "host", "port", "username", "password", "dbname" }, secret.Select(p => p.Key).ToArray());
        Assert.Equal(("postgres", "127.0.0.1", 54321, "postgres", Password, "technician_marketplace"), (
            secret["engine"]!.GetValue<string>(), secret["host"]!.GetValue<string>(), secret["port"]!.GetValue<int>(),
            secret["username"]!.GetValue<string>(), secret["password"]!.GetValue<string>(), secret["dbname"]!.GetValue<string>()));
        Assert.Equal("postgres://postgres@127.0.0.1:54321/technician_marketplace", LocalDatabaseSecret.TryParse(value.SecretString, out _)!.ToString());
    }

    [Fact]
    public async Task Create_WhenTheSecretExists_ShouldLeaveWhatAFlowWroteAlone()
    {
        using var folder = new TempFolder();
        var serversJson = WriteServersJson(folder, folder.Path);
        await using (var first = Create(folder, folder.Path + "/state", serversJson))
        {
            first.SecretsManager.Store.PutValue(LocalDatabaseSecret.SecretId, new SecretValueUpdate { SecretString = "switched to the restored database" });
        }

        await using var second = Create(folder, folder.Path + "/state", serversJson);

        Assert.Equal("switched to the restored database", second.SecretsManager.Store.GetValue(LocalDatabaseSecret.SecretId).SecretString);
        Assert.Equal(2, second.SecretsManager.Store.Describe(LocalDatabaseSecret.SecretId).VersionIdsToStages.Count);
    }

    [Fact]
    public async Task Create_WhenServersJsonSitsBesideTheStateFolder_ShouldFindItWithoutBeingTold()
    {
        using var folder = new TempFolder();
        WriteServersJson(folder, folder.Path);

        await using var cloud = Create(folder, Path.Combine(folder.Path, "cloud"), null);

        Assert.True(cloud.SecretsManager.Store.Exists(LocalDatabaseSecret.SecretId));
    }

    [Fact]
    public async Task Create_WhenNoServersJsonIsKnown_ShouldSeedNoSecret()
    {
        using var folder = new TempFolder();

        await using var cloud = Create(folder, Path.Combine(folder.Path, "cloud"), null);

        Assert.Empty(cloud.SecretsManager.Store.Names);
        Assert.False(File.Exists(cloud.SecretsManager.Store.Path));
    }

    [Fact]
    public void Create_WhenTheGivenServersJsonIsMissing_ShouldFailNamingTheFile()
    {
        using var folder = new TempFolder();
        var missing = Path.Combine(folder.Path, "no-servers.json");

        var failure = Assert.Throws<LocalCloudException>(() => Create(folder, folder.Path + "/state", missing));

        Assert.Contains("no-servers.json cannot be read as local/servers' servers.json", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "it is not a JSON object")]
    [InlineData("""{"host":"h","port":5432,"username":"u"}""", "it has no password")]
    [InlineData("""{"host":"h","port":"x","username":"u","password":"secret-value"}""", "its port is not a port number")]
    public void TryParse_WhenTheSecretIsNotADatabaseSecret_ShouldSayWhyWithoutAnyValue(string secretString, string expected)
    {
        var parsed = LocalDatabaseSecret.TryParse(secretString, out var problem);

        Assert.Null(parsed);
        Assert.Equal(expected, problem);
    }

    private static LocalCloudHost Create(TempFolder folder, string stateDirectory, string? serversJson) =>
        LocalCloudHost.Create(new LocalCloudOptions
        {
            TemplatePath = TestCloud.WriteTemplate(folder, new Dictionary<string, string>()),
            StateDirectory = stateDirectory,
            Settings = new StackSettings(),
            Clock = new VirtualTimeProvider(),
            LocalServersInfoFile = serversJson,
        });

    /// <summary>A servers.json as local/servers writes it, with its password files, in <paramref name="directory"/>.</summary>
    private static string WriteServersJson(TempFolder folder, string directory)
    {
        var postgresPassword = folder.Write(Path.Combine(Path.GetRelativePath(folder.Path, directory), "pg-password"), Password + "\n");
        var redisPassword = folder.Write(Path.Combine(Path.GetRelativePath(folder.Path, directory), "redis-password"), "redis-pw\n");
        var json = new JsonObject
        {
            ["postgres"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = 54321, ["user"] = "postgres", ["passwordFile"] = postgresPassword },
            ["redis"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = 63791, ["passwordFile"] = redisPassword },
        };
        return folder.Write(Path.Combine(Path.GetRelativePath(folder.Path, directory), "servers.json"), json.ToJsonString());
    }
}
