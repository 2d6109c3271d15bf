using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Verifies a Redis backup in one of two modes, each its own strategy: <see cref="RedisBackupVerification"/> (the stored backup
/// itself, the verdict recorded beside the manifest) when the request names no server, else <see cref="RedisRestoredServerCheck"/>
/// (a server restored from the backup, checked in place). Audits the verdict, and fails the invocation with
/// <see cref="BackupVerificationFailedException"/> when a check failed, so alarms and Catch states see it.
/// </summary>
public sealed class RedisVerifyJob(RedisJobServices services)
    : CatalogJob<RedisVerifyRequest, RedisVerifyJob.Plan, RedisVerifyResult>(services.Jobs, "redis", AuditActions.Verification)
{
    /// <summary>The located backup and the mode that verifies it.</summary>
    public sealed record Plan(BackupManifest Manifest, IRedisVerifyMode Mode);

    protected override async Task<Plan> PrepareAsync(RedisVerifyRequest request, JobRun run)
    {
        var manifest = await new RedisBackupLocator(Services.Catalog).LocateAsync(
            run.Source, JobRequestFields.BackupIdOf(request.BackupId), Services.Time.GetUtcNow(), verifiedOnly: false, run.CancellationToken)
            .ConfigureAwait(false);
        var mode = request.Redis is { } restored
            ? await RedisRestoredServerCheck.ResolveAsync(restored, services, run).ConfigureAwait(false)
            : new RedisBackupVerification(Services.Catalog, Services.Time);
        return new Plan(manifest, mode);
    }

    protected override Task<RedisVerifyResult> ExecuteAsync(RedisVerifyRequest request, Plan plan, JobRun run) => plan.Mode.RunAsync(plan.Manifest, run);

    protected override JobReport Report(RedisVerifyRequest request, Plan plan, RedisVerifyResult result)
    {
        var failed = result.Checks.Where(c => !c.Passed).ToList();
        var details = new Dictionary<string, string>
        {
            ["mode"] = result.Mode,
            ["databases"] = JobReport.Count(result.KeysPerDatabase.Count),
            ["keys"] = JobReport.Count(result.KeysPerDatabase.Values.Sum()),
            ["failedChecks"] = string.Join(", ", failed.Select(c => c.Name)),
        };
        if (plan.Mode is RedisRestoredServerCheck check)
        {
            details["redis"] = check.Server.ToString();
        }

        return new JobReport(result.BackupId, details, result.Passed ? null : new BackupVerificationFailedException(
            $"{plan.Mode.Subject} {result.BackupId} of '{result.Source}' failed {failed.Count} check(s): " +
            string.Join("; ", failed.Take(5).Select(c => $"{c.Name}: {c.Detail}"))));
    }

    protected override string Activity(Plan plan) => plan.Mode.Activity;

    /// <summary>A failed check of a restored server names the server's secret.</summary>
    protected override IReadOnlyDictionary<string, string>? FailureDetails(RedisVerifyRequest request) =>
        request.Redis is { } restored ? new Dictionary<string, string> { ["redisSecretId"] = restored.SecretId ?? string.Empty } : null;
}

/// <summary>One way to verify a located Redis backup: a strategy of <see cref="RedisVerifyJob"/>.</summary>
public interface IRedisVerifyMode
{
    /// <summary>What the verdict is about, in the failure's message (<c>backup</c>).</summary>
    string Subject { get; }

    /// <summary>What the mode does, for the deadline's error.</summary>
    string Activity { get; }

    /// <summary>Verifies <paramref name="manifest"/>'s backup; a failed check is a verdict in the result, not an exception.</summary>
    Task<RedisVerifyResult> RunAsync(BackupManifest manifest, JobRun run);
}

/// <summary>
/// Mode <c>backup</c> (the default and the daily schedule's): the stored backup itself, by <see cref="RedisCatalogVerify"/>; the
/// verdict is recorded beside the manifest, and a passed one enters the verified index.
/// </summary>
public sealed class RedisBackupVerification(BackupCatalog catalog, TimeProvider time) : IRedisVerifyMode
{
    public string Subject => "backup";

    public string Activity => "the verification";

    public async Task<RedisVerifyResult> RunAsync(BackupManifest manifest, JobRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var outcome = await new RedisCatalogVerify(catalog, time, run.Logger).RunAsync(manifest, run.Actor, run.CancellationToken).ConfigureAwait(false);
        var verification = outcome.Verification;
        return new RedisVerifyResult(manifest.BackupId.Value, run.Source, "backup", verification.Passed,
            [.. verification.Checks.Select(c => new RedisVerifyCheck(c.Name, c.Passed, c.Detail))], outcome.KeysPerDatabase, run.ElapsedSeconds)
        {
            VerificationKey = outcome.VerificationKey,
        };
    }
}
