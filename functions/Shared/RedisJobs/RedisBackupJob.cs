using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Jobs;
using DisasterRecovery.Redis.Replication;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Backs a Redis server up into the catalog: resolves it from its secret (the stack's by default), files the backup in the
/// tier its hour calls for (six-hourly at 00/06/12/18 UTC, else hourly), runs <see cref="RedisCatalogBackup"/> and audits
/// the outcome.
/// </summary>
public sealed class RedisBackupJob(RedisJobServices services)
    : CatalogJob<RedisBackupRequest, RedisBackupJob.Plan, RedisBackupResult>(services.Jobs, "redis", AuditActions.Backup)
{
    /// <summary>The resolved server and the backup's retention tier.</summary>
    public sealed record Plan(RedisEndpoint Server, RetentionTier Tier);

    protected override async Task<Plan> PrepareAsync(RedisBackupRequest request, JobRun run)
    {
        var connection = request.Redis ?? new RedisConnection { SecretId = services.RedisSecretId };
        var server = await connection.ResolveAsync(Services.Secrets, "redis", run.CancellationToken).ConfigureAwait(false);
        return new Plan(server, request.Tier(run.StartedAt));
    }

    protected override async Task<RedisBackupResult> ExecuteAsync(RedisBackupRequest request, Plan plan, JobRun run)
    {
        var backup = new RedisCatalogBackup(Services.Catalog, services.Inspector, services.Replication, run.Logger);
        var spec = new RedisBackupSpec(run.Source, plan.Tier, run.Actor, JobRequestFields.BackupIdOf(request.BackupId));
        var (committed, info) = await backup.RunAsync(plan.Server, spec, Services.Time.GetUtcNow(), run.CancellationToken).ConfigureAwait(false);
        var manifest = committed.Manifest;
        var rdb = manifest.FindObject(RedisBackupObjects.Rdb)!;
        return new RedisBackupResult(
            manifest.BackupId.Value, run.Source, CatalogNames.Of(plan.Tier), manifest.StartedAt, manifest.CompletedAt, committed.ManifestKey,
            info.ServerVersion, info.RdbVersion, info.ReplicationId, info.ReplicationOffset, info.TransferMode, rdb.Size, rdb.StoredSize,
            info.KeysInRdb?.Values.Sum(), Math.Round((manifest.CompletedAt - manifest.StartedAt).TotalSeconds, 3));
    }

    /// <summary>What killed backups of this source left in the bucket: multipart uploads no part has renewed for an hour.</summary>
    protected override async Task<TemporarySweep?> SweepExpiredAsync(RedisBackupRequest request, Plan plan, JobRun run)
    {
        var bucket = Services.Catalog.Bucket;
        var swept = await new AbandonedUploads(Services.S3, bucket, Services.Time).AbortExpiredAsync(
            BackupKeys.SourceFolder(BackupEngine.Redis, run.Source), AbandonedUploads.DefaultIdle, run.CancellationToken).ConfigureAwait(false);
        foreach (var upload in swept)
        {
            run.Logger.Warn("swept an abandoned multipart upload", ("outcome", upload.Outcome), ("upload", upload.Name), ("reason", upload.Reason));
        }

        return new TemporarySweep($"s3/{bucket}/multipart-uploads", swept);
    }

    protected override JobReport Report(RedisBackupRequest request, Plan plan, RedisBackupResult result) => new(result.BackupId, new Dictionary<string, string>
    {
        ["redis"] = plan.Server.ToString(),
        ["tier"] = result.RetentionTier,
        ["serverVersion"] = result.ServerVersion,
        ["replicationOffset"] = JobReport.Count(result.ReplicationOffset),
        ["rdbBytes"] = JobReport.Count(result.RdbBytes),
        ["storedBytes"] = JobReport.Count(result.StoredBytes),
    });

    protected override string Activity(Plan plan) => "the backup";

    /// <summary>A failed backup has no id yet: its event's resource is the source.</summary>
    protected override string? FailureSubject(RedisBackupRequest request) => null;

    /// <summary>A failed run's event names the server it could not back up.</summary>
    protected override IReadOnlyDictionary<string, string>? FailureDetails(RedisBackupRequest request) =>
        new Dictionary<string, string> { ["redisSecretId"] = request.Redis?.SecretId ?? services.RedisSecretId };
}
