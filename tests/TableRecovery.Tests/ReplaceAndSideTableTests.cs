using DisasterRecovery.Core;
using DisasterRecovery.Functions.TableRecovery;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>replace (truncate and reload in one transaction) and side-table (the recovered rows beside the original).</summary>
public sealed class ReplaceAndSideTableTests
{
    [Fact]
    public async Task Replace_WhenEveryReferencingTableIsInTheSet_ShouldMakeProductionEqualTheRecoveredCopy()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);

        var result = await scenario.RunAsync(
            scenario.Request("replace", "job_notes", "jobs", "settings", "audit_events", "\"Sales\".\"Order Items\"", "technicians"));

        Assert.True(result.Committed);
        Assert.Equal([200L, 100L, 10L, 5L, 20L, 50L], result.Tables.Select(t => t.Replaced));
        foreach (var table in new[]
            { "public.job_notes", "public.jobs", "public.settings", "public.audit_events", "\"Sales\".\"Order Items\"", "public.technicians" })
        {
            Assert.Equal(await RecoveryScenario.RowsAsync(scenario.Recovered, table), await RecoveryScenario.RowsAsync(scenario.Production, table));
        }

        // The table without a primary key is replaced but not compared.
        Assert.Null(result.Tables[3].MissingInProduction);
        Assert.Contains(result.Tables[3].Warnings, w => w.Contains("no primary key", StringComparison.Ordinal));
        Assert.Equal(1L, result.Tables[2].Differing);

        // Tables outside the request are untouched, and no sequence moved backwards (technicians' identity had reached 51).
        Assert.Equal(before["public.payments"], await RecoveryScenario.RowsAsync(scenario.Production, "public.payments"));
        Assert.Equal(before["public.bookings_2024_01"], await RecoveryScenario.RowsAsync(scenario.Production, "public.bookings_2024_01"));
        Assert.Equal(20L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT last_value FROM \"Sales\".\"Order Items_id_seq\""));
        Assert.Equal(51L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT last_value FROM public.technicians_id_seq"));
    }

    [Fact]
    public async Task Replace_WhenAnotherTableReferencesIt_ShouldRefuseNamingTheForeignKeyAndChangeNothing()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.RowsAsync(scenario.Production, "public.technicians");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(scenario.Request("replace", "settings", "technicians")));

        Assert.Equal("tables[1]", error.Field);
        Assert.Contains("\"jobs_technician_id_fkey\" of public.jobs", error.Problem, StringComparison.Ordinal);
        Assert.Equal(before, await RecoveryScenario.RowsAsync(scenario.Production, "public.technicians"));
        Assert.Equal(8L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM public.settings"));
    }

    [Fact]
    public async Task SideTable_ShouldWriteTheRecoveredRowsBesideTheOriginalsAndLeaveThemAlone()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);
        var request = scenario.Request(
            "side-table", "technicians", "\"Sales\".\"Order Items\"", "invoices", "technician_certification_renewal_reminders_sent", "jobs") with
        {
            Timestamp = new DateTimeOffset(2024, 1, 15, 16, 30, 0, TimeSpan.FromHours(2)),
        };

        var result = await scenario.RunAsync(request);

        Assert.Equal(
            ["public.technicians_restored_20240115143000", "\"Sales\".\"Order Items_restored_20240115143000\"", "public.invoices_restored_20240115143000",
             "public." + SideTableNames.For("technician_certification_renewal_reminders_sent", request.Timestamp!.Value),
             "public.jobs_restored_20240115143000"],
            result.Tables.Select(t => t.SideTable));
        Assert.Equal(
            await RecoveryScenario.RowsAsync(scenario.Recovered, "public.technicians"),
            await RecoveryScenario.RowsAsync(scenario.Production, "public.technicians_restored_20240115143000"));
        Assert.Equal(
            await RecoveryScenario.RowsAsync(scenario.Recovered, "\"Sales\".\"Order Items\""),
            await RecoveryScenario.RowsAsync(scenario.Production, "\"Sales\".\"Order Items_restored_20240115143000\""));
        Assert.Equal(
            await RecoveryScenario.RowsAsync(scenario.Recovered, "public.invoices"),
            await RecoveryScenario.RowsAsync(scenario.Production, "public.invoices_restored_20240115143000"));
        Assert.Equal(
            await RecoveryScenario.RowsAsync(scenario.Recovered, "public.jobs"),
            await RecoveryScenario.RowsAsync(scenario.Production, "public.jobs_restored_20240115143000"));
        Assert.Equal("text", result.Tables[4].CopyFormat);
        Assert.Equal((3L, 2L, 1L), (result.Tables[0].MissingInProduction!.Value, result.Tables[0].Differing!.Value, result.Tables[0].OnlyInProduction!.Value));
        Assert.Equal(5L, result.Tables[4].MissingInProduction);

        // The originals: untouched, and the dropped one is still absent (side-table never recreates).
        var after = await RecoveryScenario.ContentsAsync(scenario.Production);
        foreach (var table in before.Keys)
        {
            Assert.Equal(before[table], after[table]);
        }

        Assert.Equal(5, after.Keys.Except(before.Keys).Count());
        Assert.DoesNotContain("public.invoices", after.Keys);
        Assert.Equal(4L, await RecoveryScenario.ScalarAsync<long>(scenario.Production,
            $"SELECT count(*) FROM public.{SqlText.Ident(SideTableNames.For("technician_certification_renewal_reminders_sent", request.Timestamp.Value))}"));
    }

    [Fact]
    public async Task SideTable_WhenTheSideTableAlreadyExists_ShouldRefuseAndCreateNothing()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var request = scenario.Request("side-table", "settings", "technicians") with { Timestamp = new DateTimeOffset(2024, 1, 15, 14, 30, 0, TimeSpan.Zero) };
        await RecoveryScenario.ExecuteAsync(scenario.Production, "CREATE TABLE public.technicians_restored_20240115143000 (id integer)");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(request));

        Assert.Equal("tables[1]", error.Field);
        Assert.Contains("already exists", error.Problem, StringComparison.Ordinal);
        Assert.Equal(0L, await RecoveryScenario.ScalarAsync<long>(
            scenario.Production, "SELECT count(*) FROM pg_class WHERE relname = 'settings_restored_20240115143000'"));
    }
}
