using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;
using Npgsql;

namespace DisasterRecovery.Postgres.Tests;

/// <summary>
/// Temporary databases are leased (an advisory lock on the creating session plus a lease comment): a sweep removes those whose
/// session is gone and whose lease is past the grace period, never one a live session holds, and puts back a restore target a
/// killed restore had renamed away.
/// </summary>
public sealed class TemporaryDatabasesTests
{
    private static readonly PostgresEndpoint Server = PostgresTestServer.Endpoint("postgres");

    [Fact]
    public async Task SweepAsync_WhenTheOwningSessionIsGone_ShouldDropTheDatabaseAndSayWhoOwnedIt()
    {
        // Arrange: a "killed" job's database: created with a lease an hour old, its session then closed.
        var name = await CreateLeasedAsync(TemporaryDatabases.Restore, "killed-job", TimeSpan.FromHours(1), keepOpen: false);

        // Act
        var swept = await TemporaryDatabases.SweepAsync(Server, null, null, CancellationToken.None);

        // Assert
        var removed = Assert.Single(swept, s => s.Name == name);
        Assert.Equal(SweptTemporary.Removed, removed.Outcome);
        Assert.Equal("killed-job", removed.Owner);
        Assert.Equal("restore-database", removed.Kind);
        Assert.False(await PostgresTestServer.DatabaseExistsAsync(name));
    }

    [Fact]
    public async Task SweepAsync_WhenAnotherSessionHoldsTheLease_ShouldNeverRemoveIt()
    {
        // Arrange: a live job's database (its session still open), as old as the killed one above.
        await using var owner = new NpgsqlConnection(Server.ConnectionString());
        await owner.OpenAsync();
        var name = await TemporaryDatabases.CreateAsync(owner, TemporaryDatabases.Verify, "live-job", DateTimeOffset.UtcNow.AddHours(-1),
            "TEMPLATE template0", CancellationToken.None);

        try
        {
            // Act: two sweeps, one with no grace at all.
            var first = await TemporaryDatabases.SweepAsync(Server, null, null, CancellationToken.None);
            var second = await TemporaryDatabases.SweepAsync(Server, new TemporaryDatabaseSweepOptions { Grace = TimeSpan.Zero }, null, CancellationToken.None);
            var listed = await ListAsync();

            // Assert
            Assert.DoesNotContain(first.Concat(second), s => s.Name == name);
            Assert.True(await PostgresTestServer.DatabaseExistsAsync(name));
            var database = Assert.Single(listed, d => d.Name == name);
            Assert.True(database.Held);
            Assert.Equal("live-job", database.Lease!.Owner);
        }
        finally
        {
            await owner.CloseAsync();
            await PostgresTestServer.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task SweepAsync_WhenTheLeaseIsYoungerThanTheGrace_ShouldKeepItUntilTheGraceIsOver()
    {
        // Arrange: unheld, created a minute ago.
        var name = await CreateLeasedAsync(TemporaryDatabases.Restore, "recent-job", TimeSpan.FromMinutes(1), keepOpen: false);

        // Act
        var withGrace = await TemporaryDatabases.SweepAsync(Server, null, null, CancellationToken.None);
        var existedAfterGrace = await PostgresTestServer.DatabaseExistsAsync(name);
        var withoutGrace = await TemporaryDatabases.SweepAsync(Server, new TemporaryDatabaseSweepOptions { Grace = TimeSpan.Zero }, null,
            CancellationToken.None);

        // Assert
        Assert.DoesNotContain(withGrace, s => s.Name == name);
        Assert.True(existedAfterGrace);
        Assert.Contains(withoutGrace, s => s.Name == name && s.Outcome == SweptTemporary.Removed);
        Assert.False(await PostgresTestServer.DatabaseExistsAsync(name));
    }

    [Fact]
    public async Task SweepAsync_WhenOnlyOtherKindsAreAsked_ShouldLeaveThisKind()
    {
        // Arrange
        var name = await CreateLeasedAsync(TemporaryDatabases.Verify, "killed-verification", TimeSpan.FromHours(1), keepOpen: false);

        try
        {
            // Act: a restore's start sweeps only restore and replaced databases.
            var swept = await TemporaryDatabases.SweepAsync(Server,
                new TemporaryDatabaseSweepOptions { Kinds = [TemporaryDatabases.Restore, TemporaryDatabases.Replaced] }, null, CancellationToken.None);

            // Assert
            Assert.DoesNotContain(swept, s => s.Name == name);
            Assert.True(await PostgresTestServer.DatabaseExistsAsync(name));
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(name);
        }
    }

    [Fact]
    public async Task SweepAsync_WhenARestoreDiedBetweenItsRenames_ShouldPutTheTargetBackUnderItsNameWithItsComment()
    {
        // Arrange: what SwapAsync leaves if killed after renaming the target away: the target under dr_replaced_…, leased.
        var target = await PostgresTestServer.CreateDatabaseAsync("swap_target");
        await PostgresTestServer.ExecuteAsync(target, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)");
        await PostgresTestServer.ExecuteAsync("postgres", $"COMMENT ON DATABASE \"{target}\" IS 'the shop''s data'");
        var replaced = TemporaryDatabases.NewName(TemporaryDatabases.Replaced);
        await using (var killed = new NpgsqlConnection(Server.ConnectionString()))
        {
            await killed.OpenAsync();
            await TemporaryDatabases.HoldAsync(killed, replaced, CancellationToken.None);
            await TemporaryDatabases.MarkAsync(killed, target, new TemporaryDatabaseLease(TemporaryDatabases.Replaced, "killed-restore",
                DateTimeOffset.UtcNow.AddHours(-1), target, "the shop's data"), CancellationToken.None);
            await PostgresTestServer.ExecuteAsync("postgres", $"ALTER DATABASE \"{target}\" WITH ALLOW_CONNECTIONS false");
            await PostgresTestServer.ExecuteAsync("postgres", $"ALTER DATABASE \"{target}\" RENAME TO \"{replaced}\"");
        }

        try
        {
            // Act
            var swept = await TemporaryDatabases.SweepAsync(Server, null, null, CancellationToken.None);

            // Assert
            var restored = Assert.Single(swept, s => s.Name == replaced);
            Assert.Equal(SweptTemporary.Restored, restored.Outcome);
            Assert.False(await PostgresTestServer.DatabaseExistsAsync(replaced));
            Assert.Equal(2L, await PostgresTestServer.ScalarAsync<long>(target, "SELECT count(*) FROM kept"));
            Assert.Equal("the shop's data", await PostgresTestServer.ScalarAsync<string>("postgres",
                $"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{target}'"));
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(target);
            await PostgresTestServer.DropDatabaseAsync(replaced);
        }
    }

    [Fact]
    public async Task SweepAsync_WhenARestoreDiedBeforeItsSwap_ShouldReopenTheTargetAtOnceWithItsCommentAndNeverDropIt()
    {
        // Arrange: what SwapAsync leaves if killed after leasing the target and closing it to connections, before the renames' transaction.
        var target = await PostgresTestServer.CreateDatabaseAsync("swap_closed");
        await PostgresTestServer.ExecuteAsync(target, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2), (3)");
        await using (var killed = new NpgsqlConnection(Server.ConnectionString()))
        {
            await killed.OpenAsync();
            await TemporaryDatabases.HoldAsync(killed, target, CancellationToken.None);
            // Leased just now: a closed target is production out of service, reopened as soon as its restore is dead, grace or not.
            await TemporaryDatabases.MarkAsync(killed, target, new TemporaryDatabaseLease(TemporaryDatabases.Replaced, "killed-restore",
                DateTimeOffset.UtcNow, target, "orders"), CancellationToken.None);
            await PostgresTestServer.ExecuteAsync("postgres", $"ALTER DATABASE \"{target}\" WITH ALLOW_CONNECTIONS false");

            // While the restore's session lives, a sweep leaves the target alone.
            var whileAlive = await TemporaryDatabases.SweepAsync(Server, new TemporaryDatabaseSweepOptions { Grace = TimeSpan.Zero }, null,
                CancellationToken.None);
            Assert.DoesNotContain(whileAlive, s => s.Name == target);
        }

        try
        {
            // Act
            var swept = await TemporaryDatabases.SweepAsync(Server, null, null, CancellationToken.None);

            // Assert: reopened, its rows and comment as they were.
            var reopened = Assert.Single(swept, s => s.Name == target);
            Assert.Equal(SweptTemporary.Restored, reopened.Outcome);
            Assert.Equal(3L, await PostgresTestServer.ScalarAsync<long>(target, "SELECT count(*) FROM kept"));
            Assert.Equal("orders", await PostgresTestServer.ScalarAsync<string>("postgres",
                $"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{target}'"));
        }
        finally
        {
            await PostgresTestServer.ExecuteAsync("postgres", $"ALTER DATABASE \"{target}\" WITH ALLOW_CONNECTIONS true");
            await PostgresTestServer.DropDatabaseAsync(target);
        }
    }

    [Fact]
    public void LeaseParse_WhenTheCommentIsNotALease_ShouldBeNull()
    {
        // Arrange
        var lease = new TemporaryDatabaseLease(TemporaryDatabases.Restore, "o\"wner's", DateTimeOffset.Parse("2026-12-07T15:00:00Z",
            System.Globalization.CultureInfo.InvariantCulture));

        // Act
        var parsed = TemporaryDatabaseLease.Parse(lease.ToJson());

        // Assert
        Assert.Equal(lease, parsed);
        Assert.Null(TemporaryDatabaseLease.Parse("the shop's data"));
        Assert.Null(TemporaryDatabaseLease.Parse("{\"owner\": \"x\"}"));
        Assert.Null(TemporaryDatabaseLease.Parse("{not json"));
    }

    private static async Task<string> CreateLeasedAsync(string kind, string owner, TimeSpan age, bool keepOpen)
    {
        var connection = new NpgsqlConnection(Server.ConnectionString());
        await connection.OpenAsync();
        var name = await TemporaryDatabases.CreateAsync(connection, kind, owner, DateTimeOffset.UtcNow - age, "TEMPLATE template0", CancellationToken.None);
        if (!keepOpen)
        {
            await connection.DisposeAsync();
        }

        return name;
    }

    private static async Task<IReadOnlyList<TemporaryDatabase>> ListAsync()
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString());
        await connection.OpenAsync();
        return await TemporaryDatabases.ListAsync(connection, CancellationToken.None);
    }
}
