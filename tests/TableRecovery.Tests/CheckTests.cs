using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Functions.TableRecovery;
using DisasterRecovery.LocalS3;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using Microsoft.Extensions.Time.Testing;

namespace DisasterRecovery.TableRecovery.Tests;

/// <summary>
/// check: before the state machine restores anything, every table must be in production or, dropped since, in the latest
/// backup's manifest — against a real LocalS3 catalog and the real production database.
/// </summary>
public sealed class CheckTests : IAsyncLifetime
{
    private const string CatalogSource = "technician-marketplace";
    private const string AccessKeyId = "LKIATABLERECOVERY001";
    private const string SecretAccessKey = "table/recovery+tests0123456789abcdefghij";
    private static readonly DateTimeOffset BackupTime = new(2024, 1, 15, 3, 0, 0, TimeSpan.Zero);

    private readonly string _s3State = Path.Combine(Path.GetTempPath(), "dr-table-recovery-tests", Guid.NewGuid().ToString("N"));
    private LocalS3Server _s3 = null!;
    private AmazonS3Client _client = null!;
    private BackupCatalog _catalog = null!;
    private string _backupId = string.Empty;

    public async Task InitializeAsync()
    {
        _s3 = await LocalS3Server.StartAsync(new LocalS3Options
        {
            StateDirectory = _s3State,
            Port = 0,
            AccessKeyId = AccessKeyId,
            SecretAccessKey = SecretAccessKey,
            RequestLog = TextWriter.Null,
        });
        _client = new AmazonS3Client(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = _s3.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
        });
        var bucket = "backups-" + Guid.NewGuid().ToString("N")[..16];
        await _client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        _catalog = new BackupCatalog(_client, new BackupCatalogOptions { Bucket = bucket, AllowUnprotectedBackups = true }, new FakeTimeProvider(BackupTime));

        await using var backup = await _catalog.BeginBackupAsync(new BackupRequest
        {
            Engine = BackupEngine.Postgres,
            Source = CatalogSource,
            Kind = BackupKind.Full,
            RetentionTier = RetentionTier.Daily,
            CreatedBy = "tests",
            Tool = new ToolInfo("pg_dump", "15.18"),
        });
        await backup.WriteObjectAsync("dump.sql.zst", new MemoryStream([1, 2, 3]));
        var committed = await backup.CommitAsync(new BackupCompletion
        {
            Contents =
            [
                new ContentCount("public.technicians", 50), new ContentCount("public.invoices", 30), new ContentCount("\"Sales\".\"Order Items\"", 20),
                new ContentCount("\"Sales\".\"Archived Orders\"", 7),
            ],
        });
        _backupId = committed.BackupId.Value;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _s3.DisposeAsync();
        Directory.Delete(_s3State, recursive: true);
    }

    [Fact]
    public async Task Check_WhenATableWasDroppedButIsInTheLatestBackup_ShouldAcceptItAndSayWhichBackup()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var result = await Service(scenario).RunAsync(
            Check(scenario, "insert-missing", "technicians", "invoices", "\"Sales\".\"Archived Orders\"") with
            {
                CatalogSource = CatalogSource,
                RestoreTime = BackupTime.AddHours(10),
            },
            scenario.Logger, CancellationToken.None);

        Assert.Equal(("check", "insert-missing"), (result.Mode, result.PlannedMode));
        Assert.Equal(_backupId, result.BackupId);
        Assert.Equal([true, false, false], result.Tables.Select(t => t.InProduction));
        Assert.Equal([null, true, true], result.Tables.Select(t => t.InBackup));
        Assert.Equal(["id"], result.Tables[0].PrimaryKey!);
        Assert.All(result.Tables, t => Assert.Null(t.RowsInSource));
    }

    [Fact]
    public async Task Check_WhenATableIsNeitherInProductionNorInTheBackup_ShouldRefuseItNamingTheField()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Service(scenario).RunAsync(
            Check(scenario, "insert-missing", "technicians", "invoices", "nope") with { CatalogSource = CatalogSource }, scenario.Logger,
                CancellationToken.None));

        Assert.Equal("tables[2]", error.Field);
        Assert.Equal($"no table public.nope in production or in the latest backup ({_backupId})", error.Problem);
    }

    [Fact]
    public async Task Check_WhenTheOnlyBackupIsAfterTheRestoreTime_ShouldRefuseTheDroppedTable()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Service(scenario).RunAsync(
            Check(scenario, "replace", "settings", "invoices") with { CatalogSource = CatalogSource, RestoreTime = BackupTime.AddMinutes(-1) },
            scenario.Logger, CancellationToken.None));

        Assert.Equal("tables[1]", error.Field);
        Assert.Contains("no PostgreSQL backup of 'technician-marketplace' completed at or before 2024-01-15T02:59:00Z", error.Problem,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WhenATableIsMissingAndNoCatalogSourceIsGiven_ShouldRefuseIt()
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Service(scenario).RunAsync(
            Check(scenario, "insert-missing", "invoices"), scenario.Logger, CancellationToken.None));

        Assert.Equal("tables[0]", error.Field);
        Assert.Contains("no table public.invoices in production", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("preview", "audit_events", "tables[0]", "has no primary key")]
    [InlineData("insert-missing", "audit_events", "tables[0]", "has no primary key")]
    [InlineData("replace", "technicians", "tables[0]", "\"jobs_technician_id_fkey\" of public.jobs")]
    public async Task Check_WhenThePlannedModeWouldRefuseATable_ShouldRefuseItAlready(string plannedMode, string table, string field, string problem)
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => Service(scenario).RunAsync(
            Check(scenario, plannedMode, table), scenario.Logger, CancellationToken.None));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replace")]
    [InlineData("side-table")]
    public async Task Check_WhenThePlannedModeCopesWithoutAPrimaryKey_ShouldAcceptTheTable(string plannedMode)
    {
        await using var scenario = await RecoveryScenario.CreateAsync();

        var result = await Service(scenario).RunAsync(Check(scenario, plannedMode, "audit_events"), scenario.Logger, CancellationToken.None);

        Assert.Null(result.Tables.Single().PrimaryKey);
        Assert.True(result.Tables.Single().InProduction);
    }

    private TableRecoveryService Service(RecoveryScenario scenario) => new(scenario.Secrets, _catalog, new PostgresTools());

    private static TableRecoveryRequest Check(RecoveryScenario scenario, string plannedMode, params string[] tables) => new()
    {
        Mode = "check",
        PlannedMode = plannedMode,
        Target = new DatabaseConnection { SecretId = RecoveryScenario.ProductionSecret },
        Tables = tables,
    };
}
