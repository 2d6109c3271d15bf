using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DisasterRecovery.Catalog;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>
/// PostgresAssess's estimate through the local cloud, against the fixture's real database and catalog: from the size
/// when there is no backup yet, from the last backup's manifest (start and commit times) when there is one, from the
/// backup a restore would pick; and its runner recommendation held against the function's limits.
/// </summary>
public sealed class PostgresAssessEstimateTests(RecoveryCloud env) : IClassFixture<RecoveryCloud>
{
    private const string Assess = "PostgresAssessFunction";

    [Fact]
    public async Task Estimate_WhenTheCatalogHasNoBackupYet_ShouldEstimateFromTheSizeAtTheStatedRateAndRecommendLambda()
    {
        // Arrange: this fixture's catalog is empty until a test backs up; give the database a table.
        await RecoveryCloud.ExecuteAsync(env.Database, "CREATE TABLE IF NOT EXISTS sized (id int PRIMARY KEY, note text)");

        // Act
        var result = await env.InvokeAsync(Assess, """{"source": "never-backed-up"}""");

        // Assert
        var estimate = result["estimate"]!;
        var size = result["sizeBytes"]!.GetValue<long>();
        Assert.Equal("size", estimate["basis"]!.GetValue<string>());
        Assert.Null(estimate["backupId"]);
        Assert.Equal(Math.Round((double)size / RunnerEstimator.DumpBytesPerSecondBySize, 1), estimate["estimatedSeconds"]!.GetValue<double>());
        Assert.Equal("lambda", estimate["runner"]!.GetValue<string>());
        Assert.StartsWith("lambda: no backup yet: ", estimate["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("at a conservative 8 MiB/s", estimate["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("fits PostgresBackup's 900 s timeout", estimate["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Estimate_WhenABackupExists_ShouldRestOnItsManifestsStartAndCommitTimes()
    {
        // Arrange
        await RecoveryCloud.ExecuteAsync(env.Database, """
            CREATE TABLE IF NOT EXISTS readings (id bigint PRIMARY KEY, value double precision);
            INSERT INTO readings SELECT g, g * 0.5 FROM generate_series(1, 2000) g ON CONFLICT DO NOTHING;
            """);
        var backup = await env.InvokeAsync("PostgresBackupFunction", "{}");
        var seconds = Math.Max(1, (backup["completedAt"]!.GetValue<DateTimeOffset>() - backup["startedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds);

        // Act
        var result = await env.InvokeAsync(Assess, "{}");

        // Assert: the newest backup is the basis; no more rows than it counted, so its duration is the estimate.
        var estimate = result["estimate"]!;
        Assert.Equal("last-backup", estimate["basis"]!.GetValue<string>());
        Assert.Equal(backup["backupId"]!.GetValue<string>(), estimate["backupId"]!.GetValue<string>());
        Assert.Equal(Math.Round(seconds, 3), estimate["backupSeconds"]!.GetValue<double>());
        Assert.Equal(backup["rows"]!.GetValue<long>(), estimate["backupRows"]!.GetValue<long>());
        Assert.True(estimate["estimatedSeconds"]!.GetValue<double>() >= Math.Round(seconds, 1));
        Assert.Equal("lambda", estimate["runner"]!.GetValue<string>());
        Assert.StartsWith($"lambda: the last backup {backup["backupId"]} dumped ", estimate["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Estimate_WhenAskedAboutARestore_ShouldUseTheBackupPostgresRestoreWouldPick()
    {
        // Arrange: a verified backup, then a newer unverified one that a restore must not pick.
        var verified = await env.InvokeAsync("PostgresBackupFunction", "{}");
        await env.InvokeAsync("PostgresVerifyFunction", $$"""{"backupId": "{{verified["backupId"]}}", "onProductionServer": true}""");
        await env.InvokeAsync("PostgresBackupFunction", "{}");
        var seconds = Math.Max(1, (verified["completedAt"]!.GetValue<DateTimeOffset>() - verified["startedAt"]!.GetValue<DateTimeOffset>()).TotalSeconds);

        // Act
        var result = await env.InvokeAsync(Assess, """{"estimateFor": "restore"}""");

        // Assert
        var estimate = result["estimate"]!;
        Assert.Equal("restore", estimate["job"]!.GetValue<string>());
        Assert.Equal("backup-to-restore", estimate["basis"]!.GetValue<string>());
        Assert.Equal(verified["backupId"]!.GetValue<string>(), estimate["backupId"]!.GetValue<string>());
        Assert.Equal(Math.Round(seconds * RunnerEstimator.RestorePerDump, 1), estimate["estimatedSeconds"]!.GetValue<double>());
        Assert.Contains("fits PostgresRestore's 900 s timeout", estimate["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Estimate_WhenNoBackupMatchesTheRestore_ShouldSayWhyAndFallBackOnTheSize()
    {
        var result = await env.InvokeAsync(Assess, """{"estimateFor": "restore", "before": "2001-01-01T00:00:00Z"}""");

        var estimate = result["estimate"]!;
        Assert.Equal("size", estimate["basis"]!.GetValue<string>());
        Assert.Contains("no verified PostgreSQL backup of 'technician-marketplace' completed at or before 2001-01-01T00:00:00Z",
            estimate["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"estimateFor": "dump"}""", "estimateFor: must be backup or restore, was 'dump'")]
    [InlineData("""{"before": "2026-01-01T00:00:00Z"}""", "before: applies only with \"estimateFor\": \"restore\"")]
    [InlineData("""{"estimateFor": "restore", "backupId": "yesterday"}""", "backupId: ")]
    [InlineData("""{"estimateFor": "restore", "source": "../etc"}""", "source: ")]
    public async Task Request_WhenAFieldIsBad_ShouldBeRefusedNamingIt(string request, string message)
    {
        var function = env.Cloud.Functions.Find(Assess);

        var result = await env.Cloud.Functions.InvokeAsync(function, Encoding.UTF8.GetBytes(request), CancellationToken.None);

        Assert.Equal("InvalidInputException", result.Error?.ErrorType);
        Assert.StartsWith(message, result.Error!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Recommendation_WhenTheLastBackupTookMostOfTheTimeout_ShouldBeFargateAndSayWhy()
    {
        var estimator = new RunnerEstimator(new LambdaLimits(900, 1024), new LambdaLimits(900, 1024));
        var last = Manifest(TimeSpan.FromMinutes(9), rows: 1_000_000);

        var backup = estimator.Backup(last, 10L << 30, 1_500_000);
        var restore = estimator.Restore(Manifest(TimeSpan.FromMinutes(3), rows: 1_000_000), null, null);

        Assert.Equal(("fargate", 810.0), (backup.Runner, backup.EstimatedSeconds!.Value));
        Assert.Equal(
            "fargate: the last backup 20261201T020000Z-a1b2c3d4 dumped 1,000,000 rows in 540 s; today ~1,500,000 rows (×1.5), so the backup is " +
            "estimated at 810 s; with the margin (×1.5 + 60 s) 1275 s exceeds PostgresBackup's 900 s timeout",
            backup.Reason);
        Assert.Equal(("fargate", 720.0), (restore.Runner, restore.EstimatedSeconds!.Value));
    }

    [Fact]
    public void Recommendation_WhenTheFunctionHasTooLittleMemory_ShouldBeFargateWhateverTheTime()
    {
        var estimator = new RunnerEstimator(new LambdaLimits(900, 256), new LambdaLimits(900, 1024));

        var backup = estimator.Backup(Manifest(TimeSpan.FromSeconds(5), rows: 10), null, 10);

        Assert.Equal("fargate", backup.Runner);
        Assert.EndsWith("but its 256 MB is below the 512 MB the job needs", backup.Reason, StringComparison.Ordinal);
    }

    private static BackupManifest Manifest(TimeSpan took, long rows)
    {
        var started = DateTimeOffset.Parse("2026-12-01T02:00:00Z", CultureInfo.InvariantCulture);
        return new BackupManifest
        {
            SchemaVersion = BackupManifest.CurrentSchemaVersion,
            BackupId = BackupId.Parse("20261201T020000Z-a1b2c3d4", "backupId"),
            Engine = BackupEngine.Postgres,
            Source = "technician-marketplace",
            Kind = BackupKind.Full,
            StartedAt = started,
            CompletedAt = started + took,
            Tool = new ToolInfo("pg_dump", "15"),
            Objects = [],
            Contents = [new ContentCount("public.jobs", rows)],
            Encryption = BackupEncryption.SseS3,
            RetentionTier = RetentionTier.Daily,
            CreatedBy = "test",
        };
    }
}
