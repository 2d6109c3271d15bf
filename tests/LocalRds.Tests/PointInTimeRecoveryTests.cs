using System.Globalization;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalRds.Tests;

/// <summary>
/// The plan's §3.3/§4 accident, for real: rows are inserted, the time T is noted, then the rows are deleted
/// and the table dropped. Point-in-time restores replay the source's archived WAL onto its base backup.
/// </summary>
public sealed class PointInTimeRecoveryTests(PointInTimeRecoveryTests.Accident accident) : IClassFixture<PointInTimeRecoveryTests.Accident>
{
    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenRestoreTimeIsBeforeTheDeletion_ShouldBringBackTheRowsAndTheTable()
    {
        var response = await accident.Rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = Accident.Source,
            ["TargetDBInstanceIdentifier"] = "marketplace-before-deletion",
            ["RestoreTime"] = accident.BeforeDeletion.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "purpose", ["Value"] = "recover-orders" }),
        });
        var (restored, statuses) = await accident.Rds.WaitForInstanceAsync("marketplace-before-deletion", "available");

        await using var connection = await RdsTestEnvironment.ConnectAsync(restored, accident.Password);
        var orders = await RdsTestEnvironment.ScalarAsync<long>(connection, "SELECT count(*) FROM orders");
        var total = await RdsTestEnvironment.ScalarAsync<decimal>(connection, "SELECT sum(amount) FROM orders");
        var afterT = await RdsTestEnvironment.ScalarAsync<long>(connection, "SELECT count(*) FROM audit");
        await using var source = await RdsTestEnvironment.ConnectAsync(accident.SourceInstance, accident.Password);
        var sourceHasOrders = await RdsTestEnvironment.ScalarAsync<bool>(source, "SELECT to_regclass('orders') IS NOT NULL");

        Assert.Equal("creating", response["DbInstance"]!["DbInstanceStatus"]!.GetValue<string>());
        Assert.Equal("creating", statuses[0]);
        Assert.Equal(3, orders);
        Assert.Equal(60.00m, total);
        Assert.Equal(0, afterT);
        Assert.False(sourceHasOrders, "the source still has the table: the accident did not happen");
        Assert.NotEqual(accident.SourceInstance["Endpoint"]!["Port"]!.GetValue<int>(), restored["Endpoint"]!["Port"]!.GetValue<int>());
        Assert.Equal("recover-orders", restored["TagList"]![0]!["Value"]!.GetValue<string>());
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenUseLatestRestorableTime_ShouldContainEveryArchivedChange()
    {
        await accident.Rds.CallAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = Accident.Source,
            ["TargetDBInstanceIdentifier"] = "marketplace-latest",
            ["UseLatestRestorableTime"] = true,
        });
        var (restored, _) = await accident.Rds.WaitForInstanceAsync("marketplace-latest", "available");

        await using var connection = await RdsTestEnvironment.ConnectAsync(restored, accident.Password);
        var hasOrders = await RdsTestEnvironment.ScalarAsync<bool>(connection, "SELECT to_regclass('orders') IS NOT NULL");
        var audit = await RdsTestEnvironment.ScalarAsync<string>(connection, "SELECT note FROM audit");

        Assert.False(hasOrders);
        Assert.Equal("orders dropped", audit);
        Assert.True(restored["LatestRestorableTime"] is not null, "a restored instance is backed up at once, so it is restorable too");
    }

    [Fact]
    public async Task DescribeDbInstances_WhenWalIsArchived_ShouldReportTheLatestRestorableTimeAfterTheLastCommit()
    {
        var result = await accident.Rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = Accident.Source });
        var latest = DateTimeOffset.Parse(result["DbInstances"]![0]!["LatestRestorableTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        Assert.True(latest >= accident.LastCommit.AddMilliseconds(-1),
            $"LatestRestorableTime {latest:O} is before the last archived commit {accident.LastCommit:O}");
        Assert.True(latest <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task DescribeDbInstanceAutomatedBackups_WhenInstanceHasABackup_ShouldReportAWindowAroundTheAccident()
    {
        var result = await accident.Rds.CallAsync("describeDBInstanceAutomatedBackups", new JsonObject { ["DbInstanceIdentifier"] = Accident.Source });
        var backup = result["DbInstanceAutomatedBackups"]![0]!;
        var earliest = DateTimeOffset.Parse(backup["RestoreWindow"]!["EarliestTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var latest = DateTimeOffset.Parse(backup["RestoreWindow"]!["LatestTime"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        Assert.Equal("active", backup["Status"]!.GetValue<string>());
        Assert.True(earliest < accident.BeforeDeletion && accident.BeforeDeletion < latest, $"{earliest:O} < {accident.BeforeDeletion:O} < {latest:O}");
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenRestoreTimeIsInTheFuture_ShouldFailWithInvalidRestore()
    {
        var error = await accident.Rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = Accident.Source,
            ["TargetDBInstanceIdentifier"] = "marketplace-future",
            ["RestoreTime"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        });

        Assert.Equal("Rds.InvalidRestoreException", error.ErrorName);
        Assert.Contains("not within the restorable window", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenRestoreTimeIsBeforeTheFirstBackup_ShouldFailWithInvalidRestore()
    {
        var error = await accident.Rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = Accident.Source,
            ["TargetDBInstanceIdentifier"] = "marketplace-too-early",
            ["RestoreTime"] = accident.CreatedAt.AddMinutes(-5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        });

        Assert.Equal("Rds.InvalidRestoreException", error.ErrorName);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenTargetExists_ShouldFailWithDbInstanceAlreadyExists()
    {
        var error = await accident.Rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = Accident.Source,
            ["TargetDBInstanceIdentifier"] = Accident.Source,
            ["UseLatestRestorableTime"] = true,
        });

        Assert.Equal("Rds.DbInstanceAlreadyExistsException", error.ErrorName);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenSourceIsUnknown_ShouldFailWithDbInstanceNotFound()
    {
        var error = await accident.Rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "no-such-source",
            ["TargetDBInstanceIdentifier"] = "marketplace-nothing",
            ["UseLatestRestorableTime"] = true,
        });

        Assert.Equal("Rds.DbInstanceNotFoundException", error.ErrorName);
    }

    [Fact]
    public async Task RestoreDbInstanceToPointInTime_WhenSourceHasNoAutomatedBackups_ShouldFailWithPointInTimeRestoreNotEnabled()
    {
        await accident.Rds.CreateInstanceAsync("unbacked", RdsTestEnvironment.NewPassword(), backupRetentionPeriod: 0);

        var error = await accident.Rds.FailsAsync("restoreDBInstanceToPointInTime", new JsonObject
        {
            ["SourceDBInstanceIdentifier"] = "unbacked",
            ["TargetDBInstanceIdentifier"] = "unbacked-copy",
            ["UseLatestRestorableTime"] = true,
        });
        var described = await accident.Rds.CallAsync("describeDBInstances", new JsonObject { ["DbInstanceIdentifier"] = "unbacked" });

        Assert.Equal("Rds.PointInTimeRestoreNotEnabledException", error.ErrorName);
        Assert.Null(described["DbInstances"]![0]!["LatestRestorableTime"]);
    }

    /// <summary>One source instance and its accident, shared by the tests above.</summary>
    public sealed class Accident : IAsyncLifetime
    {
        public const string Source = "marketplace";

        public RdsTestEnvironment Rds { get; private set; } = null!;

        public string Password { get; } = RdsTestEnvironment.NewPassword();

        public JsonObject SourceInstance { get; private set; } = null!;

        public DateTimeOffset CreatedAt { get; private set; }

        /// <summary>T: after the orders were inserted, before they were deleted.</summary>
        public DateTimeOffset BeforeDeletion { get; private set; }

        public DateTimeOffset LastCommit { get; private set; }

        public async Task InitializeAsync()
        {
            Rds = await RdsTestEnvironment.StartAsync();
            CreatedAt = DateTimeOffset.UtcNow;

            // Creating the instance takes its first automated backup, as RDS does.
            SourceInstance = await Rds.CreateInstanceAsync(Source, Password);
            await using var connection = await RdsTestEnvironment.ConnectAsync(SourceInstance, Password);
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE orders (id int PRIMARY KEY, amount numeric(10,2))");
            await RdsTestEnvironment.ExecuteAsync(connection, "INSERT INTO orders VALUES (1, 10.00), (2, 20.00), (3, 30.00)");
            await RdsTestEnvironment.ExecuteAsync(connection, "CREATE TABLE audit (note text)");
            await Task.Delay(50);
            BeforeDeletion = (await RdsTestEnvironment.ScalarAsync<DateTime>(connection, "SELECT clock_timestamp()")).ToUniversalTime();
            await Task.Delay(50);
            await RdsTestEnvironment.ExecuteAsync(connection, "DELETE FROM orders");
            await RdsTestEnvironment.ExecuteAsync(connection, "DROP TABLE orders");
            await RdsTestEnvironment.ExecuteAsync(connection, "INSERT INTO audit VALUES ('orders dropped')");
            LastCommit = (await RdsTestEnvironment.ScalarAsync<DateTime>(connection, "SELECT clock_timestamp()")).ToUniversalTime();

            // RDS uploads WAL every five minutes; the test switches and archives it now.
            await Rds.Emulator.FlushWalArchiveAsync(Source);
        }

        public async Task DisposeAsync() => await Rds.DisposeAsync();
    }
}
