using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Backs a database up into the catalog: resolves it from its secret (the production one by default), files the
/// backup in the tier its date calls for, runs <see cref="PostgresCatalogBackup"/> and audits the outcome.
/// </summary>
public sealed class PostgresBackupJob(PostgresJobServices services)
    : CatalogJob<PostgresBackupRequest, PostgresBackupJob.Plan, PostgresBackupResult>(services.Jobs, "postgres", AuditActions.Backup)
{
    /// <summary>The resolved database and the backup's retention tier.</summary>
    public sealed record Plan(PostgresEndpoint Database, RetentionTier Tier);

    protected override async Task<Plan> PrepareAsync(PostgresBackupRequest request, JobRun run)
    {
        var connection = request.Database ?? new DatabaseConnection { SecretId = Services.DefaultSecretId };
        var database = await connection.ResolveAsync(Services.Secrets, "database", run.CancellationToken).ConfigureAwait(false);
        return new Plan(database, request.Tier(run.StartedAt));
    }

    protected override async Task<PostgresBackupResult> ExecuteAsync(PostgresBackupRequest request, Plan plan, JobRun run)
    {
        var backup = new PostgresCatalogBackup(Services.Catalog, new PostgresDumper(services.Tools, run.Logger, Services.Time), services.Tools, run.Logger);
        var spec = new PostgresBackupSpec(run.Source, plan.Tier, run.Actor, JobRequestFields.BackupIdOf(request.BackupId), new PostgresDumpOptions
        {
            Workers = request.Workers ?? PostgresDumpOptions.DefaultWorkers,
            ContentHashMaxTableBytes = request.ContentHashMaxTableMb is { } mb ? (long)mb << 20 : null,
        });
        var (committed, index) = await backup.RunAsync(plan.Database, spec, run.CancellationToken).ConfigureAwait(false);
        var manifest = committed.Manifest;
        return new PostgresBackupResult(
            manifest.BackupId.Value, run.Source, plan.Tier.ToString().ToLowerInvariant(), manifest.StartedAt, manifest.CompletedAt, committed.ManifestKey,
            index.Tables.Count, index.Tables.Sum(t => t.Rows), index.RawLength, index.StoredLength,
            index.WalLsn, index.ServerVersion, Math.Round((manifest.CompletedAt - manifest.StartedAt).TotalSeconds, 3));
    }

    /// <summary>What killed backups of this source left in the bucket: multipart uploads no part has renewed for an hour.</summary>
    protected override async Task<TemporarySweep?> SweepExpiredAsync(PostgresBackupRequest request, Plan plan, JobRun run) =>
        await PostgresTemporarySweeps.UploadsAsync(Services.S3, Services.Catalog.Bucket, BackupKeys.SourceFolder(BackupEngine.Postgres, run.Source),
            AbandonedUploads.DefaultIdle, Services.Time, run.Logger, run.CancellationToken).ConfigureAwait(false);

    protected override JobReport Report(PostgresBackupRequest request, Plan plan, PostgresBackupResult result) => new(result.BackupId, new Dictionary<string,
        string>
    {
        ["database"] = plan.Database.ToString(),
        ["tier"] = result.RetentionTier,
        ["tables"] = JobReport.Count(result.Tables),
        ["rows"] = JobReport.Count(result.Rows),
        ["storedBytes"] = JobReport.Count(result.StoredBytes),
        ["walLsn"] = result.WalLsn ?? string.Empty,
    });

    protected override string Activity(Plan plan) => "the backup";

    /// <summary>A failed backup has no id yet: its event's resource is the source.</summary>
    protected override string? FailureSubject(PostgresBackupRequest request) => null;
}
