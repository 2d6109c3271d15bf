using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalSecretsManager;
using Npgsql;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>A local cloud whose stack names a standing scratch server (ScratchSecretId, ScratchInstanceId), created by the test.</summary>
public sealed class StandingScratchCloud : RecoveryCloud
{
    public const string ScratchInstance = "standing-scratch";
    public const string ScratchSecret = "technician-marketplace/standing-scratch";

    protected override IReadOnlyDictionary<string, string> StackParameters => new Dictionary<string, string>(ConfiguredStack, StringComparer.Ordinal)
    {
        ["ScratchSecretId"] = ScratchSecret,
        ["ScratchInstanceId"] = ScratchInstance,
    };
}

/// <summary>statemachines/verify-backup.asl.json with a standing scratch server: verified there, nothing created or deleted.</summary>
public sealed class VerifyBackupStandingServerTests(StandingScratchCloud env) : IClassFixture<StandingScratchCloud>, IAsyncLifetime
{
    private const string Machine = "VerifyBackupStateMachine";
    private string _password = string.Empty;
    private int _port;

    public async Task InitializeAsync()
    {
        await VerifyBackupData.CreateAsync(env.Database);
        var rds = await env.Cloud.GetRdsAsync();
        var region = env.Cloud.Stack.Region;
        if (await env.InstanceStatusAsync(StandingScratchCloud.ScratchInstance) is null)
        {
            _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            await rds.CallAsync(region, "createDBInstance", new JsonObject
            {
                ["DbInstanceIdentifier"] = StandingScratchCloud.ScratchInstance,
                ["DbInstanceClass"] = "db.t4g.micro",
                ["Engine"] = "postgres",
                ["MasterUsername"] = "postgres",
                ["MasterUserPassword"] = _password,
                ["AllocatedStorage"] = 20,
                ["BackupRetentionPeriod"] = 0,
            });
            for (var i = 0; i < 60 && await env.InstanceStatusAsync(StandingScratchCloud.ScratchInstance) != "available"; i++)
            {
            }

            _port = (await env.DescribeInstanceAsync(StandingScratchCloud.ScratchInstance))["Endpoint"]!["Port"]!.GetValue<int>();
            var secret = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["engine"] = "postgres", ["username"] = "postgres", ["password"] = _password, ["host"] = "127.0.0.1", ["port"] = _port, ["dbname"] = "postgres",
            });
            env.Cloud.SecretsManager.Store.CreateIfAbsent(StandingScratchCloud.ScratchSecret, secret);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Verify_WhenTheStackNamesAStandingScratchServer_ShouldVerifyThereAndCreateNothing()
    {
        // Arrange
        var backup = await env.InvokeAsync("PostgresBackupFunction", "{}");

        // Act
        var execution = await env.RunAsync(Machine, new { }, "verify-standing");

        // Assert: verified on the standing server, which is still there; no instance was created for the run.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal("standing", output["server"]!["kind"]!.GetValue<string>());
        Assert.Equal(backup["backupId"]!.GetValue<string>(), output["measure"]!["backupId"]!.GetValue<string>());
        Assert.True(output["verification"]!["passed"]!.GetValue<bool>());
        Assert.Equal("available", await env.InstanceStatusAsync(StandingScratchCloud.ScratchInstance));
        Assert.Null(await env.InstanceStatusAsync("verify-verify-standing"));
        Assert.Equal(0L, await VerifyBackupData.ScratchDatabasesAsync(":verify-standing"));
        Assert.Equal(0L, await ScratchDatabasesOnStandingServerAsync());
        Assert.Contains(env.Cloud.Sns.Messages,
            m => m.Subject == "DR: backup verified" && m.Message.Contains(StandingScratchCloud.ScratchInstance, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_WhenTheStandingServerLacksFreeStorage_ShouldRefuseNamingBothFiguresAndTouchNothing()
    {
        // Arrange
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var verifiedBefore = await VerifyBackupData.VerifiedIndexAsync(env);
        var dimensions = new Dictionary<string, string> { ["DBInstanceIdentifier"] = StandingScratchCloud.ScratchInstance };
        env.Cloud.CloudWatch.SetServiceMetric("AWS/RDS", "FreeStorageSpace", dimensions, 4096);
        try
        {
            // Act
            var execution = await env.RunAsync(Machine, new { }, "verify-standing-full");

            // Assert
            Assert.Equal("FAILED", execution.Status);
            Assert.Equal("InsufficientStorageException", execution.Error);
            Assert.Contains("has 4096 bytes free", execution.Cause, StringComparison.Ordinal);
            Assert.Contains("needs ", execution.Cause, StringComparison.Ordinal);
            Assert.Equal(verifiedBefore, await VerifyBackupData.VerifiedIndexAsync(env));
            Assert.Equal(0L, await ScratchDatabasesOnStandingServerAsync());
            Assert.Equal("available", await env.InstanceStatusAsync(StandingScratchCloud.ScratchInstance));
        }
        finally
        {
            env.Cloud.CloudWatch.RemoveServiceMetric("AWS/RDS", "FreeStorageSpace", dimensions);
        }
    }

    private async Task<long> ScratchDatabasesOnStandingServerAsync()
    {
        var secret = JsonNode.Parse(env.Cloud.SecretsManager.Store.GetValue(StandingScratchCloud.ScratchSecret).SecretString!)!;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = secret["port"]!.GetValue<int>(),
            Username = "postgres",
            Password = secret["password"]!.GetValue<string>(),
            Database = "postgres",
        };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'dr\\_verify\\_%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
