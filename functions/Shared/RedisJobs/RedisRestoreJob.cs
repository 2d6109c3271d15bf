using System.Globalization;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Redis.Replication;
using DisasterRecovery.Redis.Restore;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Restores a Redis backup (by id, or the newest verified one at or before a time) into a running server named by the
/// request, with <see cref="RedisLiveRestore"/>: the catalog's <c>dump.rdb</c> is read, decompressed and checksummed as it
/// streams into the server's pipeline. Audited with the keys restored, kept and skipped, the mode and the target.
/// </summary>
public sealed class RedisRestoreJob(RedisJobServices services)
    : CatalogJob<RedisRestoreRequest, RedisRestoreJob.Plan, RedisRestoreResult>(services.Jobs, "redis", AuditActions.Restore)
{
    /// <summary>The resolved target and the located backup.</summary>
    public sealed record Plan(RedisEndpoint Target, BackupManifest Manifest);

    protected override async Task<Plan> PrepareAsync(RedisRestoreRequest request, JobRun run)
    {
        var target = await request.Target!.ResolveAsync(Services.Secrets, "target", run.CancellationToken).ConfigureAwait(false);
        var manifest = await new RedisBackupLocator(Services.Catalog).LocateAsync(run.Source, JobRequestFields.BackupIdOf(request.BackupId),
            request.Time ?? Services.Time.GetUtcNow(), verifiedOnly: true, run.CancellationToken).ConfigureAwait(false);
        return new Plan(target, manifest);
    }

    protected override async Task<RedisRestoreResult> ExecuteAsync(RedisRestoreRequest request, Plan plan, JobRun run)
    {
        var options = request.Options(Services.Time.GetUtcNow(), DatabasesOf(plan.Manifest)) with { Connection = services.Replication };
        var reader = Services.Catalog.OpenReader(plan.Manifest);
        var rdb = await reader.OpenObjectAsync(RedisBackupObjects.Rdb, run.CancellationToken).ConfigureAwait(false);
        await using (rdb.ConfigureAwait(false))
        {
            var summary = await new RedisLiveRestore(Services.Time).RestoreAsync(rdb, plan.Target, options, run.CancellationToken).ConfigureAwait(false);

            // The RDB reader stops after the file's own CRC-64; reading on to the end checks the catalog's SHA-256 too.
            await rdb.CopyToAsync(Stream.Null, run.CancellationToken).ConfigureAwait(false);
            run.Logger.Info("restored", ("target", summary.Target), ("keys", summary.KeysRestored), ("kept", summary.KeysKept),
                ("seconds", Math.Round(summary.Elapsed.TotalSeconds, 3)));
            var manifest = plan.Manifest;
            return new RedisRestoreResult(
                manifest.BackupId.Value, run.Source, manifest.StartedAt, manifest.CompletedAt, summary.Target, RedisRestoreModes.Name(summary.Mode),
                summary.DryRun, summary.KeysRestored, summary.KeysKept, summary.KeysSkippedExpired, summary.KeysFiltered, summary.FunctionsRestored,
                summary.Databases, manifest.FindObject(RedisBackupObjects.Rdb)!.Size, Math.Round(summary.Elapsed.TotalSeconds, 3));
        }
    }

    protected override JobReport Report(RedisRestoreRequest request, Plan plan, RedisRestoreResult result) => new(result.BackupId,
        new Dictionary<string, string>
        {
            ["target"] = result.Target,
            ["mode"] = result.Mode,
            ["dryRun"] = result.DryRun ? "true" : "false",
            ["keysRestored"] = JobReport.Count(result.KeysRestored),
            ["keysKept"] = JobReport.Count(result.KeysKept),
            ["keysSkippedExpired"] = JobReport.Count(result.KeysSkippedExpired),
            ["keysFiltered"] = JobReport.Count(result.KeysFiltered),
            ["functionsRestored"] = JobReport.Count(result.FunctionsRestored),
        });

    protected override string Activity(Plan plan) => "the restore";

    /// <summary>A failed run's event names the target (its secret, host and port: never a password) and the mode.</summary>
    protected override IReadOnlyDictionary<string, string>? FailureDetails(RedisRestoreRequest request) => new Dictionary<string, string>
    {
        ["targetSecretId"] = request.Target?.SecretId ?? string.Empty,
        ["target"] = request.Target is { Host: { } host }
            ? $"{host}:{request.Target.Port?.ToString(CultureInfo.InvariantCulture) ?? "(secret's port)"}"
            : "(secret's)",
        ["mode"] = request.Mode ?? RedisRestoreModes.Replace,
    };

    /// <summary>The databases the manifest counts keys in (<c>db3</c> → 3); null when it counted none.</summary>
    internal static IReadOnlySet<int>? DatabasesOf(BackupManifest manifest) => manifest.Contents is { } contents
        ? contents.Select(c => c.Name.StartsWith("db", StringComparison.Ordinal)
                && int.TryParse(c.Name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : -1)
            .Where(n => n >= 0).ToHashSet()
        : null;
}
