using DisasterRecovery.Core;
using DisasterRecovery.Functions.TableRecovery;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>One transaction for the whole table set: a failure after the first table is written rolls everything back.</summary>
public sealed class RollbackTests
{
    [Fact]
    public async Task InsertMissing_WhenTheSecondTableViolatesAConstraint_ShouldRollBackTheFirstTable()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        // Added after the accident: one of the deleted settings rows can no longer be inserted.
        await RecoveryScenario.ExecuteAsync(scenario.Production, "ALTER TABLE public.settings ADD CONSTRAINT no_key_7 CHECK (key <> 'key-7') NOT VALID");
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);
        var written = new List<string>();

        var error = await Assert.ThrowsAsync<DatabaseOperationException>(() => scenario.RunAsync(
            scenario.Request("insert-missing", "technicians", "invoices", "settings"),
            new TableRecoveryHooks { AfterTableWritten = (table, _, _) => { written.Add(table); return Task.CompletedTask; } }));

        Assert.Equal(["public.technicians", "public.invoices"], written); // both were written before settings failed
        Assert.Contains("no_key_7", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was committed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("value 7", error.Message, StringComparison.Ordinal); // no row contents in errors
        Assert.Equal(before, await RecoveryScenario.ContentsAsync(scenario.Production));
        Assert.Equal(51L, await RecoveryScenario.ScalarAsync<long>(scenario.Production, "SELECT last_value FROM public.technicians_id_seq"));
    }

    [Fact]
    public async Task InsertMissing_WhenProductionsBackendIsTerminatedHalfWay_ShouldReportConnectionLostAndCommitNothing()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);
        var terminated = false;
        var hooks = new TableRecoveryHooks
        {
            AfterTableWritten = async (_, pid, _) =>
            {
                if (!terminated)
                {
                    // pg_terminate_backend(pid, timeout) returns once the backend has exited: no sleeping, no race.
                    terminated = await RecoveryScenario.ScalarAsync<bool>("postgres", $"SELECT pg_terminate_backend({pid}, 30000)");
                }
            },
        };

        var error = await Assert.ThrowsAsync<DatabaseConnectionLostException>(() =>
            scenario.RunAsync(scenario.Request("insert-missing", "technicians", "settings", "\"Sales\".\"Order Items\""), hooks));

        Assert.True(terminated);
        Assert.Contains("nothing was committed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await RecoveryScenario.ContentsAsync(scenario.Production));
    }

    [Fact]
    public async Task Replace_WhenTheDeadlinePassesHalfWay_ShouldRollBackAndThrowDeadlineExceeded()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();
        var before = await RecoveryScenario.ContentsAsync(scenario.Production);
        using var deadline = new CancellationTokenSource();
        var hooks = new TableRecoveryHooks { AfterTableWritten = (_, _, _) => deadline.CancelAsync() };

        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() =>
            scenario.RunAsync(scenario.Request("replace", "settings", "audit_events"), hooks, deadline.Token));

        Assert.Contains("nothing was committed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await RecoveryScenario.ContentsAsync(scenario.Production));
    }
}
