using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>
/// Faults in the middle of a dump, placed deterministically: the catalog reports each uploaded part, and the test
/// strikes on the first one. The dump is over 20 MiB compressed and the upload keeps at most two 5 MiB parts in
/// memory, so when the first part is reported the dump cannot have finished: its connections are still open.
/// </summary>
public sealed class MidDumpFaultTests : IAsyncLifetime
{
    private PostgresFunctionKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PostgresFunctionKit.CreateAsync(bulkRows: 400_000);

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Backup_WhenTheConnectionsDropMidDump_ShouldFailAsConnectionLostAndListNoBackup()
    {
        // Arrange: on the first uploaded part, terminate every session of the dump.
        var struck = 0;
        long terminated = 0;
        void Strike(PartUploaded part)
        {
            if (Interlocked.Exchange(ref struck, 1) == 0)
            {
                using var connection = new NpgsqlConnection(PostgresTestServer.Server.ConnectionString("postgres"));
                connection.Open();
                using var command = new NpgsqlCommand(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + $"WHERE datname = '{_kit.SourceDatabase}' AND pid <> pg_backend_pid()",
                    connection);
                terminated = (long)command.ExecuteScalar()!;
            }
        }

        // Act
        var error = await Assert.ThrowsAnyAsync<DisasterRecoveryException>(() => _kit.InvokeAsync(_kit.Backup(Strike), "{}"));

        // Assert
        Assert.Equal(1, struck);
        Assert.True(terminated > 0, "the dump's sessions were still open when the first part was reported");
        Assert.True(error is DatabaseConnectionLostException or PostgresToolException, $"{error.GetType().Name}: {error.Message}");
        Assert.Empty(await _kit.Catalog.ListBackupsAsync(BackupEngine.Postgres, PostgresFunctionKit.Source));
        Assert.Equal("backup:failed", Assert.Single(await _kit.AuditRecordsAsync()) is var r ? $"{r.Action}:{r.Result}" : null);
    }

    [Fact]
    public async Task Backup_WhenTheDeadlineComesMidDump_ShouldFailAsDeadlineExceededAndListNoBackup()
    {
        // Arrange: the invocation's clock jumps past its deadline when the first part is uploaded.
        var contextClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var struck = 0;
        void Strike(PartUploaded part)
        {
            if (Interlocked.Exchange(ref struck, 1) == 0)
            {
                contextClock.Advance(TimeSpan.FromMinutes(11));
            }
        }

        // Act
        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => _kit.InvokeAsync(_kit.Backup(Strike), "{}", contextClock));

        // Assert
        Assert.Equal(1, struck);
        Assert.Contains("nothing was committed", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _kit.Catalog.ListBackupsAsync(BackupEngine.Postgres, PostgresFunctionKit.Source));
        Assert.Equal("backup:failed", Assert.Single(await _kit.AuditRecordsAsync()) is var r ? $"{r.Action}:{r.Result}" : null);
    }
}
