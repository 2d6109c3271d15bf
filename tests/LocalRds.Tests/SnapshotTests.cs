using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>Manual snapshots: real base backups, restorable into new instances, copyable to another region.</summary>
public sealed class SnapshotTests(SnapshotTests.Source source) : IClassFixture<SnapshotTests.Source>
{
    [Fact]
    public async Task RestoreDbInstanceFromDbSnapshot_WhenSnapshotIsAvailable_ShouldServeTheDataAsOfTheSnapshotWithTheSourcePassword()
    {
        var response = await source.Rds.CallAsync("restoreDBInstanceFromDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = "from-snapshot",
            ["DbSnapshotIdentifier"] = Source.Snapshot,
            ["DbInstanceClass"] = "db.t3.small",
        });

        // A poll loop with no pause at all: the first describe reports the work, the second waits for it.
        var (restored, statuses) = await source.Rds.WaitForInstanceAsync("from-snapshot", "available");
        await using var connection = await RdsTestEnvironment.ConnectAsync(restored, source.Password);
        var customers = await RdsTestEnvironment.ScalarAsync<long>(connection, "SELECT count(*) FROM customers");

        Assert.Equal("creating", response["DbInstance"]!["DbInstanceStatus"]!.GetValue<string>());
        Assert.Null(response["DbInstance"]!["Endpoint"]);
        Assert.Equal(["creating", "available"], statuses);
        Assert.Equal(2, customers);
        Assert.Equal("db.t3.small", restored["DbInstanceClass"]!.GetValue<string>());
        Assert.Equal("master", restored["MasterUsername"]!.GetValue<string>());
    }

    [Fact]
    public async Task CopyDbSnapshot_WhenTargetIsAnotherRegion_ShouldMakeASeparateSnapshotThatRestoresThere()
    {
        var sourceArn = source.SnapshotDescription["DbSnapshotArn"]!.GetValue<string>();

        var copy = await source.Rds.CallAsync("us-west-2", "copyDBSnapshot", new JsonObject
        {
            ["SourceDBSnapshotIdentifier"] = sourceArn,
            ["TargetDBSnapshotIdentifier"] = "dr-copy",
            ["SourceRegion"] = "us-east-1",
            ["CopyTags"] = true,
        });
        var (copied, _) = await source.Rds.WaitForSnapshotAsync("dr-copy", "us-west-2");
        var inSourceRegion = await source.Rds.FailsAsync("describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = "dr-copy" });
        await source.Rds.CallAsync("us-west-2", "restoreDBInstanceFromDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = "dr-instance",
            ["DbSnapshotIdentifier"] = "dr-copy",
        });
        var (restored, _) = await source.Rds.WaitForInstanceAsync("dr-instance", "available", "us-west-2");
        await using var connection = await RdsTestEnvironment.ConnectAsync(restored, source.Password);
        var customers = await RdsTestEnvironment.ScalarAsync<long>(connection, "SELECT count(*) FROM customers");
        var eastInstances = await source.Rds.CallAsync("describeDBInstances", new JsonObject
        {
            ["Filters"] = new JsonArray(new JsonObject { ["Name"] = "db-instance-id", ["Values"] = new JsonArray("dr-instance") }),
        });

        Assert.Equal("pending", copy["DbSnapshot"]!["Status"]!.GetValue<string>());
        Assert.Equal("arn:aws:rds:us-west-2:000000000000:snapshot:dr-copy", copied["DbSnapshotArn"]!.GetValue<string>());
        Assert.Equal("us-east-1", copied["SourceRegion"]!.GetValue<string>());
        Assert.Equal(sourceArn, copied["SourceDBSnapshotIdentifier"]!.GetValue<string>());
        Assert.Equal("nightly", copied["TagList"]![0]!["Value"]!.GetValue<string>());
        Assert.Equal("Rds.DbSnapshotNotFoundException", inSourceRegion.ErrorName);
        Assert.Equal("arn:aws:rds:us-west-2:000000000000:db:dr-instance", restored["DbInstanceArn"]!.GetValue<string>());
        Assert.Equal(2, customers);
        Assert.Empty(eastInstances["DbInstances"]!.AsArray());
    }

    [Fact]
    public async Task CreateDbSnapshot_WhenIdentifierIsTaken_ShouldFailWithDbSnapshotAlreadyExists()
    {
        var error = await source.Rds.FailsAsync("createDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = Source.Instance,
            ["DbSnapshotIdentifier"] = Source.Snapshot,
        });

        Assert.Equal("Rds.DbSnapshotAlreadyExistsException", error.ErrorName);
    }

    [Fact]
    public async Task CreateDbSnapshot_WhenInstanceIsUnknown_ShouldFailWithDbInstanceNotFound()
    {
        var error = await source.Rds.FailsAsync("createDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = "no-such-db",
            ["DbSnapshotIdentifier"] = "orphan",
        });

        Assert.Equal("Rds.DbInstanceNotFoundException", error.ErrorName);
    }

    [Fact]
    public async Task DescribeDbSnapshots_WhenFilteredByInstance_ShouldListItsSnapshots()
    {
        var result = await source.Rds.CallAsync("describeDBSnapshots", new JsonObject { ["DbInstanceIdentifier"] = Source.Instance });

        Assert.Contains(result["DbSnapshots"]!.AsArray(), s => s!["DbSnapshotIdentifier"]!.GetValue<string>() == Source.Snapshot);
    }

    [Fact]
    public async Task DeleteDbSnapshot_WhenSnapshotIsAvailable_ShouldRemoveItsBackup()
    {
        await source.Rds.CallAsync("createDBSnapshot", new JsonObject
        {
            ["DbInstanceIdentifier"] = Source.Instance,
            ["DbSnapshotIdentifier"] = "short-lived",
        });
        await source.Rds.WaitForSnapshotAsync("short-lived");
        var before = Directory.GetDirectories(Path.Combine(source.Rds.StateDirectory, "pg", "snapshots")).Length;

        var deleted = await source.Rds.CallAsync("deleteDBSnapshot", new JsonObject { ["DbSnapshotIdentifier"] = "short-lived" });
        var after = Directory.GetDirectories(Path.Combine(source.Rds.StateDirectory, "pg", "snapshots")).Length;
        var error = await source.Rds.FailsAsync("describeDBSnapshots", new JsonObject { ["DbSnapshotIdentifier"] = "short-lived" });

        Assert.Equal("deleted", deleted["DbSnapshot"]!["Status"]!.GetValue<string>());
        Assert.Equal(before - 1, after);
        Assert.Equal("Rds.DbSnapshotNotFoundException", error.ErrorName);
    }

    /// <summary>An instance with two customers, snapshotted, then a third customer added after the snapshot.</summary>
    public sealed class Source : IAsyncLifetime
    {
        public const string Instance = "shop";
        public const string Snapshot = "shop-before-migration";

        public RdsTestEnvironment Rds { get; private set; } = null!;

        public string Password { get; } = RdsTestEnvironment.NewPassword();

        public JsonObject SnapshotDescription { get; private set; } = null!;

        /// <summary>Statuses a describe poll loop saw while the snapshot was made.</summary>
        public List<string> SnapshotStatuses { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Rds = await RdsTestEnvironment.StartAsync();
            var instance = await Rds.CreateInstanceAsync(Instance, Password, backupRetentionPeriod: 0);
            await using var connection = await RdsTestEnvironment.ConnectAsync(instance, Password);
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE customers (name text); INSERT INTO customers VALUES ('ada'), ('grace')");
            await Rds.CallAsync("addTagsToResource", new JsonObject
            {
                ["ResourceName"] = instance["DbInstanceArn"]!.GetValue<string>(),
                ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "schedule", ["Value"] = "nightly" }),
            });
            await Rds.CallAsync("modifyDBInstance", new JsonObject { ["DbInstanceIdentifier"] = Instance, ["CopyTagsToSnapshot"] = true });
            await Rds.CallAsync("createDBSnapshot", new JsonObject { ["DbInstanceIdentifier"] = Instance, ["DbSnapshotIdentifier"] = Snapshot });
            (SnapshotDescription, SnapshotStatuses) = await Rds.WaitForSnapshotAsync(Snapshot);
            await RdsTestEnvironment.ExecuteAsync(connection, "INSERT INTO customers VALUES ('linus')");
        }

        public async Task DisposeAsync() => await Rds.DisposeAsync();
    }

    [Fact]
    public void CreateDbSnapshot_WhenPolled_ShouldGoFromCreatingToAvailable()
    {
        Assert.Equal("creating", source.SnapshotStatuses[0]);
        Assert.Equal("available", source.SnapshotStatuses[^1]);
        Assert.Equal(100, source.SnapshotDescription["PercentProgress"]!.GetValue<int>());
        Assert.Equal("nightly", source.SnapshotDescription["TagList"]![0]!["Value"]!.GetValue<string>());
    }
}
