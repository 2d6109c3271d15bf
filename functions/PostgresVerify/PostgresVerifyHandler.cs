using System.Diagnostics;
using System.Globalization;
using DisasterRecovery.Audit;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.Postgres.Functions;

namespace DisasterRecovery.Functions.PostgresVerify;

/// <summary>
/// Adapter: verifies a backup (<see cref="PostgresCatalogVerify"/>: recorded beside the manifest) or checks a restored
/// database in place (<see cref="PostgresVerifier.CheckRestoredDatabaseAsync"/>), audits the verdict, and fails the
/// invocation with <see cref="BackupVerificationFailedException"/> when a check failed, so alarms and Catch states see it.
/// </summary>
public sealed class PostgresVerifyHandler(PostgresFunctionServices services, string? scratchSecretId) : ILambdaHandler<PostgresVerifyRequest, PostgresVerifyResult>
{
    public async Task<PostgresVerifyResult> HandleAsync(PostgresVerifyRequest input, ILambdaContext context)
    {
        var ct = context.CancellationToken;
        var clock = Stopwatch.StartNew();
        var source = input.Source ?? services.Source;
        var actor = input.RequestedBy ?? $"{context.InvokedFunctionArn}#{context.RequestId}";
        var options = new PostgresVerifyOptions { Workers = input.Workers ?? 2, IntegrityChecks = input.IntegrityChecks ?? true };
        var verifier = new PostgresVerifier(services.Tools, context.Logger);
        var locator = new PostgresBackupLocator(services.Catalog);
        var result = await services.AuditFailureAsync(context.Logger, AuditActions.Verification, $"postgres/{source}/{input.BackupId ?? "latest"}", actor, null, async () =>
        {
            var manifest = await locator.LocateAsync(source, PostgresRequestFields.BackupIdOf(input.BackupId), services.Time.GetUtcNow(), verifiedOnly: false, ct).ConfigureAwait(false);
            if (input.Database is { } restored)
            {
                var database = await restored.ResolveAsync(services.Secrets, "database", ct).ConfigureAwait(false);
                var index = await locator.ReadIndexAsync(manifest, ct).ConfigureAwait(false);
                var check = await DeadlineExceeded.MapAsync(() => verifier.CheckRestoredDatabaseAsync(database, index, options, ct), "the check", ct).ConfigureAwait(false);
                return new PostgresVerifyResult(manifest.BackupId.Value, source, "restored-database", check.Passed,
                    [.. check.Checks.Select(c => new PostgresVerifyCheck(c.Name, c.Passed, c.Detail))], check.Tables.Count, check.Tables.Sum(t => t.Rows), null,
                    Math.Round(clock.Elapsed.TotalSeconds, 3));
            }
            else
            {
                var scratch = input.Scratch ?? new DatabaseConnection { SecretId = scratchSecretId ?? services.DefaultSecretId };
                var server = await scratch.ResolveAsync(services.Secrets, "scratch", ct).ConfigureAwait(false);
                var job = new PostgresCatalogVerify(services.Catalog, verifier, services.Time, context.Logger);
                var outcome = await DeadlineExceeded.MapAsync(() => job.RunAsync(manifest, server, actor, options, ct), "the verification", ct).ConfigureAwait(false);
                var verification = outcome.Verification;
                return new PostgresVerifyResult(manifest.BackupId.Value, source, "backup", verification.Passed,
                    [.. verification.Checks.Select(c => new PostgresVerifyCheck(c.Name, c.Passed, c.Detail))],
                    verification.Counts?.Count ?? 0, verification.Counts?.Sum(c => c.Count) ?? 0, outcome.VerificationKey,
                    Math.Round(clock.Elapsed.TotalSeconds, 3));
            }
        }).ConfigureAwait(false);

        var failed = result.Checks.Where(c => !c.Passed).ToList();
        await services.AuditAsync(context.Logger, new AuditEvent
        {
            Action = AuditActions.Verification,
            Resource = $"postgres/{source}/{result.BackupId}",
            Actor = actor,
            Result = result.Passed ? AuditResults.Succeeded : AuditResults.Failed,
            RelatedIds = [result.BackupId],
            Details = new Dictionary<string, string>
            {
                ["mode"] = result.Mode,
                ["tables"] = result.Tables.ToString(CultureInfo.InvariantCulture),
                ["rows"] = result.Rows.ToString(CultureInfo.InvariantCulture),
                ["failedChecks"] = string.Join(", ", failed.Select(c => c.Name)),
            },
        }, quietly: !result.Passed, ct).ConfigureAwait(false);
        if (!result.Passed)
        {
            throw new BackupVerificationFailedException(
                $"{(result.Mode == "backup" ? "backup" : "the database restored from backup")} {result.BackupId} of '{source}' failed {failed.Count} check(s): " +
                string.Join("; ", failed.Take(5).Select(c => $"{c.Name}: {c.Detail}")));
        }

        return result;
    }
}
