using System.Text.Json.Nodes;
using Npgsql;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>Create, rename, tag, change the password of and delete instances, each a real cluster.</summary>
public sealed class InstanceLifecycleTests : IAsyncLifetime
{
    private RdsTestEnvironment _rds = null!;

    public async Task InitializeAsync() => _rds = await RdsTestEnvironment.StartAsync();

    public async Task DisposeAsync() => await _rds.DisposeAsync();

    [Fact]
    public async Task CreateDbInstance_WhenCreated_ShouldAcceptTheMasterPasswordOverTcpAndNeverStoreOrLogIt()
    {
        var password = RdsTestEnvironment.NewPassword();

        var instance = await _rds.CreateInstanceAsync("orders-db", password);
        await using var connection = await RdsTestEnvironment.ConnectAsync(instance, password);
        var database = await RdsTestEnvironment.ScalarAsync<string>(connection, "SELECT current_database()");
        var wrong = await Assert.ThrowsAsync<PostgresException>(() => RdsTestEnvironment.ConnectAsync(instance, "Wrong-password-1"));
        var stateFiles = Directory.EnumerateFiles(_rds.StateDirectory, "*", SearchOption.TopDirectoryOnly).Select(File.ReadAllText);

        Assert.Equal("marketplace", database);
        Assert.Equal("28P01", wrong.SqlState);
        Assert.Equal("127.0.0.1", instance["Endpoint"]!["Address"]!.GetValue<string>());
        Assert.Equal("arn:aws:rds:us-east-1:000000000000:db:orders-db", instance["DbInstanceArn"]!.GetValue<string>());
        Assert.StartsWith("15.", instance["EngineVersion"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(stateFiles, text => text.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(password, _rds.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteDbInstance_WhenTheEmulatorStopsRightAfterIt_ShouldStillFinishTheDeleteAndRemoveTheFolders()
    {
        var instance = await _rds.CreateInstanceAsync("short-lived", RdsTestEnvironment.NewPassword(), backupRetentionPeriod: 0);
        var resourceId = instance["DbiResourceId"]!.GetValue<string>();
        var folder = Path.Combine(_rds.StateDirectory, "pg", "instances", resourceId);
        Assert.True(Directory.Exists(folder), $"{folder} does not exist while the instance does");

        var deleting = await _rds.CallAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "short-lived", ["SkipFinalSnapshot"] = true });
        await _rds.Emulator.DisposeAsync(); // what the local cloud does when a flow's execution has ended
        var state = await File.ReadAllTextAsync(Path.Combine(_rds.StateDirectory, "state.json"));

        Assert.Equal("deleting", deleting["DbInstance"]!["DbInstanceStatus"]!.GetValue<string>());
        Assert.False(Directory.Exists(folder), $"{folder} is left behind");
        Assert.DoesNotContain(resourceId, state, StringComparison.Ordinal);
        Assert.False(RdsTestEnvironment.PortOpen(instance["Endpoint"]!["Port"]!.GetValue<int>()));
    }

    [Fact]
    public async Task CreateDbInstance_WhenIdentifierIsTaken_ShouldFailWithDbInstanceAlreadyExists()
    {
        await _rds.CreateInstanceAsync("taken", RdsTestEnvironment.NewPassword(), backupRetentionPeriod: 0);

        var error = await _rds.FailsAsync("createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "TAKEN",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
            ["MasterUsername"] = "master",
            ["MasterUserPassword"] = RdsTestEnvironment.NewPassword(),
            ["AllocatedStorage"] = 20,
        });

        Assert.Equal("Rds.DbInstanceAlreadyExistsException", error.ErrorName);
    }

    [Fact]
    public async Task ModifyDbInstance_WhenNewIdentifierAndApplyImmediately_ShouldRenameAndKeepTheCluster()
    {
        var password = RdsTestEnvironment.NewPassword();
        var before = await _rds.CreateInstanceAsync("old-name", password, backupRetentionPeriod: 0);

        var modified = await _rds.CallAsync("modifyDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "old-name",
            ["NewDBInstanceIdentifier"] = "new-name",
            ["ApplyImmediately"] = true,
        });
        var oldName = await _rds.FailsAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "old-name" });
        var (after, _) = await _rds.WaitForInstanceAsync("new-name", "available");
        await using var connection = await RdsTestEnvironment.ConnectAsync(after, password);

        Assert.Equal("new-name", modified["DbInstance"]!["DbInstanceIdentifier"]!.GetValue<string>());
        Assert.Equal("Rds.DbInstanceNotFoundException", oldName.ErrorName);
        Assert.Equal(before["DbiResourceId"]!.GetValue<string>(), after["DbiResourceId"]!.GetValue<string>());
        Assert.Equal(before["Endpoint"]!["Port"]!.GetValue<int>(), after["Endpoint"]!["Port"]!.GetValue<int>());
        Assert.Equal("arn:aws:rds:us-east-1:000000000000:db:new-name", after["DbInstanceArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModifyDbInstance_WhenRenameIsNotAppliedImmediately_ShouldLeaveItPending()
    {
        await _rds.CreateInstanceAsync("keeps-name", RdsTestEnvironment.NewPassword(), backupRetentionPeriod: 0);

        var modified = await _rds.CallAsync("modifyDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "keeps-name",
            ["NewDBInstanceIdentifier"] = "later-name",
        });

        Assert.Equal("keeps-name", modified["DbInstance"]!["DbInstanceIdentifier"]!.GetValue<string>());
        Assert.Equal("later-name", modified["DbInstance"]!["PendingModifiedValues"]!["DbInstanceIdentifier"]!.GetValue<string>());
    }

    [Fact]
    public async Task ModifyDbInstance_WhenMasterUserPasswordChanges_ShouldAcceptOnlyTheNewPassword()
    {
        var oldPassword = RdsTestEnvironment.NewPassword();
        var newPassword = RdsTestEnvironment.NewPassword();
        var instance = await _rds.CreateInstanceAsync("rotated", oldPassword, backupRetentionPeriod: 0);

        var modified = await _rds.CallAsync("modifyDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "rotated",
            ["MasterUserPassword"] = newPassword,
            ["ApplyImmediately"] = true,
        });
        await using var connection = await RdsTestEnvironment.ConnectAsync(instance, newPassword);
        var old = await Assert.ThrowsAsync<PostgresException>(() => RdsTestEnvironment.ConnectAsync(instance, oldPassword));

        Assert.Equal("****", modified["DbInstance"]!["PendingModifiedValues"]!["MasterUserPassword"]!.GetValue<string>());
        Assert.Equal("28P01", old.SqlState);
        Assert.DoesNotContain(newPassword, modified.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(newPassword, _rds.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteDbInstance_WhenSkipFinalSnapshot_ShouldStopTheClusterCloseThePortAndRemoveTheData()
    {
        var instance = await _rds.CreateInstanceAsync("doomed", RdsTestEnvironment.NewPassword());
        var port = instance["Endpoint"]!["Port"]!.GetValue<int>();
        var folder = Path.Combine(_rds.StateDirectory, "pg", "instances", instance["DbiResourceId"]!.GetValue<string>());
        var backups = Path.Combine(_rds.StateDirectory, "pg", "backups", instance["DbiResourceId"]!.GetValue<string>());
        var dataExisted = Directory.Exists(Path.Combine(folder, "data"));

        var response = await _rds.CallAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "doomed", ["SkipFinalSnapshot"] = true });
        var statuses = new List<string>();
        RdsEmulatorException? gone = null;
        while (gone is null)
        {
            try
            {
                var described = await _rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "doomed" });
                statuses.Add(described["DbInstances"]![0]!["DbInstanceStatus"]!.GetValue<string>());
            }
            catch (RdsEmulatorException e)
            {
                gone = e;
            }
        }

        Assert.True(dataExisted);
        Assert.Equal("deleting", response["DbInstance"]!["DbInstanceStatus"]!.GetValue<string>());
        Assert.Equal("deleting", statuses[0]);
        Assert.Equal("Rds.DbInstanceNotFoundException", gone.ErrorName);
        Assert.False(RdsTestEnvironment.PortOpen(port), $"port {port} still accepts connections");
        Assert.False(Directory.Exists(folder), $"{folder} is still there");
        Assert.False(Directory.Exists(backups), $"{backups} is still there");
    }

    [Fact]
    public async Task DeleteDbInstance_WhenFinalSnapshotIdentifier_ShouldLeaveASnapshotThatRestores()
    {
        var password = RdsTestEnvironment.NewPassword();
        var instance = await _rds.CreateInstanceAsync("retiring", password, backupRetentionPeriod: 0);
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE legacy AS SELECT 42 AS answer");
        }

        await _rds.CallAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "retiring", ["FinalDBSnapshotIdentifier"] = "retiring-final" });
        var (snapshot, _) = await _rds.WaitForSnapshotAsync("retiring-final");
        await _rds.CallAsync("restoreDBInstanceFromDBSnapshot",
            new JsonObject { ["DbInstanceIdentifier"] = "revived", ["DbSnapshotIdentifier"] = "retiring-final" });
        var (revived, _) = await _rds.WaitForInstanceAsync("revived", "available");
        await using var revivedConnection = await RdsTestEnvironment.ConnectAsync(revived, password);
        var answer = await RdsTestEnvironment.ScalarAsync<int>(revivedConnection, "SELECT answer FROM legacy");

        Assert.Equal("retiring", snapshot["DbInstanceIdentifier"]!.GetValue<string>());
        Assert.Equal(42, answer);
    }

    [Fact]
    public async Task DeleteDbInstance_WhenDeletionProtectionIsOn_ShouldFailAndKeepTheInstance()
    {
        await _rds.CreateInstanceAsync("protected", RdsTestEnvironment.NewPassword(), backupRetentionPeriod: 0);
        await _rds.CallAsync("modifyDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "protected", ["DeletionProtection"] = true });

        var error = await _rds.FailsAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "protected", ["SkipFinalSnapshot"] = true });
        var (still, _) = await _rds.WaitForInstanceAsync("protected", "available");

        Assert.Equal("Rds.RdsException", error.ErrorName);
        Assert.Equal("InvalidParameterCombination", error.ErrorCode);
        Assert.True(still["DeletionProtection"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AddTagsToResource_WhenTagsAreAddedAndRemoved_ShouldListWhatRemains()
    {
        var instance = await _rds.CreateInstanceAsync("tagged", RdsTestEnvironment.NewPassword(), backupRetentionPeriod: 0);
        var arn = instance["DbInstanceArn"]!.GetValue<string>();

        await _rds.CallAsync("addTagsToResource", new JsonObject
        {
            ["ResourceName"] = arn,
            ["Tags"] = new JsonArray(
                new JsonObject { ["Key"] = "environment", ["Value"] = "production" },
                new JsonObject { ["Key"] = "owner", ["Value"] = "dr-team" }),
        });
        await _rds.CallAsync("addTagsToResource", new JsonObject
        {
            ["ResourceName"] = arn,
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "environment", ["Value"] = "staging" }),
        });
        await _rds.CallAsync("removeTagsFromResource", new JsonObject { ["ResourceName"] = arn, ["TagKeys"] = new JsonArray("owner") });
        var listed = await _rds.CallAsync("listTagsForResource", new JsonObject { ["ResourceName"] = arn });
        var unknown = await _rds.FailsAsync("listTagsForResource", new JsonObject { ["ResourceName"] = "arn:aws:rds:us-east-1:000000000000:db:nobody" });

        var tag = Assert.Single(listed["TagList"]!.AsArray());
        Assert.Equal("environment", tag!["Key"]!.GetValue<string>());
        Assert.Equal("staging", tag["Value"]!.GetValue<string>());
        Assert.Equal("Rds.DbInstanceNotFoundException", unknown.ErrorName);
    }

    [Fact]
    public async Task DeleteDbInstance_WhenInstanceIsStillCreating_ShouldStopTheCreationAndRemoveEverything()
    {
        var created = await _rds.CallAsync("createDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "abandoned",
            ["DbInstanceClass"] = "db.t3.micro",
            ["Engine"] = "postgres",
            ["MasterUsername"] = "master",
            ["MasterUserPassword"] = RdsTestEnvironment.NewPassword(),
            ["AllocatedStorage"] = 20,
        });
        var resourceId = created["DbInstance"]!["DbiResourceId"]!.GetValue<string>();

        await _rds.CallAsync("deleteDBInstance", new JsonObject { ["DbInstanceIdentifier"] = "abandoned", ["SkipFinalSnapshot"] = true });
        RdsEmulatorException? gone = null;
        while (gone is null)
        {
            gone = await Record.ExceptionAsync(() =>
                _rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "abandoned" })) as RdsEmulatorException;
        }

        Assert.Equal("Rds.DbInstanceNotFoundException", gone.ErrorName);
        Assert.False(Directory.Exists(Path.Combine(_rds.StateDirectory, "pg", "instances", resourceId)));
        Assert.False(Directory.Exists(Path.Combine(_rds.StateDirectory, "pg", "archives", resourceId)));
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenSourceWasDeletedKeepingAutomatedBackups_ShouldRestoreFromTheRetainedBackups()
    {
        var password = RdsTestEnvironment.NewPassword();
        var instance = await _rds.CreateInstanceAsync("deleted-by-mistake", password);
        await using (var connection = await RdsTestEnvironment.ConnectAsync(instance, password))
        {
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE invoices AS SELECT generate_series(1, 5) AS id");
        }

        await _rds.Emulator.FlushWalArchiveAsync("deleted-by-mistake");
        await _rds.CallAsync("deleteDBInstance", new JsonObject
        {
            ["DbInstanceIdentifier"] = "deleted-by-mistake",
            ["SkipFinalSnapshot"] = true,
            ["DeleteAutomatedBackups"] = false,
        });
        while (await Record.ExceptionAsync(() =>
            _rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "deleted-by-mistake" })) is null)
        {
        }

        var retained = await _rds.CallAsync("describeDBInstanceAutomatedBackups", new JsonObject { ["DbInstanceIdentifier"] = "deleted-by-mistake" });
        await _rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDbiResourceId"] = instance["DbiResourceId"]!.GetValue<string>(),
            ["TargetDBInstanceIdentifier"] = "brought-back",
            ["UseLatestRestorableTime"] = true,
        });
        var (restored, _) = await _rds.WaitForInstanceAsync("brought-back", "available");
        await using var restoredConnection = await RdsTestEnvironment.ConnectAsync(restored, password);
        var invoices = await RdsTestEnvironment.ScalarAsync<long>(restoredConnection, "SELECT count(*) FROM invoices");

        Assert.Equal("retained", retained["DbInstanceAutomatedBackups"]![0]!["Status"]!.GetValue<string>());
        Assert.Equal(5, invoices);
    }
}
