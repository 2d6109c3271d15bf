using DisasterRecovery.Core;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>
/// Table recovery on a schema we did not write (pagila.sql: a partitioned payment whose foreign keys are declared on the
/// partitions, composite keys, triggers, views over tables and over views, a materialized view; foreign-key cycles; a
/// schema found first through search_path). Two real databases: production, and the recovered copy at T.
/// </summary>
public sealed class PagilaTests
{
    /// <summary>200 rentals and their 200 payments deleted (payments first, as the keys require).</summary>
    private const string RentalsDeleted = """
        DELETE FROM pagila.payment WHERE rental_id BETWEEN 101 AND 300;
        DELETE FROM pagila.rental WHERE rental_id BETWEEN 101 AND 300;
        """;

    [Theory]
    [InlineData("insert-missing", "pagila.payment", "pagila.rental")]
    [InlineData("insert-missing", "pagila.rental", "pagila.payment")]
    [InlineData("replace", "pagila.payment", "pagila.rental")]
    [InlineData("replace", "pagila.rental", "pagila.payment")]
    public async Task Write_WhenForeignKeysAreDeclaredOnPartitions_ShouldWriteParentsFirstWhateverTheRequestOrder(string mode, string first, string second)
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", RentalsDeleted);
        Assert.Equal(200L, await RecoveryScenario.ScalarAsync<long>(scenario.Recovered, "SELECT count(*) FROM pagila.payment") -
            await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM pagila.payment"));

        var result = await scenario.RunAsync(scenario.Request(mode, first, second));

        Assert.True(result.Committed);
        foreach (var table in new[] { "pagila.rental", "pagila.payment", "pagila.payment_p2022_01", "pagila.payment_p2022_02" })
        {
            Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, "ONLY " + table), await RecoveryScenario.RowsAsync(scenario.Production,
                "ONLY " + table));
        }

        if (mode == "insert-missing")
        {
            Assert.Equal([200L, 200L], result.Tables.Select(t => t.Inserted));
        }

        Assert.Equal([first, second], result.Tables.Select(t => t.Table)); // results stay in request order
    }

    [Theory]
    [InlineData("cycle.egg", "cycle.hen")]
    [InlineData("cycle.hen", "cycle.egg")]
    public async Task InsertMissing_WhenTheTablesReferenceEachOtherWithDeferrableKeys_ShouldDeferThemAndWriteBoth(string first, string second)
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", """
            BEGIN;
            SET CONSTRAINTS ALL DEFERRED;
            DELETE FROM cycle.egg WHERE id > 5;
            DELETE FROM cycle.hen WHERE id > 5;
            COMMIT;
            """);

        var result = await scenario.RunAsync(scenario.Request("insert-missing", first, second));

        Assert.True(result.Committed);
        Assert.Equal([5L, 5L], result.Tables.Select(t => t.Inserted));
        Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, "cycle.hen"), await RecoveryScenario.RowsAsync(scenario.Production, "cycle.hen"));
        Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, "cycle.egg"), await RecoveryScenario.RowsAsync(scenario.Production, "cycle.egg"));
    }

    [Theory]
    [InlineData("insert-missing")]
    [InlineData("replace")]
    public async Task Write_WhenTheTablesReferenceEachOtherWithKeysThatCannotBeDeferred_ShouldRefuseNamingTheCycleAndChangeNothing(string mode)
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", """
            UPDATE cycle.left_side SET right_id = NULL WHERE id > 5;
            DELETE FROM cycle.right_side WHERE id > 5;
            DELETE FROM cycle.left_side WHERE id > 5;
            """);
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(scenario.Request(mode, "cycle.left_side", "cycle.right_side")));

        Assert.Equal("tables", error.Field);
        foreach (var name in new[] { "cycle.left_side", "cycle.right_side", "left_side_right_id_fkey", "right_side_left_id_fkey", "not deferrable" })
        {
            Assert.Contains(name, error.Problem, StringComparison.Ordinal);
        }

        Assert.Equal(before, await RecoveryScenario.ContentsAsync(scenario.Production));
    }

    [Fact]
    public async Task InsertMissing_WhenADroppedTableTookViewsWithIt_ShouldRecreateTheViewsMissingInProductionAndNameThem()
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", """
            DROP TABLE pagila.film_actor CASCADE;
            DROP TABLE pagila.film_note;
            CREATE VIEW pagila.nicer_but_slower_film_list AS SELECT 'production''s own' AS note;
            """);

        var result = await scenario.RunAsync(scenario.Request("insert-missing", "pagila.film_actor"));

        Assert.True(result.Committed);
        Assert.True(result.Tables[0].Recreated);
        Assert.Equal(
            ["pagila.actor_film_count", "pagila.actor_info", "pagila.film_list"],
            result.Views.Where(v => v.Recreated).Select(v => v.View));
        Assert.Equal("materialized view", result.Views.Single(v => v.View == "pagila.actor_film_count").Kind);
        foreach (var view in new[] { "pagila.actor_info", "pagila.film_list", "pagila.actor_film_count" })
        {
            Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, view), await RecoveryScenario.RowsAsync(scenario.Production, view));
            Assert.Equal(
                await RecoveryScenario.TableSchemaAsync(scenario.Recovered, view),
                await RecoveryScenario.TableSchemaAsync(scenario.Production, view));
        }

        // A view production has again (its own) is left alone; one that cannot be recreated is a warning naming it and why.
        Assert.Equal(["(\"production's own\")"], await RecoveryScenario.RowsAsync(scenario.Production, "pagila.nicer_but_slower_film_list"));
        var skipped = result.Views.Single(v => v.View == "pagila.nicer_but_slower_film_list");
        Assert.False(skipped.Recreated);
        Assert.Contains("production has a view", skipped.Reason, StringComparison.Ordinal);
        var failed = result.Views.Single(v => v.View == "pagila.film_with_notes");
        Assert.False(failed.Recreated);
        Assert.Contains("film_note", failed.Reason, StringComparison.Ordinal);
        Assert.Contains(result.Tables[0].Warnings, w => w.Contains("pagila.film_with_notes", StringComparison.Ordinal) &&
            w.Contains("film_note", StringComparison.Ordinal));
        Assert.True(await RecoveryScenario.ScalarAsync<bool>(scenario.Production, "SELECT to_regclass('pagila.film_with_notes') IS NULL"));
        Assert.True(await RecoveryScenario.ScalarAsync<bool>(scenario.Production,
            "SELECT relispopulated FROM pg_class WHERE oid = 'pagila.actor_film_count'::regclass"));
    }

    [Fact]
    public async Task Preview_WhenADroppedTableTookViewsWithIt_ShouldNameTheViewsThatAWriteWouldRecreate()
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", "DROP TABLE pagila.film_actor CASCADE;");

        var result = await scenario.RunAsync(scenario.Request("preview", "pagila.film_actor"));

        Assert.False(result.Committed);
        Assert.Equal(
            ["pagila.actor_film_count", "pagila.actor_info", "pagila.film_list", "pagila.film_with_notes", "pagila.nicer_but_slower_film_list"],
            result.Views.Select(v => v.View));
        Assert.All(result.Views, v => Assert.False(v.Recreated));
        Assert.True(await RecoveryScenario.ScalarAsync<bool>(scenario.Production, "SELECT to_regclass('pagila.actor_info') IS NULL"));
    }

    [Theory]
    [InlineData("insert-missing")]
    [InlineData("check")]
    public async Task UnqualifiedName_ShouldResolveThroughTheConnectingRolesSearchPathAndSayWhichTableWasChosen(string mode)
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", "DELETE FROM shop.orders WHERE id > 7;");
        await RecoveryScenario.ExecuteAsync("postgres", $"ALTER DATABASE {SqlText.Ident(scenario.Production)} SET search_path = \"$user\", shop, public");
        var publicBefore = await RecoveryScenario.RowsAsync(scenario.Production, "public.orders");
        var request = mode == "check"
            ? new TableRecoveryRequest { Mode = "check", PlannedMode = "insert-missing", Target = scenario.Request("preview").Target, Tables = ["orders"] }
            : scenario.Request(mode, "orders");

        var result = await scenario.RunAsync(request);

        Assert.Equal("shop.orders", result.Tables[0].Table);
        Assert.Equal("orders", result.Tables[0].Requested);
        Assert.Contains("shop", result.Tables[0].ResolvedBy, StringComparison.Ordinal);
        Assert.Equal(publicBefore, await RecoveryScenario.RowsAsync(scenario.Production, "public.orders"));
        if (mode == "insert-missing")
        {
            Assert.Equal(3L, result.Tables[0].Inserted);
            Assert.Equal(
                await RecoveryScenario.RowsAsync(scenario.Recovered, "shop.orders"), await RecoveryScenario.RowsAsync(scenario.Production, "shop.orders"));
        }
    }

    [Fact]
    public async Task UnqualifiedName_WhenTheRolesOwnSchemaHasTheTable_ShouldChooseItAsUserInSearchPathDoes()
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", null);
        var user = await RecoveryScenario.ScalarAsync<string>(scenario.Production, "SELECT current_user::text");
        await RecoveryScenario.ExecuteAsync(scenario.Production,
            $"CREATE SCHEMA {SqlText.Ident(user)}; CREATE TABLE {SqlText.Ident(user)}.orders (id int PRIMARY KEY)");

        var result = await scenario.RunAsync(new TableRecoveryRequest
        {
            Mode = "check", PlannedMode = "replace", Target = scenario.Request("preview").Target, Tables = ["orders", "public.orders"],
        });

        Assert.Equal([new TableName(user, "orders").ToString(), "public.orders"], result.Tables.Select(t => t.Table));
        Assert.Null(result.Tables[1].ResolvedBy);
    }

    [Fact]
    public async Task UnqualifiedName_WhenItResolvesToATableAlsoNamedQualified_ShouldRefuseTheDuplicateNamingBothFields()
    {
        await using var scenario = await RecoveryScenario.CreateAsync("pagila.sql", null);
        await RecoveryScenario.ExecuteAsync("postgres", $"ALTER DATABASE {SqlText.Ident(scenario.Production)} SET search_path = shop, public");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(scenario.Request("preview", "shop.orders", "orders")));

        Assert.Equal("tables[1]", error.Field);
        Assert.Contains("tables[0]", error.Problem, StringComparison.Ordinal);
    }
}
