using System.Globalization;
using System.Text.Json.Nodes;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// Adopting the cluster that <c>local/servers</c> runs, as the local cloud does with the plan's production
/// database. The script runs on a private state folder and private ports, so the shared servers are untouched.
/// </summary>
public sealed class AdoptionTests : IAsyncLifetime
{
    private PrivateLocalServers _private = null!;
    private RdsTestEnvironment _rds = null!;
    private ServersInfo _servers = null!;

    public async Task InitializeAsync()
    {
        _private = PrivateLocalServers.Start("rds-servers-");
        _servers = TestSupport.LocalServers.ReadInfo(_private.ServersJson);
        _rds = await RdsTestEnvironment.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _rds.DisposeAsync();
        _private.Dispose();
    }

    [Fact]
    public async Task AdoptInstanceAsync_WhenGivenServersJson_ShouldRegisterTheRunningClusterAndRestoreItToAPointInTime()
    {
        await using (var setup = await Connect())
        {
            await RdsTestEnvironment.ExecuteAsync(setup, "CREATE DATABASE technician_marketplace");
        }

        var adopted = await _rds.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(_private.ServersJson));
        await using var connection = await Connect("technician_marketplace");
        await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE technicians (name text); INSERT INTO technicians VALUES ('amina'), ('bo')");
        await Task.Delay(50);
        var beforeMistake = (await RdsTestEnvironment.ScalarAsync<DateTime>(connection, "SELECT clock_timestamp()")).ToUniversalTime();
        await Task.Delay(50);
        await RdsTestEnvironment.ExecuteAsync(connection, "TRUNCATE technicians");
        await _rds.Emulator.FlushWalArchiveAsync("technician-marketplace");

        await _rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "technician-marketplace",
            ["TargetDBInstanceIdentifier"] = "technician-marketplace-restored",
            ["RestoreTime"] = beforeMistake.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        });
        var (restored, _) = await _rds.WaitForInstanceAsync("technician-marketplace-restored", "available");
        await using var restoredConnection = await RdsTestEnvironment.ConnectAsync(restored, _servers.Postgres.Password, "technician_marketplace");
        var technicians = await RdsTestEnvironment.ScalarAsync<long>(restoredConnection, "SELECT count(*) FROM technicians");
        var remaining = await RdsTestEnvironment.ScalarAsync<long>(connection, "SELECT count(*) FROM technicians");

        Assert.Equal("technician-marketplace", adopted["DbInstanceIdentifier"]!.GetValue<string>());
        Assert.Equal("available", adopted["DbInstanceStatus"]!.GetValue<string>());
        Assert.Equal(_servers.Postgres.Port, adopted["Endpoint"]!["Port"]!.GetValue<int>());
        Assert.True(adopted["DeletionProtection"]!.GetValue<bool>());
        Assert.NotNull(adopted["LatestRestorableTime"]);
        Assert.Equal(2, technicians);
        Assert.Equal(0, remaining);
    }

    [Fact]
    public async Task AdoptInstanceAsync_WhenTheDamageCameBeforeTheAdoption_ShouldRestoreToBeforeItFromTheServersBaseBackup()
    {
        // Everything here happens after local/servers start and before any emulator touched the cluster.
        await using (var setup = await Connect())
        {
            await RdsTestEnvironment.ExecuteAsync(setup, "CREATE DATABASE technician_marketplace");
        }

        DateTime beforeMistake;
        await using (var early = await Connect("technician_marketplace"))
        {
            await RdsTestEnvironment.ExecuteAsync(early, "CREATE TABLE technicians (name text); INSERT INTO technicians VALUES ('amina'), ('bo')");
            await Task.Delay(50);
            beforeMistake = (await RdsTestEnvironment.ScalarAsync<DateTime>(early, "SELECT clock_timestamp()")).ToUniversalTime();
            await Task.Delay(50);
            await RdsTestEnvironment.ExecuteAsync(early, "DELETE FROM technicians WHERE name = 'bo'");
        }

        var adopted = await _rds.Emulator.AdoptInstanceAsync(AdoptedInstance.FromServersJson(_private.ServersJson));
        await _rds.Emulator.FlushWalArchiveAsync("technician-marketplace");
        var window = (await _rds.CallAsync("describeDBInstanceAutomatedBackups", new JsonObject { ["DbInstanceIdentifier"] = "technician-marketplace" }))
            ["DbInstanceAutomatedBackups"]![0]!["RestoreWindow"]!;
        await _rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "technician-marketplace",
            ["TargetDBInstanceIdentifier"] = "before-the-adoption",
            ["RestoreTime"] = beforeMistake.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        });
        var (restored, _) = await _rds.WaitForInstanceAsync("before-the-adoption", "available");
        await using var restoredConnection = await RdsTestEnvironment.ConnectAsync(restored, _servers.Postgres.Password, "technician_marketplace");
        var technicians = await RdsTestEnvironment.ScalarAsync<long>(restoredConnection, "SELECT count(*) FROM technicians");

        Assert.True(Utc(window["EarliestTime"]) < beforeMistake, $"the window opens at {window["EarliestTime"]}");
        Assert.True(Utc(adopted["InstanceCreateTime"]) > beforeMistake, "the adoption came after the damage in this test");
        Assert.Equal(2, technicians);
    }

    [Fact]
    public async Task AdoptInstanceAsync_WhenTheServersHaveNoBaseBackup_ShouldTakeOneItself()
    {
        var servers = AdoptedInstance.FromServersJson(_private.ServersJson) with { BaseBackupDirectory = null };

        var adopted = await _rds.Emulator.AdoptInstanceAsync(servers);
        var window = (await _rds.CallAsync("describeDBInstanceAutomatedBackups", new JsonObject { ["DbInstanceIdentifier"] = "technician-marketplace" }))
            ["DbInstanceAutomatedBackups"]![0]!["RestoreWindow"]!;

        Assert.True(Utc(window["EarliestTime"]) >= Utc(adopted["InstanceCreateTime"]));
    }

    /// <summary>An RDS timestamp (ISO 8601 text) as a UTC DateTime.</summary>
    private static DateTime Utc(JsonNode? time) =>
        DateTime.Parse(time!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    [Fact]
    public async Task AdoptInstanceAsync_WhenCalledAgainAndDisposed_ShouldChangeNothingAndLeaveTheClusterRunning()
    {
        var servers = AdoptedInstance.FromServersJson(_private.ServersJson);
        var first = await _rds.Emulator.AdoptInstanceAsync(servers);

        var second = await _rds.Emulator.AdoptInstanceAsync(servers);
        var deletion =
            await _rds.FailsAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "technician-marketplace", ["SkipFinalSnapshot"] = true });
        await _rds.ReopenAsync();
        var afterRestart = await _rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "technician-marketplace" });

        Assert.Equal(first["DbiResourceId"]!.GetValue<string>(), second["DbiResourceId"]!.GetValue<string>());
        Assert.Equal("InvalidParameterCombination", deletion.ErrorCode);
        Assert.True(RdsTestEnvironment.PortOpen(_servers.Postgres.Port), "disposing the emulator stopped the adopted cluster");
        Assert.Equal("available", afterRestart["DbInstances"]![0]!["DbInstanceStatus"]!.GetValue<string>());
        Assert.Single(Directory.GetDirectories(Path.Combine(_rds.StateDirectory, "pg", "backups", first["DbiResourceId"]!.GetValue<string>())));
    }

    private async Task<NpgsqlConnection> Connect(string database = "postgres")
    {
        var connection = new NpgsqlConnection(_servers.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        return connection;
    }
}
