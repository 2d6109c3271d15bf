using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>The emulator's state survives a restart of the local cloud, and so do the clusters.</summary>
public sealed class PersistenceTests : IAsyncLifetime
{
    private RdsTestEnvironment _rds = null!;

    public async Task InitializeAsync() => _rds = await RdsTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _rds.DisposeAsync();

    [Fact]
    public async Task OpenAsync_WhenTheStateFolderIsReused_ShouldBringBackInstancesSnapshotsTagsAndRunningClusters()
    {
        var password = RdsTestEnvironment.NewPassword();
        var instance = await _rds.CreateInstanceAsync("survivor", password);
        var port = instance["Endpoint"]!["Port"]!.GetValue<int>();
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE kept AS SELECT 'still here'::text AS note");
        }

        await _rds.CallAsync("addTagsToResource", new JsonObject
        {
            ["ResourceName"] = instance["DbInstanceArn"]!.GetValue<string>(),
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "tier", ["Value"] = "gold" }),
        });
        await _rds.CallAsync("us-west-2", "createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "west",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
            ["MasterUsername"] = "master",
            ["MasterUserPassword"] = password,
            ["AllocatedStorage"] = 20,
            ["BackupRetentionPeriod"] = 0,
        });
        await _rds.WaitForInstanceAsync("west", "available", "us-west-2");
        await _rds.CallAsync("createDBSnapshot", new JsonObject { ["DbInstanceIdentifier"] = "survivor", ["DbSnapshotIdentifier"] = "survivor-snap" });
        await _rds.WaitForSnapshotAsync("survivor-snap");

        await _rds.Emulator.DisposeAsync();
        var closedWhileStopped = !RdsTestEnvironment.PortOpen(port);
        await _rds.ReopenAsync();

        var (reloaded, statuses) = await _rds.WaitForInstanceAsync("survivor", "available");
        await using var again = await RdsTestEnvironment.ConnectAsync(reloaded, password);
        var note = await RdsTestEnvironment.ScalarAsync<string>(again, "SELECT note FROM kept");
        var tags = await _rds.CallAsync("listTagsForResource", new JsonObject { ["ResourceName"] = reloaded["DbInstanceArn"]!.GetValue<string>() });
        var snapshots = await _rds.CallAsync("describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = "survivor-snap" });
        var west = await _rds.CallAsync("us-west-2", "describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "west" });

        Assert.True(closedWhileStopped, "disposing the emulator left the cluster running");
        Assert.Equal(["available"], statuses);
        Assert.Equal(port, reloaded["Endpoint"]!["Port"]!.GetValue<int>());
        Assert.Equal("still here", note);
        Assert.NotNull(reloaded["LatestRestorableTime"]);
        Assert.Equal("gold", tags["TagList"]![0]!["Value"]!.GetValue<string>());
        Assert.Equal("available", snapshots["DbSnapshots"]![0]!["Status"]!.GetValue<string>());
        Assert.Equal("available", west["DbInstances"]![0]!["DbInstanceStatus"]!.GetValue<string>());
    }
}
