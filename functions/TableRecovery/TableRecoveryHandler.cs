using DisasterRecovery.Lambda;
using DisasterRecovery.TableRecovery;

namespace DisasterRecovery.Functions.TableRecovery;

/// <summary>Adapter: runs the request within the invocation's deadline and logs the totals (per-table lines come from the service).</summary>
public sealed class TableRecoveryHandler(TableRecoveryService service) : ILambdaHandler<TableRecoveryRequest, TableRecoveryResult>
{
    public async Task<TableRecoveryResult> HandleAsync(TableRecoveryRequest input, ILambdaContext context)
    {
        var result = await service.RunAsync(input, context.Logger, context.CancellationToken).ConfigureAwait(false);
        context.Logger.Info(
            result.Committed ? "tables recovered; committed" : result.Mode == "check" ? "tables checked" : "tables previewed; nothing written",
            ("mode", result.Mode), ("plannedMode", result.PlannedMode), ("tables", result.Totals.Tables), ("rowsInSource", result.Totals.RowsInSource),
            ("missingInProduction", result.Totals.MissingInProduction), ("differing", result.Totals.Differing),
            ("onlyInProduction", result.Totals.OnlyInProduction), ("inserted", result.Totals.Inserted), ("replaced", result.Totals.Replaced),
            ("backupId", result.BackupId), ("durationMs", result.DurationMs));
        return result;
    }
}
