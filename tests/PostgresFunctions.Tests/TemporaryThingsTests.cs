using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Functions.SweepTemporary;
using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace DisasterRecovery.PostgresFunctions.Tests;

/// <summary>
/// Alone on the server: these tests leave expired temporary databases on purpose, which any other test's restore or
/// verification would sweep (and audit in its own log).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TemporaryThingsCollection
{
    public const string Name = "temporary things";
}

/// <summary>
/// Issue 19: what a killed job leaves is removed by the next job's start and by the sweeper, never a live job's, and audited;
/// a job that reaches its deadline cleans up and fails as DeadlineExceeded with a failed audit event.
/// </summary>
[Collection(TemporaryThingsCollection.Name)]
public sealed class TemporaryThingsTests : IAsyncLifetime
{
    private static readonly PostgresEndpoint Server = PostgresTestServer.Endpoint("postgres");
    private PostgresFunctionKit _kit = null!;

    public async Task InitializeAsync() => _kit = await PostgresFunctionKit.CreateAsync();

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task Restore_WhenAKilledRestoreLeftItsDatabase_ShouldRemoveItFirstKeepALiveOneAndAuditTheRemoval()
    {
        // Arrange: a killed restore's database (its session gone, an hour old) and a live one (its session open).
        await _kit.InvokeAsync(_kit.Backup(), "{}");
        await _kit.InvokeAsync(_kit.Verify(), "{}");
        var killed = await CreateAbandonedAsync(TemporaryDatabases.Restore, "killed-restore");
        await using var live = new NpgsqlConnection(Server.ConnectionString());
        await live.OpenAsync();
        var running = await TemporaryDatabases.CreateAsync(live, TemporaryDatabases.Restore, "running-restore", DateTimeOffset.UtcNow.AddHours(-1),
            "TEMPLATE template0", CancellationToken.None);
        var target = _kit.NewDatabaseName("dr_fn_tgt");

        try
        {
            // Act
            await _kit.InvokeAsync(_kit.Restore(), $$$"""{"target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}""");

            // Assert
            Assert.False(await PostgresTestServer.DatabaseExistsAsync(killed));
            Assert.True(await PostgresTestServer.DatabaseExistsAsync(running));
            var records = await _kit.AuditRecordsAsync();
            var deletion = Assert.Single(records, r => r.Action == "deletion");
            Assert.Equal("succeeded", deletion.Result);
            Assert.Equal("restore-start", deletion.Details["sweptBy"]);
            Assert.Contains(killed, deletion.Details["removed"], StringComparison.Ordinal);
            Assert.Contains("killed-restore", deletion.Details["removed"], StringComparison.Ordinal);
            Assert.DoesNotContain(running, deletion.Details["removed"], StringComparison.Ordinal);
            Assert.Equal("restore:succeeded", records[^1] is var last ? $"{last.Action}:{last.Result}" : null);
        }
        finally
        {
            await live.CloseAsync();
            await PostgresTestServer.DropDatabaseAsync(running);
        }
    }

    [Fact]
    public async Task Restore_WhenTheDeadlineComesDuringTheCopy_ShouldDropItsDatabaseFailAsDeadlineExceededAndAudit()
    {
        // Arrange: the invocation's clock jumps past its deadline as the restore enters its COPY phase.
        await _kit.InvokeAsync(_kit.Backup(), "{}");
        await _kit.InvokeAsync(_kit.Verify(), "{}");
        var target = _kit.NewDatabaseName("dr_fn_tgt");
        var input = $$$"""{"target": {"secretId": "{{{PostgresFunctionKit.SecretId}}}", "database": "{{{target}}}"}}""";

        // Act
        var (error, log) = await InvokeUntilPhaseAsync(_kit.Restore(), input, JobPhase.RestoreCopy);

        // Assert
        var deadline = Assert.IsType<DeadlineExceededException>(error);
        Assert.Contains("restoring into", deadline.Message, StringComparison.Ordinal);
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(log));
        Assert.Contains("dr_restoring_", log, StringComparison.Ordinal);
        Assert.False(await PostgresTestServer.DatabaseExistsAsync(target));
        var failed = (await _kit.AuditRecordsAsync())[^1];
        Assert.Equal("restore:failed", $"{failed.Action}:{failed.Result}");
        Assert.Equal(nameof(DeadlineExceededException), failed.Details["errorType"]);
    }

    [Fact]
    public async Task Verify_WhenTheDeadlineComesDuringTheComparison_ShouldDropItsDatabaseFailAsDeadlineExceededAndAudit()
    {
        // Arrange
        await _kit.InvokeAsync(_kit.Backup(), "{}");

        // Act
        var (error, log) = await InvokeUntilPhaseAsync(_kit.Verify(), "{}", JobPhase.VerifyCompare);

        // Assert
        Assert.IsType<DeadlineExceededException>(error);
        Assert.Contains("dr_verify_", log, StringComparison.Ordinal);
        Assert.Empty(await PostgresTestServer.LeftoverTemporaryDatabasesAsync(log));
        var failed = (await _kit.AuditRecordsAsync())[^1];
        Assert.Equal("verification:failed", $"{failed.Action}:{failed.Result}");
        Assert.Equal(nameof(DeadlineExceededException), failed.Details["errorType"]);
    }

    [Fact]
    public async Task Backup_WhenTheDeadlineComesAtTheCommit_ShouldListNoBackupFailAsDeadlineExceededAndAudit()
    {
        // Act
        var (error, _) = await InvokeUntilPhaseAsync(_kit.Backup(), "{}", JobPhase.Commit);

        // Assert
        Assert.IsType<DeadlineExceededException>(error);
        Assert.Empty(await _kit.Catalog.ListBackupsAsync(BackupEngine.Postgres, PostgresFunctionKit.Source));
        Assert.Empty((await _kit.S3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _kit.BackupBucket })).MultipartUploads
            ?? []);
        var failed = Assert.Single(await _kit.AuditRecordsAsync());
        Assert.Equal("backup:failed", $"{failed.Action}:{failed.Result}");
        Assert.Equal(nameof(DeadlineExceededException), failed.Details["errorType"]);
    }

    [Fact]
    public async Task SweepTemporary_WhenJobsWereKilled_ShouldRemoveWhatTheyLeftKeepLiveOnesAndAuditEachPlace()
    {
        // Arrange: a killed verification's database, a live one; an abandoned upload (two idle hours) and a fresh one.
        var killed = await CreateAbandonedAsync(TemporaryDatabases.Verify, "killed-verification");
        await using var live = new NpgsqlConnection(Server.ConnectionString());
        await live.OpenAsync();
        var running = await TemporaryDatabases.CreateAsync(live, TemporaryDatabases.Verify, "running-verification", DateTimeOffset.UtcNow.AddHours(-1),
            "TEMPLATE template0", CancellationToken.None);
        var abandoned = await _kit.S3.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _kit.BackupBucket, Key = "backups/postgres/marketplace-test/2026/12/07/killed/data/dump.sql",
        });
        _kit.S3.Clock.Advance(TimeSpan.FromHours(2));
        var fresh = await _kit.S3.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _kit.BackupBucket, Key = "backups/postgres/marketplace-test/2026/12/07/running/data/dump.sql",
        });

        try
        {
            // Act: the function as the flow invokes it.
            var result = await _kit.InvokeAsync(SweepTemporaryEntryPoint.Create(_kit.Services()), """{"requestedBy": "sweep-test"}""");

            // Assert
            Assert.False(await PostgresTestServer.DatabaseExistsAsync(killed));
            Assert.True(await PostgresTestServer.DatabaseExistsAsync(running));
            var uploads = (await _kit.S3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _kit.BackupBucket }))
                .MultipartUploads.Select(u => u.UploadId).ToList();
            Assert.Equal([fresh.UploadId], uploads);
            var swept = result.GetProperty("swept").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList();
            Assert.Contains(killed, swept);
            Assert.Contains(swept, name => name.EndsWith("#" + abandoned.UploadId, StringComparison.Ordinal));
            Assert.DoesNotContain(running, swept);
            Assert.Equal(0, result.GetProperty("left").GetInt32());
            var deletions = (await _kit.AuditRecordsAsync()).Where(r => r.Action == "deletion").ToList();
            Assert.Equal(2, deletions.Count);
            Assert.All(deletions, d => Assert.Equal("sweeper", d.Details["sweptBy"]));
            Assert.All(deletions, d => Assert.Equal("sweep-test", d.Actor));
            Assert.Contains(deletions, d => d.Details["removed"].Contains(killed, StringComparison.Ordinal));
            Assert.Contains(deletions, d => d.Details["removed"].Contains(abandoned.UploadId, StringComparison.Ordinal));
        }
        finally
        {
            await live.CloseAsync();
            await PostgresTestServer.DropDatabaseAsync(running);
        }
    }

    [Theory]
    [InlineData("""{"graceMinutes": -1}""", "graceMinutes")]
    [InlineData("""{"uploadIdleMinutes": 100000}""", "uploadIdleMinutes")]
    [InlineData("""{"servers": []}""", "servers")]
    [InlineData("""{"servers": [{"host": "x"}]}""", "servers[0].secretId")]
    public async Task SweepTemporary_WhenInputIsBad_ShouldNameTheFieldAndRemoveNothing(string input, string field)
    {
        // Arrange
        var killed = await CreateAbandonedAsync(TemporaryDatabases.Restore, "killed-restore");

        try
        {
            // Act
            var error = await Assert.ThrowsAsync<InvalidInputException>(() => _kit.InvokeAsync(SweepTemporaryEntryPoint.Create(_kit.Services()), input));

            // Assert
            Assert.Equal(field, error.Field);
            Assert.True(await PostgresTestServer.DatabaseExistsAsync(killed));
            Assert.Empty(await _kit.AuditRecordsAsync());
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(killed);
        }
    }

    /// <summary>A temporary database as a killed job leaves it: leased an hour ago, its session closed.</summary>
    private static async Task<string> CreateAbandonedAsync(string kind, string owner)
    {
        await using var connection = new NpgsqlConnection(Server.ConnectionString());
        await connection.OpenAsync();
        return await TemporaryDatabases.CreateAsync(connection, kind, owner, DateTimeOffset.UtcNow.AddHours(-1), "TEMPLATE template0",
            CancellationToken.None);
    }

    /// <summary>Invokes <paramref name="function"/>; its clock jumps past the deadline when it logs that it enters <paramref name="phase"/>.</summary>
    private static async Task<(Exception? Error, string Log)> InvokeUntilPhaseAsync(ILambdaFunction function, string payload, string phase)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var log = new PhaseTrigger($"\"phase\":\"{phase}\"", () => clock.Advance(TimeSpan.FromMinutes(11)));
        using var context = new LambdaContext(Guid.NewGuid().ToString(), function.Name, $"arn:aws:lambda:us-east-1:000000000000:function:{function.Name}",
            clock.GetUtcNow().AddMinutes(10), null, new JsonLogger(function.Name, log, TimeProvider.System), clock);
        try
        {
            await function.InvokeAsync(Encoding.UTF8.GetBytes(payload), context);
            return (null, log.ToString());
        }
        catch (Exception e)
        {
            Assert.True(log.Fired, $"the run never entered phase {phase}");
            return (e, log.ToString());
        }
    }

    /// <summary>A log that runs an action (synchronously, before the job goes on) when a line contains a text.</summary>
    private sealed class PhaseTrigger(string text, Action action) : StringWriter
    {
        private int _fired;

        public bool Fired => _fired == 1;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(text, StringComparison.Ordinal) && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                action();
            }
        }
    }
}
