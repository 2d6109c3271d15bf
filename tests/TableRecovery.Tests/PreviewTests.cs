using DisasterRecovery.Core;
using DisasterRecovery.PostgresJobs;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>preview: per-table counts by primary key, samples of missing keys, and nothing written.</summary>
public sealed class PreviewTests
{
    [Fact]
    public async Task Preview_WhenRowsWereDeletedChangedAndAdded_ShouldCountThemByPrimaryKeyOfEveryType()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var result = await scenario.RunAsync(scenario.Request("preview",
            "technicians", "public.jobs", "job_notes", "settings", "\"Sales\".\"Order Items\"", "invoices"));

        Assert.Equal("preview", result.Mode);
        Assert.False(result.Committed);
        Assert.Equal(
            ["public.technicians", "public.jobs", "public.job_notes", "public.settings", "\"Sales\".\"Order Items\"", "public.invoices"],
            result.Tables.Select(t => t.Table));

        var technicians = result.Tables[0];
        Assert.Equal((50L, 3L, 2L, 1L), (technicians.RowsInSource, technicians.MissingInProduction, technicians.Differing, technicians.OnlyInProduction));
        Assert.Equal(["45", "47", "50"], technicians.Samples.Select(s => s["id"]));
        Assert.Equal(["id"], technicians.PrimaryKey!);
        Assert.Equal("binary", technicians.CopyFormat);

        var jobs = result.Tables[1];
        Assert.Equal((100L, 5L, 0L, 0L), (jobs.RowsInSource, jobs.MissingInProduction, jobs.Differing, jobs.OnlyInProduction));
        Assert.Equal("text", jobs.CopyFormat); // job_status[]: an enum array's binary form carries the enum's OID
        var expectedJobIds = await RecoveryScenario.RowsAsync(scenario.Recovered,
            "(SELECT id::text AS id FROM public.jobs WHERE id IN (SELECT md5('job' || g)::uuid FROM generate_series(91, 95) g))");
        Assert.Equal(expectedJobIds.Select(r => r.Trim('(', ')')), jobs.Samples.Select(s => s["id"]));

        var notes = result.Tables[2];
        Assert.Equal((200L, 11L, 0L, 0L), (notes.RowsInSource, notes.MissingInProduction, notes.Differing, notes.OnlyInProduction));
        Assert.Equal(["job_id", "line"], notes.PrimaryKey!);
        Assert.Equal(10, notes.Samples.Count);
        Assert.All(notes.Samples, s => Assert.Equal(["job_id", "line"], s.Keys.Order(StringComparer.Ordinal)));

        var settings = result.Tables[3];
        Assert.Equal((10L, 2L, 1L, 0L), (settings.RowsInSource, settings.MissingInProduction, settings.Differing, settings.OnlyInProduction));
        Assert.Equal(["key-3", "key-7"], settings.Samples.Select(s => s["key"]));

        var orderItems = result.Tables[4];
        Assert.Equal((20L, 3L, 0L, 0L), (orderItems.RowsInSource, orderItems.MissingInProduction, orderItems.Differing, orderItems.OnlyInProduction));
        Assert.Equal(["18", "19", "20"], orderItems.Samples.Select(s => s["id"]));

        var invoices = result.Tables[5];
        Assert.False(invoices.InProduction);
        Assert.False(invoices.Recreated);
        Assert.Equal((30L, 30L), (invoices.RowsInSource, invoices.MissingInProduction));

        Assert.Equal(3 + 5 + 11 + 2 + 3 + 30, result.Totals.MissingInProduction);
        Assert.Equal(0, result.Totals.Inserted);
    }

    [Fact]
    public async Task Preview_Always_ShouldLeaveProductionExactlyAsItWas()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);
        var tablesBefore = await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM pg_class WHERE relkind = 'r'");

        await scenario.RunAsync(scenario.Request("preview", "technicians", "jobs", "job_notes", "settings", "\"Sales\".\"Order Items\"", "invoices"));

        Assert.Equal(before, await RecoveryScenario.ContentsAsync(scenario.Production));
        Assert.Equal(tablesBefore, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM pg_class WHERE relkind = 'r'"));
        Assert.Equal(51L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT last_value FROM public.technicians_id_seq"));
    }

    [Theory]
    [InlineData("preview")]
    [InlineData("insert-missing")]
    public async Task Run_WhenATableHasNoPrimaryKey_ShouldRefuseItNamingTheTableBeforeWritingAnything(string mode)
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(scenario.Request(mode, "technicians", "audit_events")));

        Assert.Equal("tables[1]", error.Field);
        Assert.Contains("public.audit_events has no primary key", error.Problem, StringComparison.Ordinal);
        Assert.Equal(48L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM public.technicians"));
    }

    [Fact]
    public async Task Run_WhenATableIsInNeitherDatabase_ShouldRefuseItBeforeWritingAnything()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            scenario.RunAsync(scenario.Request("insert-missing", "technicians", "sales.\"Order Items\"")));

        Assert.Equal("tables[1]", error.Field);
        Assert.Contains("no table sales.\"Order Items\" in production or in the recovered instance", error.Problem, StringComparison.Ordinal);
        Assert.Equal(48L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM public.technicians"));
    }

    [Fact]
    public async Task Run_WhenColumnsDifferBetweenProductionAndTheRecoveredCopy_ShouldRefuseAndPointToSideTable()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        await RecoveryScenario.ExecuteAsync(scenario.Production, "ALTER TABLE public.settings ADD COLUMN scope text, ALTER COLUMN value TYPE varchar(200)");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(scenario.Request("insert-missing", "settings")));

        Assert.Equal("tables[0]", error.Field);
        Assert.Contains("column \"value\" is character varying(200) in production but text in the recovered instance", error.Problem, StringComparison.Ordinal);
        Assert.Contains("column \"scope\" is only in production", error.Problem, StringComparison.Ordinal);
        Assert.Contains("side-table", error.Problem, StringComparison.Ordinal);
        Assert.Equal(8L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT count(*) FROM public.settings"));
    }

    [Fact]
    public async Task Run_WhenSourceAndTargetAreTheSameDatabase_ShouldRefuse()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var request = scenario.Request("insert-missing", "technicians") with
        {
            Source = new DatabaseConnection { SecretId = RecoveryScenario.ProductionSecret },
        };

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => scenario.RunAsync(request));

        Assert.Equal("source", error.Field);
        Assert.Contains("same database as target", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenThePasswordIsWrong_ShouldThrowDatabaseAuthenticationWithoutThePassword()
    {
        await using var scenario = await RecoveryScenario.CreateAsync(accident: false);
        scenario.Secrets.WithDatabase(RecoveryScenario.RecoveredSecret, RecoveryScenario.Server, scenario.Recovered, password: "not-the-password-0123");

        var error = await Assert.ThrowsAsync<DatabaseAuthenticationException>(() => scenario.RunAsync(scenario.Request("preview", "technicians")));

        Assert.StartsWith("source:", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-0123", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RecoveryScenario.Server.Password, scenario.Log.ToString(), StringComparison.Ordinal);
    }
}
