using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// describeDBInstances pages as RDS does: at most MaxRecords a call and a Marker while more remain (the sweeper
/// relies on it). The instances are only created; the emulator is disposed before most of their clusters start.
/// </summary>
public sealed class DescribePaginationTests : IAsyncLifetime
{
    private RdsTestEnvironment _rds = null!;

    public async Task InitializeAsync() => _rds = await RdsTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _rds.DisposeAsync();

    [Fact]
    public async Task DescribeDbInstances_WhenMoreInstancesThanMaxRecords_ShouldPageWithAMarkerUntilEveryInstanceIsListed()
    {
        // Arrange: 21 instances, one more than the smallest page RDS allows.
        var password = RdsTestEnvironment.NewPassword();
        var created = Enumerable.Range(1, 21).Select(i => $"page-{i:D2}").ToList();
        foreach (var identifier in created)
        {
            await _rds.CallAsync("createDBInstance", new JsonObject
            {
                ["DbInstanceIdentifier"] = identifier,
                ["DbInstanceClass"] = "db.t3.micro",
                ["Engine"] = "postgres",
                ["MasterUsername"] = "master",
                ["MasterUserPassword"] = password,
                ["AllocatedStorage"] = 20,
                ["BackupRetentionPeriod"] = 0,
            });
        }

        // Act
        var first = await _rds.CallAsync("describeDBInstances", new JsonObject { ["MaxRecords"] = 20 });
        var marker = first["Marker"]?.GetValue<string>();
        var second = marker is null ? null : await _rds.CallAsync("describeDBInstances", new JsonObject { ["MaxRecords"] = 20, ["Marker"] = marker });

        // Assert
        Assert.Equal(20, first["DbInstances"]!.AsArray().Count);
        Assert.NotNull(second);
        Assert.Null(second["Marker"]);
        var listed = first["DbInstances"]!.AsArray().Concat(second["DbInstances"]!.AsArray())
            .Select(i => i!["DbInstanceIdentifier"]!.GetValue<string>()).ToList();
        Assert.Equal(created, listed);
    }

    [Fact]
    public async Task DescribeDbInstances_WhenEverythingFitsOnePage_ShouldAnswerWithoutAMarker()
    {
        await _rds.CallAsync("createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "only-one",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
            ["MasterUsername"] = "master",
            ["MasterUserPassword"] = RdsTestEnvironment.NewPassword(),
            ["AllocatedStorage"] = 20,
            ["BackupRetentionPeriod"] = 0,
        });

        var page = await _rds.CallAsync("describeDBInstances", new JsonObject { ["MaxRecords"] = 20 });

        Assert.Single(page["DbInstances"]!.AsArray());
        Assert.False(page.AsObject().ContainsKey("Marker"));
    }
}
