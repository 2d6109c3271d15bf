using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Stages a Redis backup (by id, or the newest verified one at or before a time) as a plain <c>.rdb</c> in the staging
/// bucket, <c>&lt;prefix&gt;/&lt;backupId&gt;.rdb</c>: decompressed and checksummed as it is copied (a damaged backup
/// leaves no object), with ElastiCache's read grant when configured. ElastiCache's <c>createReplicationGroup</c> seeds a
/// group from it (<c>SnapshotArns</c>); a new <c>redis-server</c> starts on it. Audited as a restore action.
/// </summary>
public sealed class RedisStageJob(RedisJobServices services, RedisStagingSettings staging)
    : CatalogJob<RedisStageRequest, RedisStageJob.Plan, RedisStageResult>(services.Jobs, "redis", AuditActions.Restore)
{
    /// <summary>The located backup and where it goes.</summary>
    public sealed record Plan(BackupManifest Manifest, string Bucket, string Key);

    protected override async Task<Plan> PrepareAsync(RedisStageRequest request, JobRun run)
    {
        var bucket = request.Bucket ?? staging.Bucket ?? throw new FunctionConfigurationException(
            $"{RedisStagingSettings.BucketVariable}: not set, and the request names no bucket; the stack sets it to RedisStagingBucket");
        var manifest = await new RedisBackupLocator(Services.Catalog).LocateAsync(run.Source, JobRequestFields.BackupIdOf(request.BackupId),
            request.Time ?? Services.Time.GetUtcNow(), verifiedOnly: true, run.CancellationToken).ConfigureAwait(false);
        var key = $"{request.Prefix ?? "restore/" + run.Source}/{manifest.BackupId.Value}.rdb";
        return new Plan(manifest, bucket, key);
    }

    protected override async Task<RedisStageResult> ExecuteAsync(RedisStageRequest request, Plan plan, JobRun run)
    {
        var bytes = await CopyAsync(plan, run.CancellationToken).ConfigureAwait(false);
        run.Logger.Info("staged", ("bucket", plan.Bucket), ("key", plan.Key), ("bytes", bytes));
        var manifest = plan.Manifest;
        return new RedisStageResult(
            manifest.BackupId.Value, run.Source, manifest.StartedAt, manifest.CompletedAt, plan.Bucket, plan.Key, $"arn:aws:s3:::{plan.Bucket}/{plan.Key}",
            bytes, (manifest.Contents ?? []).ToDictionary(c => c.Name, c => c.Count, StringComparer.Ordinal));
    }

    /// <summary>Copies the plan's RDB, decompressed and checksummed, to its staging object; returns its size.</summary>
    internal async Task<long> CopyAsync(Plan plan, CancellationToken cancellationToken)
    {
        var rdb = await Services.Catalog.OpenReader(plan.Manifest).OpenObjectAsync(RedisBackupObjects.Rdb, cancellationToken).ConfigureAwait(false);
        await using (rdb.ConfigureAwait(false))
        {
            return await new RedisStageUpload(Services.S3, plan.Bucket, plan.Key, staging.ReaderCanonicalId).CopyAsync(rdb, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    protected override JobReport Report(RedisStageRequest request, Plan plan, RedisStageResult result) => new(result.BackupId,
        new Dictionary<string, string>
        {
            ["stagedTo"] = $"s3://{result.Bucket}/{result.Key}",
            ["bytes"] = JobReport.Count(result.Bytes),
        });

    protected override string Activity(Plan plan) => "staging the RDB";

    protected override IReadOnlyDictionary<string, string>? FailureDetails(RedisStageRequest request) => new Dictionary<string, string>
    {
        ["bucket"] = request.Bucket ?? staging.Bucket ?? string.Empty,
    };
}
