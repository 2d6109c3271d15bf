namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>insert-missing: the plan §3.3 case — rows deleted and a table dropped at T, PITR to just before T, rows back.</summary>
public sealed class InsertMissingTests
{
    private static readonly string[] AllChosen = ["technicians", "jobs", "job_notes", "settings", "\"Sales\".\"Order Items\"", "invoices"];

    [Fact]
    public async Task InsertMissing_AfterPointInTimeRecovery_ShouldBringBackTheDeletedRowsAndTheDroppedTableAndChangeNothingElse()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);

        var result = await scenario.RunAsync(scenario.Request("insert-missing", AllChosen));

        Assert.True(result.Committed);
        Assert.Equal([3L, 5L, 11L, 2L, 3L, 30L], result.Tables.Select(t => t.Inserted));
        Assert.Equal(3 + 5 + 11 + 2 + 3 + 30, result.Totals.Inserted);
        var after = await RecoveryScenario.ContentsAsync(scenario.Production);

        // Every table in the request: what production had, plus exactly the recovered rows whose key it lacked.
        await AssertGainedExactlyAsync(scenario, before, after, "public.technicians", "id IN (45, 47, 50)");
        await AssertGainedExactlyAsync(scenario, before, after, "public.jobs", "id IN (SELECT md5('job' || g)::uuid FROM generate_series(91, 95) g)");
        await AssertGainedExactlyAsync(scenario, before, after, "public.job_notes",
            "job_id IN (SELECT md5('job' || g)::uuid FROM generate_series(91, 95) g) OR (job_id = md5('job1')::uuid AND line = 2)");
        await AssertGainedExactlyAsync(scenario, before, after, "public.settings", "key IN ('key-3', 'key-7')");
        await AssertGainedExactlyAsync(scenario, before, after, "\"Sales\".\"Order Items\"", "id > 17");

        // Changed rows keep production's values; rows added after T stay.
        Assert.Contains(after["public.technicians"], r => r.Contains("Renamed", StringComparison.Ordinal));
        Assert.Contains(after["public.technicians"], r => r.Contains("new@example.com", StringComparison.Ordinal));
        Assert.Contains(after["public.settings"], r => r == "(key-1,changed)");

        // The dropped table: same definition, same rows, its index and comment back.
        Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, "public.invoices"), after["public.invoices"]);
        Assert.Equal(
            await RecoveryScenario.TableSchemaAsync(scenario.Recovered, "public.invoices"),
            await RecoveryScenario.TableSchemaAsync(scenario.Production, "public.invoices"));
        Assert.True(result.Tables[5].Recreated);
        Assert.False(result.Tables[5].InProduction); // as it was when the request started
        Assert.Equal(["public.invoices_id_seq"], result.Tables[5].SequencesAdvanced);
        Assert.Contains(result.Tables[5].Warnings, w => w.Contains("payments_invoice_id_fkey", StringComparison.Ordinal));

        // Nothing else changed: every table outside the request is as it was.
        foreach (var table in before.Keys.Except(["public.technicians", "public.jobs", "public.job_notes", "public.settings", "\"Sales\".\"Order Items\""]))
        {
            Assert.Equal(before[table], after[table]);
        }

        Assert.Equal(before.Keys.Append("public.invoices").Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task InsertMissing_WhenSequencesAreBehindTheRestoredRows_ShouldMoveThemForwardOnly()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        await RecoveryScenario.ExecuteAsync(scenario.Production, "SELECT setval('\"Sales\".\"Order Items_id_seq\"', 5)");

        var result = await scenario.RunAsync(scenario.Request("insert-missing", "technicians", "\"Sales\".\"Order Items\"", "invoices"));

        // Order Items: rows up to id 20 are back, so the sequence must hand out 21 next, not 6.
        Assert.Equal(["\"Sales\".\"Order Items_id_seq\""], result.Tables[1].SequencesAdvanced);
        Assert.Equal(21L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT nextval('\"Sales\".\"Order Items_id_seq\"')"));

        // technicians: production's identity was already past every restored id (51); it is left alone.
        Assert.Empty(result.Tables[0].SequencesAdvanced);
        await RecoveryScenario.ExecuteAsync(scenario.Production, "INSERT INTO public.technicians (email, name) VALUES ('later@example.com', 'Later')");
        Assert.Equal(52, await RecoveryScenario.ScalarAsync<int>(scenario.Production, "SELECT id FROM public.technicians WHERE email = 'later@example.com'"));

        // invoices, recreated: its serial continues where the recovered instance's was.
        Assert.Equal(["public.invoices_id_seq"], result.Tables[2].SequencesAdvanced);
        Assert.Equal(31, await RecoveryScenario.ScalarAsync<int>(scenario.Production, "SELECT nextval('public.invoices_id_seq')::int"));
    }

    [Fact]
    public async Task InsertMissing_WhenTablesAreListedChildFirst_ShouldWriteParentsFirst()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var written = new List<string>();

        var result = await scenario.RunAsync(
            scenario.Request("insert-missing", "job_notes", "jobs"),
            new TableRecoveryHooks { AfterTableWritten = (table, _, _) => { written.Add(table); return Task.CompletedTask; } });

        Assert.Equal(["public.jobs", "public.job_notes"], written);
        Assert.Equal([11L, 5L], result.Tables.Select(t => t.Inserted));
    }

    [Fact]
    public async Task InsertMissing_WhenNothingIsMissing_ShouldInsertNothingAndLeaveProductionAsItWas()
    {
        await using var scenario = await RecoveryScenario.CreateAsync(accident: false);
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);

        var result = await scenario.RunAsync(scenario.Request("insert-missing", "technicians", "jobs", "\"Sales\".\"Order Items\""));

        Assert.Equal(0, result.Totals.Inserted);
        Assert.Equal(0, result.Totals.Differing);
        Assert.All(result.Tables, t => Assert.Empty(t.SequencesAdvanced));
        Assert.Equal(before, await RecoveryScenario.ContentsAsync(scenario.Production));
    }

    [Fact]
    public async Task InsertMissing_WhenTheTableIsPartitioned_ShouldRouteTheMissingRowsToTheirPartitions()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var result = await scenario.RunAsync(scenario.Request("insert-missing", "bookings"));

        Assert.Equal((50L, 2L, 2L), (result.Tables[0].RowsInSource!.Value, result.Tables[0].MissingInProduction!.Value, result.Tables[0].Inserted));
        Assert.Equal(["10", "40"], result.Tables[0].Samples.Select(s => s["id"]));
        Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, "public.bookings"),
            await RecoveryScenario.RowsAsync(scenario.Production, "public.bookings"));
        Assert.Equal(30L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM public.bookings_2024_01"));
    }

    private static async Task AssertGainedExactlyAsync(
        RecoveryScenario scenario, Dictionary<string, List<string>> before, Dictionary<string, List<string>> after, string table, string restoredRows)
    {
        Assert.Empty(before[table].Except(after[table]));
        var gained = after[table].Except(before[table]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, table, restoredRows), gained);
        Assert.Equal(before[table].Count + gained.Count, after[table].Count);
    }
}
