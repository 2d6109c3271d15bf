using System.Text.Json.Nodes;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// statemachines/point-in-time-recovery.asl.json on a schema we did not write (tests/TableRecovery.Tests/pagila.sql: a
/// partitioned payment whose foreign keys are declared on the partitions, composite keys, a trigger, views over views, a
/// materialized view; a schema found first through search_path): real WAL replay to a side instance, real TableRecovery.
/// </summary>
public sealed class PointInTimeRecoveryPagilaTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>
{
    private const string Machine = "PointInTimeRecoveryStateMachine";

    [Theory]
    [InlineData("pagila.payment", "pagila.rental")]
    [InlineData("pagila.rental", "pagila.payment")]
    public async Task Recover_WhenRentalsAndTheirPaymentsWereDeleted_ShouldWriteParentsFirstWhateverTheRequestOrder(string first, string second)
    {
        // Arrange: 200 rentals and their 200 payments deleted at T.
        await CreatePagilaAsync();
        var rentalsBefore = await RowsOfAsync("pagila.rental");
        var paymentsBefore = await RowsOfAsync("pagila.payment");
        var t = await AfterAMomentAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, """
            DELETE FROM pagila.payment WHERE rental_id BETWEEN 101 AND 300;
            DELETE FROM pagila.rental WHERE rental_id BETWEEN 101 AND 300;
            """);
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);
        var name = "pitr-pagila-" + (first == "pagila.payment" ? "children-first" : "parents-first");

        // Act
        var execution = await env.RunAsync(
            Machine, new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { first, second }, mode = "insert-missing" }, name);

        // Assert: every row back, each payment in its partition; the side instance is gone.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        Assert.Equal(rentalsBefore, await RowsOfAsync("pagila.rental"));
        Assert.Equal(paymentsBefore, await RowsOfAsync("pagila.payment"));
        Assert.Equal(0L, await RecoveryCloud.ScalarAsync<long>(env.Database,
            "SELECT count(*) FROM ONLY pagila.payment_p2022_01 WHERE payment_date >= '2022-02-01 00:00:00+00'"));
        var recovery = JsonNode.Parse(execution.Output!)!["recovery"]!;
        Assert.Equal(400L, recovery["totals"]!["inserted"]!.GetValue<long>());
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-" + name));
    }

    [Fact]
    public async Task Recover_WhenATableWasDroppedWithCascade_ShouldBringBackItsViewsAndNameThem()
    {
        // Arrange: film_actor dropped with CASCADE at T, taking five views (some over others, one materialized) with it; the night's backup
        // lists the table (check accepts a table missing from production only then).
        await CreatePagilaAsync();
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var actorInfo = await RowsOfAsync("pagila.actor_info");
        var niceList = await RowsOfAsync("pagila.nicer_but_slower_film_list");
        var counts = await RowsOfAsync("pagila.actor_film_count");
        var t = await AfterAMomentAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, "DROP TABLE pagila.film_actor CASCADE");
        Assert.False(await RecoveryCloud.ScalarAsync<bool>(env.Database, "SELECT to_regclass('pagila.film_list') IS NOT NULL"));
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);

        // Act
        var execution = await env.RunAsync(
            Machine, new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "pagila.film_actor" }, mode = "insert-missing" },
            "pitr-pagila-views");

        // Assert: the views are back with their rows (the materialized one refreshed), each named in the flow's result.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        Assert.Equal(actorInfo, await RowsOfAsync("pagila.actor_info"));
        Assert.Equal(niceList, await RowsOfAsync("pagila.nicer_but_slower_film_list"));
        Assert.Equal(counts, await RowsOfAsync("pagila.actor_film_count"));
        var views = JsonNode.Parse(execution.Output!)!["recovery"]!["views"]!.AsArray();
        Assert.Equal(
            ["pagila.actor_film_count", "pagila.actor_info", "pagila.film_list", "pagila.film_with_notes", "pagila.nicer_but_slower_film_list"],
            views.Where(v => v!["recreated"]!.GetValue<bool>()).Select(v => v!["view"]!.GetValue<string>()));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-pitr-pagila-views"));
    }

    [Theory]
    [InlineData("insert_missing")]
    [InlineData("Replace")]
    public async Task Recover_WhenTheModeIsMisspelled_ShouldNameTheModeFieldAndRestoreNothing(string mode)
    {
        await CreatePagilaAsync();
        var t = await env.DatabaseTimeAsync();
        var name = "pitr-pagila-mode-" + mode.ToLowerInvariant().Replace('_', '-');

        var execution = await env.RunAsync(
            Machine, new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "pagila.rental" }, mode }, name);

        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("InvalidInputException", execution.Error);
        Assert.Contains("mode", execution.Cause, StringComparison.Ordinal);
        Assert.DoesNotContain("plannedMode", execution.Cause, StringComparison.Ordinal);
        Assert.Null(await env.InstanceStatusAsync("pitr-" + name));
    }

    [Fact]
    public async Task Recover_WhenTheNameHasNoSchema_ShouldUseProductionsSearchPathAndSayWhichTable()
    {
        // Arrange: the database's search_path puts shop before public; both have an orders table; shop's lost rows at T.
        await CreatePagilaAsync();
        await RecoveryCloud.ExecuteAsync("postgres", $"ALTER DATABASE \"{env.Database}\" SET search_path = \"$user\", shop, public");
        var shopBefore = await env.RowsAsync("shop.orders");
        var publicBefore = await env.RowsAsync("public.orders");
        var t = await AfterAMomentAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, "DELETE FROM shop.orders WHERE id > 4");
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);

        try
        {
            // Act
            var execution = await env.RunAsync(
                Machine, new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "orders" }, mode = "insert-missing" },
                "pitr-pagila-search-path");

            // Assert
            Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
            Assert.Equal(shopBefore, await env.RowsAsync("shop.orders"));
            Assert.Equal(publicBefore, await env.RowsAsync("public.orders"));
            var table = JsonNode.Parse(execution.Output!)!["recovery"]!["tables"]![0]!;
            Assert.Equal("shop.orders", table["table"]!.GetValue<string>());
            Assert.Equal("orders", table["requested"]!.GetValue<string>());
            Assert.Contains("shop", table["resolvedBy"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            await RecoveryCloud.ExecuteAsync("postgres", $"ALTER DATABASE \"{env.Database}\" RESET search_path");
        }
    }

    /// <summary>The rows of a table, partitioned table or view (COPY reads those only through a query).</summary>
    private Task<List<string>> RowsOfAsync(string relation) => env.RowsAsync($"(SELECT * FROM {relation})");

    private async Task<string> AfterAMomentAsync()
    {
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        var t = await env.DatabaseTimeAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        return t;
    }

    /// <summary>The Pagila-like schema, fresh for each test, in the fixture's database.</summary>
    private async Task CreatePagilaAsync()
    {
        await RecoveryCloud.ExecuteAsync(env.Database, "DROP SCHEMA IF EXISTS pagila, cycle, shop CASCADE; DROP TABLE IF EXISTS public.orders;");
        await RecoveryCloud.ExecuteAsync(env.Database, await File.ReadAllTextAsync(RepositoryPaths.Of("tests", "TableRecovery.Tests", "pagila.sql")));
    }
}
