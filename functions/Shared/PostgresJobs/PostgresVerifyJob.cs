using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Verifies a backup in one of two modes, each its own strategy: <see cref="PostgresBackupVerification"/> (restored into
/// a scratch database, the verdict recorded beside the manifest) when the request names no database, else
/// <see cref="PostgresRestoredDatabaseCheck"/> (a database restored from the backup, checked in place). Audits the
/// verdict, and fails the invocation with <see cref="BackupVerificationFailedException"/> when a check failed, so
/// alarms and Catch states see it.
/// </summary>
public sealed class PostgresVerifyJob(PostgresJobServices services, string? scratchSecretId)
    : CatalogJob<PostgresVerifyRequest, PostgresVerifyJob.Plan, PostgresVerifyResult>(services.Jobs, "postgres", AuditActions.Verification)
{
    /// <summary>The located backup and the mode that verifies it, its database resolved.</summary>
    public sealed record Plan(BackupManifest Manifest, IPostgresVerifyMode Mode);

    protected override async Task<Plan> PrepareAsync(PostgresVerifyRequest request, JobRun run)
    {
        var manifest = await new PostgresBackupLocator(Services.Catalog).LocateAsync(
            run.Source, JobRequestFields.BackupIdOf(request.BackupId), Services.Time.GetUtcNow(), verifiedOnly: false,
                run.CancellationToken).ConfigureAwait(false);
        var verifier = new PostgresVerifier(services.Tools, run.Logger);
        var mode = request.Database is { } restored
            ? await PostgresRestoredDatabaseCheck.ResolveAsync(restored, Services, verifier, run).ConfigureAwait(false)
            : await PostgresBackupVerification.ResolveAsync(
                request.Scratch ?? new DatabaseConnection { SecretId = scratchSecretId ?? Services.DefaultSecretId }, Services, verifier,
                    run).ConfigureAwait(false);
        return new Plan(manifest, mode);
    }

    protected override Task<PostgresVerifyResult> ExecuteAsync(PostgresVerifyRequest request, Plan plan, JobRun run) =>
        plan.Mode.RunAsync(plan.Manifest, new PostgresVerifyOptions
        {
            Workers = request.Workers ?? 2,
            IntegrityChecks = request.IntegrityChecks ?? true,
            Owner = run.Actor,
        }, run);

    /// <summary>What killed verifications left on the scratch server: their <c>dr_verify_</c> databases (a check in place creates none).</summary>
    protected override async Task<TemporarySweep?> SweepExpiredAsync(PostgresVerifyRequest request, Plan plan, JobRun run) =>
        plan.Mode is PostgresBackupVerification verification
            ? await PostgresTemporarySweeps.DatabasesAsync(verification.ScratchServer, [TemporaryDatabases.Verify], TemporaryDatabases.DefaultGrace,
                Services.Time, run.Logger, run.CancellationToken).ConfigureAwait(false)
            : null;

    protected override JobReport Report(PostgresVerifyRequest request, Plan plan, PostgresVerifyResult result)
    {
        var failed = result.Checks.Where(c => !c.Passed).ToList();
        return new JobReport(result.BackupId, new Dictionary<string, string>
        {
            ["mode"] = result.Mode,
            ["tables"] = JobReport.Count(result.Tables),
            ["rows"] = JobReport.Count(result.Rows),
            ["failedChecks"] = string.Join(", ", failed.Select(c => c.Name)),
        }, result.Passed ? null : new BackupVerificationFailedException(
            $"{plan.Mode.Subject} {result.BackupId} of '{result.Source}' failed {failed.Count} check(s): " +
            string.Join("; ", failed.Take(5).Select(c => $"{c.Name}: {c.Detail}"))));
    }

    protected override string Activity(Plan plan) => plan.Mode.Activity;
}

/// <summary>One way to verify a located PostgreSQL backup: a strategy of <see cref="PostgresVerifyJob"/>.</summary>
public interface IPostgresVerifyMode
{
    /// <summary>What the verdict is about, in the failure's message (<c>backup</c>).</summary>
    string Subject { get; }

    /// <summary>What the mode does, for the deadline's error.</summary>
    string Activity { get; }

    /// <summary>Verifies <paramref name="manifest"/>'s backup; a failed check is a verdict in the result, not an exception.</summary>
    Task<PostgresVerifyResult> RunAsync(BackupManifest manifest, PostgresVerifyOptions options, JobRun run);
}

/// <summary>
/// Mode <c>backup</c>: every object's checksums, the dump restored into a scratch database on the scratch server, every
/// table compared with the manifest, the integrity SQL run (<see cref="PostgresCatalogVerify"/>); the verdict is recorded
/// beside the manifest.
/// </summary>
public sealed class PostgresBackupVerification(BackupCatalog catalog, PostgresVerifier verifier, PostgresEndpoint scratchServer, TimeProvider time)
    : IPostgresVerifyMode
{
    public string Subject => "backup";

    /// <summary>The server the scratch database is restored on.</summary>
    public PostgresEndpoint ScratchServer => scratchServer;

    public string Activity => "the verification";

    /// <summary>Resolves the scratch server from its secret.</summary>
    public static async Task<IPostgresVerifyMode> ResolveAsync(DatabaseConnection scratch, JobServices services, PostgresVerifier verifier, JobRun run)
    {
        var server = await scratch.ResolveAsync(services.Secrets, "scratch", run.CancellationToken).ConfigureAwait(false);
        return new PostgresBackupVerification(services.Catalog, verifier, server, services.Time);
    }

    public async Task<PostgresVerifyResult> RunAsync(BackupManifest manifest, PostgresVerifyOptions options, JobRun run)
    {
        var job = new PostgresCatalogVerify(catalog, verifier, time, run.Logger);
        var (verification, key, _) = await job.RunAsync(manifest, scratchServer, run.Actor, options, run.CancellationToken).ConfigureAwait(false);
        return new PostgresVerifyResult(manifest.BackupId.Value, run.Source, "backup", verification.Passed,
            [.. verification.Checks.Select(c => new PostgresVerifyCheck(c.Name, c.Passed, c.Detail))],
            verification.Counts?.Count ?? 0, verification.Counts?.Sum(c => c.Count) ?? 0, key, run.ElapsedSeconds);
    }
}

/// <summary>
/// Mode <c>restored-database</c>: a database restored from the backup, checked in place against the backup's index
/// (<see cref="PostgresVerifier.CheckRestoredDatabaseAsync"/>); nothing is recorded beside the manifest.
/// </summary>
public sealed class PostgresRestoredDatabaseCheck(BackupCatalog catalog, PostgresVerifier verifier, PostgresEndpoint database) : IPostgresVerifyMode
{
    public string Subject => "the database restored from backup";

    public string Activity => "the check";

    /// <summary>Resolves the restored database from its secret.</summary>
    public static async Task<IPostgresVerifyMode> ResolveAsync(DatabaseConnection restored, JobServices services, PostgresVerifier verifier, JobRun run)
    {
        var database = await restored.ResolveAsync(services.Secrets, "database", run.CancellationToken).ConfigureAwait(false);
        return new PostgresRestoredDatabaseCheck(services.Catalog, verifier, database);
    }

    public async Task<PostgresVerifyResult> RunAsync(BackupManifest manifest, PostgresVerifyOptions options, JobRun run)
    {
        var index = await new PostgresBackupLocator(catalog).ReadIndexAsync(manifest, run.CancellationToken).ConfigureAwait(false);
        var check = await verifier.CheckRestoredDatabaseAsync(database, index, options, run.CancellationToken).ConfigureAwait(false);
        return new PostgresVerifyResult(manifest.BackupId.Value, run.Source, "restored-database", check.Passed,
            [.. check.Checks.Select(c => new PostgresVerifyCheck(c.Name, c.Passed, c.Detail))], check.Tables.Count, check.Tables.Sum(t => t.Rows), null,
            run.ElapsedSeconds);
    }
}
