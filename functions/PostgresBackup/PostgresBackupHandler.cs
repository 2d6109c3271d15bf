using System.Globalization;
using DisasterRecovery.Audit;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Lambda;
using DisasterRecovery.Postgres;
using DisasterRecovery.Postgres.Functions;

namespace DisasterRecovery.Functions.PostgresBackup;

/// <summary>
/// Adapter: resolves the database from its secret, runs <see cref="PostgresCatalogBackup"/>, and audits the outcome
/// (a failure is audited too, then rethrown so the invocation fails and the alarm on Errors fires).
/// </summary>
public sealed class PostgresBackupHandler(PostgresFunctionServices services) : ILambdaHandler<PostgresBackupRequest, PostgresBackupResult>
{
    public async Task<PostgresBackupResult> HandleAsync(PostgresBackupRequest input, ILambdaContext context)
    {
        var ct = context.CancellationToken;
        var source = input.Source ?? services.Source;
        var actor = input.RequestedBy ?? $"{context.InvokedFunctionArn}#{context.RequestId}";
        var startedAt = services.Time.GetUtcNow();
        var tier = input.Tier(startedAt);
        var connection = input.Database ?? new DatabaseConnection { SecretId = services.DefaultSecretId };
        var database = "?";
        var result = await services.AuditFailureAsync(context.Logger, AuditActions.Backup, $"postgres/{source}", actor, null, async () =>
        {
            var endpoint = await connection.ResolveAsync(services.Secrets, "database", ct).ConfigureAwait(false);
            database = endpoint.ToString();
            var backup = new PostgresCatalogBackup(services.Catalog, new PostgresDumper(services.Tools, context.Logger, services.Time), services.Tools, context.Logger);
            var spec = new PostgresBackupSpec(source, tier, actor, PostgresRequestFields.BackupIdOf(input.BackupId), new PostgresDumpOptions
            {
                Workers = input.Workers ?? PostgresDumpOptions.DefaultWorkers,
                ContentHashMaxTableBytes = input.ContentHashMaxTableMb is { } mb ? (long)mb << 20 : null,
            });
            var outcome = await DeadlineExceeded.MapAsync(() => backup.RunAsync(endpoint, spec, ct), "the backup", ct).ConfigureAwait(false);
            var manifest = outcome.Manifest;
            return new PostgresBackupResult(
                manifest.BackupId.Value, source, tier.ToString().ToLowerInvariant(), manifest.StartedAt, manifest.CompletedAt, outcome.Committed.ManifestKey,
                outcome.Index.Tables.Count, outcome.Index.Tables.Sum(t => t.Rows), outcome.Index.RawLength, outcome.Index.StoredLength,
                outcome.Index.WalLsn, outcome.Index.ServerVersion, Math.Round((manifest.CompletedAt - manifest.StartedAt).TotalSeconds, 3));
        }).ConfigureAwait(false);

        // The backup is committed: an audit log that cannot take the event fails the invocation, loudly.
        await services.AuditAsync(context.Logger, new AuditEvent
        {
            Action = AuditActions.Backup,
            Resource = $"postgres/{source}/{result.BackupId}",
            Actor = actor,
            Result = AuditResults.Succeeded,
            RelatedIds = [result.BackupId],
            Details = new Dictionary<string, string>
            {
                ["database"] = database,
                ["tier"] = result.RetentionTier,
                ["tables"] = result.Tables.ToString(CultureInfo.InvariantCulture),
                ["rows"] = result.Rows.ToString(CultureInfo.InvariantCulture),
                ["storedBytes"] = result.StoredBytes.ToString(CultureInfo.InvariantCulture),
                ["walLsn"] = result.WalLsn ?? string.Empty,
            },
        }, quietly: false, ct).ConfigureAwait(false);
        return result;
    }
}
