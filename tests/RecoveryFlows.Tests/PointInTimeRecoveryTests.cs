using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// statemachines/point-in-time-recovery.asl.json through the local cloud: real WAL replay to a side instance, real
/// TableRecovery into production, the side instance deleted on success and on failure. One class fixture, so the
/// adoption's base backup is taken once; the tests run one after another (xunit runs a class's tests serially).
/// </summary>
public sealed class PointInTimeRecoveryTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>
{
    private const string Machine = "PointInTimeRecoveryStateMachine";

    [Fact]
    public async Task Recover_WhenRowsWereDeletedAndATableDroppedAtT_ShouldBringThemBackAndChangeNothingElse()
    {
        // Arrange: production with data, the night's backup, the damage at T, a legitimate change after T.
        await CreateMarketplaceAsync();
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var jobsBefore = await env.RowsAsync("jobs");
        var reviewsBefore = await env.RowsAsync("reviews");
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        var t = await env.DatabaseTimeAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        await RecoveryCloud.ExecuteAsync(env.Database, "DELETE FROM jobs WHERE id % 10 = 0; DROP TABLE reviews;");
        await RecoveryCloud.ExecuteAsync(env.Database, "INSERT INTO technicians (name) VALUES ('hired after the incident')");
        var techniciansAfterT = await env.RowsAsync("technicians");
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);

        // Act
        var execution = await env.RunAsync(
            Machine,
            new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs", "reviews" }, mode = "insert-missing" },
            "pitr-happy");

        // Assert: the rows are back, the dropped table is back, the change after T survived, the side instance is gone.
        Assert.True(execution.Status == "SUCCEEDED", $"{execution.Status}: {execution.Error}: {execution.Cause}");
        Assert.Equal(jobsBefore, await env.RowsAsync("jobs"));
        Assert.Equal(reviewsBefore, await env.RowsAsync("reviews"));
        Assert.Equal(techniciansAfterT, await env.RowsAsync("technicians"));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-pitr-happy"));
        Assert.Contains(
            env.Cloud.Sns.Messages,
            m => m.Subject == "DR: point-in-time recovery finished" && m.Message.Contains("pitr-happy", StringComparison.Ordinal));
        Assert.Contains("restore:succeeded:point-in-time-recovery", await env.AuditTrailAsync());
    }

    [Theory]
    [InlineData("future", "RestoreTimeOutOfWindow")]
    [InlineData("ancient", "RestoreTimeOutOfWindow")]
    [InlineData("unknown-instance", "Rds.DbInstanceNotFoundException")]
    [InlineData("unknown-table", "InvalidInputException")]
    [InlineData("no-primary-key", "InvalidInputException")]
    public async Task Recover_WhenTheRequestIsBad_ShouldFailBeforeRestoringAnything(string problem, string error)
    {
        // Arrange
        await CreateMarketplaceAsync();
        var restoreTime = problem switch
        {
            "future" => DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            "ancient" => "2001-01-01T00:00:00Z",
            _ => await env.DatabaseTimeAsync(),
        };
        var tables = problem switch
        {
            "unknown-table" => new[] { "jobs", "no_such_table" },
            "no-primary-key" => new[] { "audit_notes" },
            _ => new[] { "jobs" },
        };
        var instance = problem == "unknown-instance" ? "no-such-instance" : RecoveryCloud.Instance;
        var name = "pitr-bad-" + problem;

        // Act
        var execution = await env.RunAsync(Machine, new { sourceInstance = instance, restoreTime, tables, mode = "insert-missing" }, name);

        // Assert
        Assert.Equal("FAILED", execution.Status);
        Assert.Equal(error, execution.Error);
        Assert.Null(await env.InstanceStatusAsync("pitr-" + name));
    }

    [Fact]
    public async Task Recover_WhenTheWriteFailsHalfWay_ShouldRollBackProductionAndDeleteTheSideInstance()
    {
        // Arrange: after T production gains a row and a unique rule that a recovered review breaks; jobs (the parent) is
        // written first, so the failure comes half-way through the one transaction.
        await CreateMarketplaceAsync();
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var t = await env.DatabaseTimeAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        await RecoveryCloud.ExecuteAsync(env.Database, """
            DELETE FROM reviews WHERE job_id % 10 = 1;
            DELETE FROM jobs WHERE id % 10 = 1;
            INSERT INTO reviews (job_id, rating, body) VALUES (3, 5, 'review of job 1');
            CREATE UNIQUE INDEX reviews_body_is_unique ON reviews (body);
            """);
        var jobsDamaged = await env.RowsAsync("jobs");
        var reviewsDamaged = await env.RowsAsync("reviews");
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);

        // Act
        var execution = await env.RunAsync(
            Machine,
            new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs", "reviews" }, mode = "insert-missing" },
            "pitr-halfway");

        // Assert: nothing of the failed write is in production; the side instance was removed; on-call was told.
        Assert.Equal("FAILED", execution.Status);
        Assert.Equal(jobsDamaged, await env.RowsAsync("jobs"));
        Assert.Equal(reviewsDamaged, await env.RowsAsync("reviews"));
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-pitr-halfway"));
        Assert.Contains(
            env.Cloud.Sns.Messages,
            m => m.Subject == "DR: point-in-time recovery FAILED" && m.Message.Contains("pitr-halfway", StringComparison.Ordinal));
        Assert.Contains("restore:failed:point-in-time-recovery", await env.AuditTrailAsync());
    }

    [Fact]
    public async Task Recover_WhenThePollCapIsReached_ShouldFailWithACauseAndDeleteTheSideInstance()
    {
        // Arrange
        await CreateMarketplaceAsync();
        var t = await env.DatabaseTimeAsync();
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);

        // Act: one poll allowed; the emulator shows every new instance as "creating" on its first describe.
        var execution = await env.RunAsync(
            Machine,
            new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs" }, mode = "preview", maxPolls = 1 },
            "pitr-cap");

        // Assert
        Assert.Equal("FAILED", execution.Status);
        Assert.Equal("PollCapReached", execution.Error);
        Assert.Contains("after 1 polls", execution.Cause, StringComparison.Ordinal);
        Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-pitr-cap"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Recover_WhenApprovalIsRequired_ShouldWriteOnlyAfterAHumanApproves(bool approve)
    {
        // Arrange: the on-call engineer is played by a handler on the task token the flow publishes.
        await CreateMarketplaceAsync();
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var jobsBefore = await env.RowsAsync("jobs");
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        var t = await env.DatabaseTimeAsync();
        await RecoveryCloud.ExecuteAsync(env.Database, "SELECT pg_sleep(0.05)");
        await RecoveryCloud.ExecuteAsync(env.Database, "DELETE FROM jobs WHERE id % 10 = 0 AND id NOT IN (SELECT job_id FROM reviews)");
        var jobsDamaged = await env.RowsAsync("jobs");
        await (await env.Cloud.GetRdsAsync()).FlushWalArchiveAsync(RecoveryCloud.Instance);
        var name = approve ? "pitr-approved" : "pitr-rejected";
        var jobsWhenAsked = new List<string>();
        void Answer(object? sender, DisasterRecovery.LocalCloud.Dispatch.TaskTokenIssuedEventArgs e)
        {
            if (!e.ExecutionArn.EndsWith(":" + name, StringComparison.Ordinal))
            {
                return;
            }

            jobsWhenAsked.AddRange(env.RowsAsync("jobs").GetAwaiter().GetResult());
            if (approve)
            {
                env.Cloud.Engine.SendTaskSuccess(e.TaskToken, """{"approved": true}""");
            }
            else
            {
                env.Cloud.Engine.SendTaskFailure(e.TaskToken, "Rejected", "the preview shows more rows than expected");
            }
        }

        env.Cloud.Dispatcher.TaskTokenIssued += Answer;
        try
        {
            // Act
            var execution = await env.RunAsync(
                Machine,
                new { sourceInstance = RecoveryCloud.Instance, restoreTime = t, tables = new[] { "jobs" }, mode = "insert-missing", requireApproval = true },
                name);

            // Assert: nothing was written while the question was open; afterwards only what the answer allowed.
            Assert.Equal(jobsDamaged, jobsWhenAsked);
            Assert.Equal(approve ? "SUCCEEDED" : "FAILED", execution.Status);
            Assert.Equal(approve ? jobsBefore : jobsDamaged, await env.RowsAsync("jobs"));
            Assert.Equal(approve ? null : "Rejected", execution.Error);
            Assert.Contains(
                env.Cloud.Sns.Messages,
                m => m.Subject == "DR: approve a point-in-time recovery" && m.Message.Contains(name, StringComparison.Ordinal));
            Assert.Null(await env.InstanceStatusAfterDeletionAsync("pitr-" + name));
        }
        finally
        {
            env.Cloud.Dispatcher.TaskTokenIssued -= Answer;
        }
    }

    /// <summary>A small marketplace in the fixture's database (recreated for each test).</summary>
    private async Task CreateMarketplaceAsync() => await RecoveryCloud.ExecuteAsync(env.Database, """
        DROP TABLE IF EXISTS reviews, jobs, technicians, audit_notes CASCADE;
        CREATE TABLE technicians (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL);
        CREATE TABLE jobs (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, technician_id bigint NOT NULL REFERENCES technicians(id),
            title text NOT NULL, price numeric(10,2));
        CREATE TABLE reviews (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, job_id bigint NOT NULL REFERENCES jobs(id),
            rating int NOT NULL, body text);
        CREATE TABLE audit_notes (at timestamptz NOT NULL, note text);
        INSERT INTO technicians (name) SELECT 'technician ' || g FROM generate_series(1, 50) g;
        INSERT INTO jobs (technician_id, title, price) SELECT (g % 50) + 1, 'job ' || g, g * 1.25 FROM generate_series(1, 500) g;
        INSERT INTO reviews (job_id, rating, body) SELECT g, (g % 5) + 1, 'review of job ' || g FROM generate_series(1, 500, 2) g;
        INSERT INTO audit_notes SELECT now(), 'note ' || g FROM generate_series(1, 10) g;
        """);
}
