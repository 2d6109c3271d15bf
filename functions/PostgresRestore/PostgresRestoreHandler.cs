using System.Globalization;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.Postgres.Functions;

namespace DisasterRecovery.Functions.PostgresRestore;

/// <summary>
/// Adapter: finds the backup (by id, or the newest verified one before a time), resolves the target from its
/// secret, runs <see cref="PostgresCatalogRestore"/> and audits the outcome. The target is either wholly restored
/// or untouched.
/// </summary>
public sealed class PostgresRestoreHandler(PostgresFunctionServices services) : ILambdaHandler<PostgresRestoreRequest, PostgresRestoreResult>
{
    public async Task<PostgresRestoreResult> HandleAsync(PostgresRestoreRequest input, ILambdaContext context)
    {
        var ct = context.CancellationToken;
        var source = input.Source ?? services.Source;
        var actor = input.RequestedBy ?? $"{context.InvokedFunctionArn}#{context.RequestId}";
        var target = input.Target!;
        var result = await services.AuditFailureAsync(context.Logger, AuditActions.Restore, $"postgres/{source}/{input.BackupId ?? "latest"}", actor, new Dictionary<string, string> { ["target"] = target.Database! }, async () =>
        {
            var endpoint = await target.ResolveAsync(services.Secrets, "target", ct).ConfigureAwait(false);
            var manifest = await new PostgresBackupLocator(services.Catalog).LocateAsync(
                source, PostgresRequestFields.BackupIdOf(input.BackupId), input.Before ?? services.Time.GetUtcNow(), verifiedOnly: input.AllowUnverified != true, ct).ConfigureAwait(false);
            var restore = new PostgresCatalogRestore(services.Catalog, new PostgresRestorer(services.Tools, context.Logger), context.Logger);
            var options = new DisasterRecovery.Postgres.PostgresRestoreOptions { Replace = input.Replace == true, Workers = input.Workers ?? 2 };
            var outcome = await DeadlineExceeded.MapAsync(() => restore.RunAsync(manifest, endpoint, options, ct), "the restore", ct).ConfigureAwait(false);
            return new PostgresRestoreResult(
                manifest.BackupId.Value, source, manifest.CompletedAt, (manifest.ConsistencyPoint as PostgresConsistencyPoint)?.Lsn,
                endpoint.Host, endpoint.Port, endpoint.Database, outcome.Result.Tables, outcome.Result.Rows, outcome.Result.ReplacedExisting,
                Math.Round(outcome.Result.Elapsed.TotalSeconds, 3));
        }).ConfigureAwait(false);

        await services.AuditAsync(context.Logger, new AuditEvent
        {
            Action = AuditActions.Restore,
            Resource = $"postgres/{source}/{result.BackupId}",
            Actor = actor,
            Result = AuditResults.Succeeded,
            RelatedIds = [result.BackupId],
            Details = new Dictionary<string, string>
            {
                ["target"] = $"{result.TargetHost}:{result.TargetPort}/{result.TargetDatabase}",
                ["tables"] = result.Tables.ToString(CultureInfo.InvariantCulture),
                ["rows"] = result.Rows.ToString(CultureInfo.InvariantCulture),
                ["replacedExisting"] = result.ReplacedExisting ? "true" : "false",
            },
        }, quietly: false, ct).ConfigureAwait(false);
        return result;
    }
}
