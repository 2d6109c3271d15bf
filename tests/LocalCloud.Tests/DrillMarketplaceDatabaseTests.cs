using DisasterRecovery.LocalCloud.Drill;
using DisasterRecovery.LocalCloud.Platform;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>The drill's marketplace database (Drill/marketplace.sql through MarketplaceDatabase) on the real local PostgreSQL.</summary>
[Collection(SharedMarketplaceDatabase.Name)]
public sealed class DrillMarketplaceDatabaseTests : IAsyncLifetime
{
    private readonly List<string> _databases = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await ExecuteAsync("postgres", $"DROP DATABASE IF EXISTS {MarketplaceDatabase.QuoteIdentifier(database)} WITH (FORCE)");
            await ExecuteAsync("postgres",
                $"DROP DATABASE IF EXISTS {MarketplaceDatabase.QuoteIdentifier(MarketplaceDatabase.BuildingName(database))} WITH (FORCE)");
        }
    }

    [Fact]
    public async Task EnsureAsync_WhenTheDatabaseDoesNotExist_ShouldCreateTheSchemaWithIdentityKeysAndForeignKeysAndTheScalesRows()
    {
        var name = NewName();

        var result = await MarketplaceDatabase.EnsureAsync(RealServers(), name, 2, CancellationToken.None);

        Assert.True(result.Created);
        Assert.Equal((name, 2), (result.Database, result.Scale));
        Assert.Equal(MarketplaceDatabase.RowsAt(2), result.Rows);
        Assert.Equal(10_600, result.Rows.Values.Sum());
        Assert.True(result.SizeBytes > 1_000_000, $"{result.SizeBytes} bytes");
        Assert.Equal(5L, await ScalarAsync<long>(name,
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES'"));
        Assert.Equal(
            "jobs_customer_id_fkey,jobs_technician_id_fkey,payments_job_id_fkey,reviews_customer_id_fkey,reviews_job_id_fkey,reviews_technician_id_fkey",
            await ScalarAsync<string>(name, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'"));
        var orphan = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(name,
            "INSERT INTO jobs (customer_id, trade, status, title, description, price_cents) VALUES (999999, 'hvac', 'requested', 't', 'd', 100)"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, orphan.SqlState);
        Assert.Equal(201L, await ScalarAsync<long>(name,
            "INSERT INTO technicians (full_name, email, phone, trade, hourly_rate_cents, city, bio) VALUES ('New Tech', 'new@example.com', '+1', 'hvac', " +
                "5000, 'Austin', '') RETURNING id"));
        Assert.Equal(0L, await ScalarAsync<long>(name,
            "SELECT count(*) FROM jobs j LEFT JOIN technicians t ON t.id = j.technician_id WHERE j.technician_id IS NOT NULL AND t.trade <> j.trade"));
        Assert.False(await ScalarAsync<bool>("postgres",
            $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{MarketplaceDatabase.BuildingName(name)}')"));
    }

    [Fact]
    public async Task EnsureAsync_WhenTheDatabaseExists_ShouldLeaveItAsItIsWhateverTheScaleAsked()
    {
        var name = NewName();
        await MarketplaceDatabase.EnsureAsync(RealServers(), name, 1, CancellationToken.None);
        await ExecuteAsync(name, "DELETE FROM reviews WHERE id <= 10");
        var empty = NewName();
        await ExecuteAsync("postgres", $"CREATE DATABASE {MarketplaceDatabase.QuoteIdentifier(empty)}");

        var again = await MarketplaceDatabase.EnsureAsync(RealServers(), name, 3, CancellationToken.None);
        var existingEmpty = await MarketplaceDatabase.EnsureAsync(RealServers(), empty, 1, CancellationToken.None);

        Assert.False(again.Created);
        Assert.Null(again.Scale);
        Assert.Equal(790, again.Rows["reviews"]);
        Assert.Equal(2000, again.Rows["jobs"]);
        Assert.False(existingEmpty.Created);
        Assert.Empty(existingEmpty.Rows);
        Assert.Contains("no marketplace tables", existingEmpty.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnsureAsync_WhenCalledConcurrently_ShouldBuildTheDatabaseOnceAndGiveEveryCallerItsRows()
    {
        var name = NewName();

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            Task.Run(() => MarketplaceDatabase.EnsureAsync(RealServers(), name, 1, CancellationToken.None))));

        Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(MarketplaceDatabase.RowsAt(1), r.Rows));
    }

    [Fact]
    public async Task EnsureAsync_WhenADeadBuildLeftItsDatabaseBehind_ShouldDropItAndBuildAfresh()
    {
        var name = NewName();
        var building = MarketplaceDatabase.BuildingName(name);
        await ExecuteAsync("postgres", $"CREATE DATABASE {MarketplaceDatabase.QuoteIdentifier(building)}");
        await ExecuteAsync(building, "CREATE TABLE half_built (id int)");

        var result = await MarketplaceDatabase.EnsureAsync(RealServers(), name, 1, CancellationToken.None);

        Assert.True(result.Created);
        Assert.False(await ScalarAsync<bool>("postgres", $"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = '{building}')"));
        Assert.False(await ScalarAsync<bool>(name, "SELECT to_regclass('half_built') IS NOT NULL"));
        Assert.Equal(MarketplaceDatabase.RowsAt(1), result.Rows);
    }

    [Fact]
    public async Task EnsureAsync_WhenBuiltTwiceAtTheSameScale_ShouldHoldIdenticalRows()
    {
        var (first, second) = (NewName(), NewName());
        await MarketplaceDatabase.EnsureAsync(RealServers(), first, 1, CancellationToken.None);
        await MarketplaceDatabase.EnsureAsync(RealServers(), second, 1, CancellationToken.None);

        foreach (var table in MarketplaceDatabase.Tables)
        {
            var digest = $"SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) FROM {table} AS t";
            Assert.Equal(await ScalarAsync<string>(first, digest), await ScalarAsync<string>(second, digest));
        }
    }

    [Fact]
    public async Task EnsureAsync_WhenThePasswordIsWrong_ShouldThrowLocalCloudExceptionWithoutAnyPassword()
    {
        var servers = RealServers() with { PostgresPassword = "wrong-password-0815" };

        var failure = await Assert.ThrowsAsync<LocalCloudException>(() => MarketplaceDatabase.EnsureAsync(servers, NewName(), 1, CancellationToken.None));

        Assert.Contains("password authentication failed", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-0815", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LocalServers.Postgres.Password, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(MarketplaceDatabase.MaxScale + 1)]
    public async Task EnsureAsync_WhenTheScaleIsOutOfRange_ShouldThrowBeforeConnecting(int scale)
    {
        var servers = RealServers() with { PostgresPort = 1 };

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MarketplaceDatabase.EnsureAsync(servers, "x", scale, CancellationToken.None));
    }

    [Fact]
    public async Task EnsureAsync_WhenNoNameIsGiven_ShouldMakeSureOfTechnicianMarketplace()
    {
        var result = await MarketplaceDatabase.EnsureAsync(RealServers(), 1, CancellationToken.None);

        Assert.Equal("technician_marketplace", result.Database);
        Assert.True(await ScalarAsync<bool>("postgres", "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'technician_marketplace')"));
        Assert.Equal(MarketplaceDatabase.Tables, result.Rows.Keys);
    }

    [Fact]
    public void Script_WhenRead_ShouldBeTheEmbeddedDrillSqlThatReadsTheScaleSetting()
    {
        var script = MarketplaceDatabase.Script;

        Assert.Contains("CREATE TABLE technicians", script, StringComparison.Ordinal);
        Assert.Contains("current_setting('marketplace.scale')", script, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(RepositoryPaths.Of("local", "Cloud", "Drill", "marketplace.sql")), script);
    }

    [Fact]
    public void BuildingName_WhenTheNameIsAtPostgresLimit_ShouldStayWithin63BytesAndDifferPerName()
    {
        var longName = new string('a', 60) + "xyz";
        var other = new string('a', 60) + "xyw";

        Assert.True(MarketplaceDatabase.BuildingName(longName).Length <= 63);
        Assert.NotEqual(MarketplaceDatabase.BuildingName(longName), MarketplaceDatabase.BuildingName(other));
        Assert.StartsWith("technician_marketplace__building_", MarketplaceDatabase.BuildingName("technician_marketplace"), StringComparison.Ordinal);
    }

    private string NewName()
    {
        var name = "drill_mk_" + Guid.NewGuid().ToString("N")[..12];
        _databases.Add(name);
        return name;
    }

    private static LocalServersInfo RealServers() => new(
        LocalServers.Postgres.Host, LocalServers.Postgres.Port, LocalServers.Postgres.User, LocalServers.Postgres.Password,
        LocalServers.Redis.Host, LocalServers.Redis.Port, LocalServers.Redis.Password);

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(LocalServers.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(LocalServers.Postgres.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
