using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Restores a backup (by id, or the newest verified one before a time) into a target resolved from its secret, by
/// <see cref="PostgresCatalogRestore"/>, and audits the outcome. The target is either wholly restored or untouched.
/// </summary>
public sealed class PostgresRestoreJob(PostgresJobServices services)
    : CatalogJob<PostgresRestoreRequest, PostgresRestoreJob.Plan, PostgresRestoreResult>(services.Jobs, "postgres", AuditActions.Restore)
{
    /// <summary>The resolved target and the located backup.</summary>
    public sealed record Plan(PostgresEndpoint Target, BackupManifest Manifest);

    protected override async Task<Plan> PrepareAsync(PostgresRestoreRequest request, JobRun run)
    {
        var target = await request.Target!.ResolveAsync(Services.Secrets, "target", run.CancellationToken).ConfigureAwait(false);
        var manifest = await new PostgresBackupLocator(Services.Catalog).LocateAsync(
            run.Source, JobRequestFields.BackupIdOf(request.BackupId), request.Before ?? Services.Time.GetUtcNow(),
                verifiedOnly: request.AllowUnverified != true, run.CancellationToken)
            .ConfigureAwait(false);
        return new Plan(target, manifest);
    }

    protected override async Task<PostgresRestoreResult> ExecuteAsync(PostgresRestoreRequest request, Plan plan, JobRun run)
    {
        var restore = new PostgresCatalogRestore(Services.Catalog, new PostgresRestorer(services.Tools, run.Logger), run.Logger);
        var options = new PostgresRestoreOptions { Replace = request.Replace == true, Workers = request.Workers ?? 2, Owner = run.Actor };
        var (manifest, restored) = await restore.RunAsync(plan.Manifest, plan.Target, options, run.CancellationToken).ConfigureAwait(false);
        return new PostgresRestoreResult(
            manifest.BackupId.Value, run.Source, manifest.CompletedAt, (manifest.ConsistencyPoint as PostgresConsistencyPoint)?.Lsn,
            plan.Target.Host, plan.Target.Port, plan.Target.Database, restored.Tables, restored.Rows, restored.ReplacedExisting,
            Math.Round(restored.Elapsed.TotalSeconds, 3))
        {
            RolesCreated = restored.RolesCreated,
        };
    }

    /// <summary>What killed restores left on the target's server: their <c>dr_restoring_</c> databases, and targets they renamed away.</summary>
    protected override async Task<TemporarySweep?> SweepExpiredAsync(PostgresRestoreRequest request, Plan plan, JobRun run) =>
        await PostgresTemporarySweeps.DatabasesAsync(plan.Target, [TemporaryDatabases.Restore, TemporaryDatabases.Replaced], TemporaryDatabases.DefaultGrace,
            Services.Time, run.Logger, run.CancellationToken).ConfigureAwait(false);

    protected override JobReport Report(PostgresRestoreRequest request, Plan plan, PostgresRestoreResult result) => new(result.BackupId,
        new Dictionary<string, string>
        {
            ["target"] = $"{result.TargetHost}:{result.TargetPort}/{result.TargetDatabase}",
            ["tables"] = JobReport.Count(result.Tables),
            ["rows"] = JobReport.Count(result.Rows),
            ["replacedExisting"] = result.ReplacedExisting ? "true" : "false",
            ["rolesCreated"] = string.Join(",", result.RolesCreated),
        });

    protected override string Activity(Plan plan) => "the restore";

    protected override IReadOnlyDictionary<string, string> FailureDetails(PostgresRestoreRequest request) =>
        new Dictionary<string, string> { ["target"] = request.Target!.Database! };
}
