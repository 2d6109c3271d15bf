using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Files an ElastiCache snapshot export in the catalog: reads the staged <c>&lt;name&gt;-0001.rdb</c> from the staging bucket,
/// streams it through <see cref="RedisCatalogBackup.ImportAsync"/> (the hourly backup's object, inspector and commit: zstd,
/// SHA-256, every structure and the CRC-64 checked, keys per database counted) in the tier its hour calls for, then deletes
/// the staged object. A damaged or missing file fails before the commit: nothing is listed, the staged object stays for
/// inspection (the bucket's lifecycle expires it), and the failure is audited.
/// </summary>
public sealed class RedisImportJob(JobServices services, IRdbInspector inspector, string stagingBucket)
    : CatalogJob<RedisImportRequest, RedisImportJob.Plan, RedisImportResult>(services, "redis", AuditActions.Backup)
{
    /// <summary>The staging variable RedisImport (and RedisStage) read.</summary>
    public const string StagingBucketVariable = RedisStagingSettings.BucketVariable;

    /// <summary>Where the staged RDB is and which tier the backup goes to.</summary>
    public sealed record Plan(RedisImportOrigin Origin, RetentionTier Tier);

    /// <summary>Reads the environment: the job layer's variables (<see cref="JobServices"/>) and <see cref="StagingBucketVariable"/>.</summary>
    public static RedisImportJob FromEnvironment(IReadOnlyDictionary<string, string> environment, IRdbInspector inspector, TimeProvider? time = null) =>
        new(JobServices.FromEnvironment(environment, time: time), inspector,
            new EnvironmentSettings(environment).Required(StagingBucketVariable, "the staging bucket ElastiCache exports snapshots to"));

    protected override Task<Plan> PrepareAsync(RedisImportRequest request, JobRun run) => Task.FromResult(new Plan(
        new RedisImportOrigin(request.SnapshotName, request.ReplicationGroupId, request.Bucket ?? stagingBucket, request.Key!),
        request.Tier(run.StartedAt)));

    protected override async Task<RedisImportResult> ExecuteAsync(RedisImportRequest request, Plan plan, JobRun run)
    {
        var origin = plan.Origin;
        using var staged = await GetStagedAsync(origin, run.CancellationToken).ConfigureAwait(false);
        var backup = new RedisCatalogBackup(Services.Catalog, inspector, logger: run.Logger);
        var spec = new RedisBackupSpec(run.Source, plan.Tier, run.Actor, JobRequestFields.BackupIdOf(request.BackupId));
        RedisBackupOutcome outcome;
        await using (var body = staged.ResponseStream)
        {
            outcome = await backup.ImportAsync(body, spec, origin, Services.Time.GetUtcNow(), run.CancellationToken).ConfigureAwait(false);
        }

        var deleted = false;
        if (request.DeleteStagedObject ?? true)
        {
            // The backup is committed: a staged object left behind only costs a day of storage (the bucket's lifecycle), so a
            // failed delete is logged, not a failed import.
            try
            {
                await Services.S3.DeleteObjectAsync(origin.Bucket, origin.Key, run.CancellationToken).ConfigureAwait(false);
                deleted = true;
            }
            catch (AmazonS3Exception e)
            {
                run.Logger.Warn("could not delete the staged export; the bucket's lifecycle will", ("bucket", origin.Bucket), ("key", origin.Key),
                    ("error", e.Message));
            }
        }

        var (committed, info) = outcome;
        var manifest = committed.Manifest;
        var rdb = manifest.FindObject(RedisBackupObjects.Rdb)!;
        return new RedisImportResult(
            manifest.BackupId.Value, run.Source, CatalogNames.Of(plan.Tier), manifest.StartedAt, manifest.CompletedAt, committed.ManifestKey,
            info.ServerVersion, info.RdbVersion, info.RdbCreatedAt, info.RdbBytes, rdb.StoredSize, info.KeysInRdb?.Values.Sum(), origin.Bucket, origin.Key,
            deleted, Math.Round((manifest.CompletedAt - manifest.StartedAt).TotalSeconds, 3));
    }

    protected override JobReport Report(RedisImportRequest request, Plan plan, RedisImportResult result) => new(result.BackupId, new Dictionary<string, string>
    {
        ["origin"] = "elasticache-export",
        ["stagedObject"] = $"s3://{result.StagingBucket}/{result.StagedKey}",
        ["snapshot"] = plan.Origin.SnapshotName ?? string.Empty,
        ["tier"] = result.RetentionTier,
        ["serverVersion"] = result.ServerVersion,
        ["rdbBytes"] = JobReport.Count(result.RdbBytes),
        ["storedBytes"] = JobReport.Count(result.StoredBytes),
    });

    protected override string Activity(Plan plan) => "the import";

    /// <summary>A failed import has no id yet: its event's resource is the source.</summary>
    protected override string? FailureSubject(RedisImportRequest request) => null;

    /// <summary>A failed run's event names the staged object it could not import.</summary>
    protected override IReadOnlyDictionary<string, string>? FailureDetails(RedisImportRequest request) => new Dictionary<string, string>
    {
        ["origin"] = "elasticache-export",
        ["stagedObject"] = $"s3://{request.Bucket ?? stagingBucket}/{request.Key}",
    };

    private async Task<GetObjectResponse> GetStagedAsync(RedisImportOrigin origin, CancellationToken cancellationToken)
    {
        try
        {
            return await S3Failures.CallAsync(origin.Bucket, () => Services.S3.GetObjectAsync(origin.Bucket, origin.Key, cancellationToken))
                .ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (S3Failures.IsNotFound(e))
        {
            throw new BackupNotFoundException($"the staged export s3://{origin.Bucket}/{origin.Key} does not exist (was the snapshot exported?)", e);
        }
    }
}
