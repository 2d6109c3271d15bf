using System.Diagnostics;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using DisasterRecovery.Jobs;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;
using DisasterRecovery.Secrets;
using Npgsql;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// Brings chosen tables back from a recovered instance (plan §3.3: accidental deletion, after a point-in-time restore to a
/// side instance). Every mode first plans — finds each table on both sides, compares columns, refuses what it cannot do —
/// before it writes anything; every write mode then runs in one production transaction for the whole table set, so any
/// failure (a constraint, a lost connection, the deadline) rolls back everything.
/// </summary>
/// <remarks>
/// How rows are compared: the recovered rows are streamed with binary COPY into a temp table in production's session and
/// compared there with SQL (anti-joins on the primary key; whole-row text comparison for "differs"). The comparison then uses
/// production's own equality, collations and planner (hash joins, its primary key index), needs no ordering agreement
/// between two servers, and costs one sequential read of the recovered table plus temp space in production's session —
/// never a write to a production table. The same staged rows feed insert-missing and replace, so the exclusive part of a
/// replace (truncate and reload from local temp data) is short.
/// </remarks>
public sealed class TableRecoveryService
{
    /// <summary>How many missing primary keys a result lists per table.</summary>
    public const int MaxSamples = 10;

    private readonly ISecretSource _secrets;
    private readonly BackupCatalog? _catalog;
    private readonly PostgresTools _tools;
    private readonly TimeProvider _time;
    private readonly TableRecoveryHooks _hooks;

    /// <param name="secrets">Where database credentials come from.</param>
    /// <param name="catalog">The backup catalog, for check with <c>catalogSource</c>; null when the function has no backup bucket.</param>
    /// <param name="tools">pg_dump, used to recreate a dropped table.</param>
    /// <param name="time">The clock for durations' start and the default side-table timestamp.</param>
    public TableRecoveryService(ISecretSource secrets, BackupCatalog? catalog, PostgresTools tools, TimeProvider? time = null)
        : this(secrets, catalog, tools, time ?? TimeProvider.System, new TableRecoveryHooks())
    {
    }

    internal TableRecoveryService(ISecretSource secrets, BackupCatalog? catalog, PostgresTools tools, TimeProvider time, TableRecoveryHooks hooks)
    {
        _secrets = secrets;
        _catalog = catalog;
        _tools = tools;
        _time = time;
        _hooks = hooks;
    }

    /// <summary>Runs a validated request.</summary>
    /// <param name="request">What to do.</param>
    /// <param name="logger">Per-table summaries go here (counts and names; never row contents).</param>
    /// <param name="cancellationToken">The invocation's deadline: production's transaction is rolled back and <see cref="DeadlineExceededException"/>
    /// thrown.</param>
    public async Task<TableRecoveryResult> RunAsync(TableRecoveryRequest request, JsonLogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var startedAt = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var plans = request.TableNames.Select((name, i) => new TablePlan(i, name)).ToList();
        return request.ParsedMode == TableRecoveryMode.Check
            ? await CheckAsync(request, plans, logger, startedAt, clock, cancellationToken).ConfigureAwait(false)
            : await RecoverAsync(request, plans, logger, startedAt, clock, cancellationToken).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------------------------------
    // check: before the restore, production and the backup catalog only
    // ------------------------------------------------------------------------------------------

    private async Task<TableRecoveryResult> CheckAsync(
        TableRecoveryRequest request, List<TablePlan> plans, JsonLogger logger, DateTimeOffset startedAt, Stopwatch clock, CancellationToken cancellationToken)
    {
        var planned = request.ParsedPlannedMode;
        if (request.CatalogSource is not null && _catalog is null)
        {
            throw new FunctionConfigurationException($"{JobServices.BackupBucketVariable} is not set: check with catalogSource needs the backup bucket");
        }

        var targetEndpoint = await request.Target!.ResolveAsync(_secrets, "target", cancellationToken).ConfigureAwait(false);
        var inBackup = new Dictionary<TablePlan, bool>();
        string? backupId = null;
        (string BackupId, HashSet<TableName> Listed)? listing = null;
        var listingRead = false;
        async Task<(string BackupId, HashSet<TableName> Listed)?> ListingAsync(CancellationToken token)
        {
            if (!listingRead)
            {
                listing = await ReadBackupListingAsync(request, token).ConfigureAwait(false);
                listingRead = true;
            }

            return listing;
        }

        await using (var target = await DatabaseErrors.OpenAsync(targetEndpoint, null, "target", cancellationToken).ConfigureAwait(false))
        {
            var step = "reading production's search_path";
            try
            {
                var path = await SearchPath.ReadAsync(target, cancellationToken).ConfigureAwait(false);
                step = "reading production's catalog";
                await SystemCatalog.ExecuteAsync(target, SystemCatalog.SessionSetup, cancellationToken).ConfigureAwait(false);
                step = "resolving the table names without a schema";
                await TableNameResolver.ResolveAsync(target, path, plans, request.CatalogSource is null || _catalog is null
                        ? null
                        : async (name, token) => (await ListingAsync(token).ConfigureAwait(false))?.Listed.Contains(name) == true,
                    cancellationToken).ConfigureAwait(false);
                foreach (var plan in plans)
                {
                    plan.Clock.Start();
                    step = $"looking up {plan.Name} in production";
                    plan.Production = await SystemCatalog.FindRelationAsync(target, plan.Name, cancellationToken).ConfigureAwait(false);
                    plan.ExistedInProduction = plan.Production is not null;
                    if (plan.Production is not null)
                    {
                        await CheckProductionTableAsync(target, plan, planned, request.Timestamp ?? _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    }

                    plan.Clock.Stop();
                }

                step = "looking for foreign keys into the tables";
                if (planned == TableRecoveryMode.Replace)
                {
                    await RefuseOutsideReferencesAsync(target, plans, cancellationToken).ConfigureAwait(false);
                }

                step = "ordering the tables by their foreign keys";
                if (planned is TableRecoveryMode.InsertMissing or TableRecoveryMode.Replace)
                {
                    _ = await WriteOrder.PlanAsync(null, target, plans, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e)
            {
                throw DatabaseErrors.ForOperation(e, step, cancellationToken, rolledBack: true);
            }
        }

        var absent = plans.Where(p => p.Production is null).ToList();
        if (absent.Count > 0)
        {
            var first = absent[0];
            if (request.CatalogSource is null)
            {
                throw new InvalidInputException(first.Field,
                    $"no table {first.Name} in production (name catalogSource to accept a table dropped since the latest backup)");
            }

            var at = request.RestoreTime ?? _time.GetUtcNow();
            var (listedIn, listed) = await ListingAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidInputException(first.Field,
                    $"no table {first.Name} in production, and no PostgreSQL backup of '{request.CatalogSource}' completed at or before " +
                        $"{at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} to find it in");
            backupId = listedIn;
            foreach (var plan in absent)
            {
                if (!listed.Contains(plan.Name))
                {
                    throw new InvalidInputException(plan.Field, $"no table {plan.Name} in production or in the latest backup ({listedIn})");
                }

                inBackup[plan] = true;
                plan.Warnings.Add($"not in production; listed in backup {listedIn}: it will be recreated from the recovered instance's definition");
            }
        }

        var tables = plans.Select(p => p.ToResult(TableRecoveryMode.Check, inBackup.TryGetValue(p, out var listedIn) ? listedIn : null)).ToList();
        foreach (var table in tables)
        {
            logger.Info("table checked", ("table", table.Table), ("plannedMode", TableRecoveryModes.Of(planned)), ("inProduction", table.InProduction),
                ("inBackup", table.InBackup));
        }

        return new TableRecoveryResult(
            TableRecoveryModes.Of(TableRecoveryMode.Check), TableRecoveryModes.Of(planned), false, tables, TableRecoveryTotals.Of(tables), backupId, startedAt,
            Math.Round(clock.Elapsed.TotalMilliseconds, 1), []);
    }

    /// <summary>The tables the latest backup of <c>catalogSource</c> at or before <c>restoreTime</c> lists, with its id; null when there is none.</summary>
    private async Task<(string BackupId, HashSet<TableName> Listed)?> ReadBackupListingAsync(TableRecoveryRequest request, CancellationToken cancellationToken)
    {
        var at = request.RestoreTime ?? _time.GetUtcNow();
        var entry = await _catalog!.FindLatestAsync(BackupEngine.Postgres, request.CatalogSource!, at, verifiedOnly: false,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var manifest = await _catalog.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
        return (manifest.BackupId.Value, (manifest.Contents ?? []).Select(c => TableName.TryParseQualified(c.Name)).OfType<TableName>().ToHashSet());
    }

    /// <summary>The checks that need production only; shared by check and the real run so both refuse the same things.</summary>
    private static async Task CheckProductionTableAsync(NpgsqlConnection target, TablePlan plan, TableRecoveryMode mode, DateTimeOffset timestamp,
        CancellationToken cancellationToken)
    {
        var production = plan.Production!;
        if (!production.IsTable)
        {
            throw new InvalidInputException(plan.Field, $"{production.QuotedName} is a {production.KindName} in production, not a table");
        }

        plan.Key = await SystemCatalog.PrimaryKeyAsync(target, production.Oid, cancellationToken).ConfigureAwait(false);
        if (plan.Key is null && mode is TableRecoveryMode.Preview or TableRecoveryMode.InsertMissing)
        {
            throw new InvalidInputException(plan.Field,
                $"{production.QuotedName} has no primary key in production, so rows cannot be matched for {TableRecoveryModes.Of(mode)}; use replace or " +
                    $"side-table for it");
        }

        if (mode == TableRecoveryMode.SideTable)
        {
            await PlanSideTableAsync(target, plan, timestamp, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task PlanSideTableAsync(NpgsqlConnection target, TablePlan plan, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        plan.SideTable = SideTableNames.For(plan.Name.Name, timestamp);
        var side = new TableName(plan.Name.Schema, plan.SideTable);
        if (!await SystemCatalog.SchemaExistsAsync(target, plan.Name.Schema, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidInputException(plan.Field, $"schema {SqlText.Ident(plan.Name.Schema)} does not exist in production; create it first");
        }

        if (await SystemCatalog.FindRelationAsync(target, side, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            throw new InvalidInputException(plan.Field,
                $"the side table {existing.QuotedName} already exists in production; choose another timestamp or drop it");
        }
    }

    private static async Task RefuseOutsideReferencesAsync(NpgsqlConnection target, IReadOnlyList<TablePlan> plans, CancellationToken cancellationToken)
    {
        var existing = plans.Where(p => p.Production is not null).ToList();
        if (existing.Count == 0)
        {
            return;
        }

        var keys = await SystemCatalog.ReferencingKeysFromOutsideAsync(target, existing.Select(p => p.Production!.Oid).ToArray(),
            cancellationToken).ConfigureAwait(false);
        if (keys.Count > 0)
        {
            var plan = existing.First(p => p.Production!.Oid == keys[0].ReferencedOid);
            var list = string.Join(", ", keys.Where(k => k.ReferencedOid == keys[0].ReferencedOid)
                .Select(k => $"{SqlText.Ident(k.Constraint)} of {k.ReferencingTable}"));
            throw new InvalidInputException(plan.Field,
                $"{plan.Display} is referenced by foreign key {list}, whose table is not in tables: replacing its rows would cascade to or break those rows. " +
                "Add the referencing tables to tables, or use insert-missing or side-table");
        }
    }

    // ------------------------------------------------------------------------------------------
    // preview, insert-missing, replace, side-table
    // ------------------------------------------------------------------------------------------

    private async Task<TableRecoveryResult> RecoverAsync(
        TableRecoveryRequest request, List<TablePlan> plans, JsonLogger logger, DateTimeOffset startedAt, Stopwatch clock, CancellationToken cancellationToken)
    {
        var mode = request.ParsedMode;
        var writes = mode != TableRecoveryMode.Preview;
        var sourceEndpoint = await request.Source!.ResolveAsync(_secrets, "source", cancellationToken).ConfigureAwait(false);
        var targetEndpoint = await request.Target!.ResolveAsync(_secrets, "target", cancellationToken).ConfigureAwait(false);
        var timestamp = request.Timestamp ?? startedAt;

        await using var source = await DatabaseErrors.OpenAsync(sourceEndpoint, null, "source", cancellationToken).ConfigureAwait(false);
        await using var target = await DatabaseErrors.OpenAsync(targetEndpoint, null, "target", cancellationToken).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        IReadOnlyList<TableRecoveryViewResult> views = [];
        var step = "preparing the sessions";
        var committing = false;
        try
        {
            step = "reading production's search_path";
            var path = await SearchPath.ReadAsync(target, cancellationToken).ConfigureAwait(false);
            step = "preparing the sessions";
            await SystemCatalog.ExecuteAsync(source, SystemCatalog.SessionSetup, cancellationToken).ConfigureAwait(false);
            await SystemCatalog.ExecuteAsync(target, SystemCatalog.SessionSetup, cancellationToken).ConfigureAwait(false);
            var sourceIdentity = await SystemCatalog.DatabaseIdentityAsync(source, cancellationToken).ConfigureAwait(false);
            if (sourceIdentity == await SystemCatalog.DatabaseIdentityAsync(target, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidInputException("source", $"{sourceEndpoint} is the same database as target; the source must be the recovered instance");
            }

            // One snapshot of the recovered instance for every table; one transaction in production for everything.
            await SystemCatalog.ExecuteAsync(source, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", cancellationToken).ConfigureAwait(false);
            transaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            step = "resolving the table names without a schema";
            await TableNameResolver.ResolveAsync(target, path, plans,
                async (name, token) => await SystemCatalog.FindRelationAsync(source, name, token).ConfigureAwait(false) is not null,
                cancellationToken).ConfigureAwait(false);

            foreach (var plan in plans)
            {
                step = $"planning {plan.Name}";
                plan.Clock.Start();
                await PlanAsync(source, target, sourceEndpoint, plan, mode, timestamp, cancellationToken).ConfigureAwait(false);
                plan.Clock.Stop();
            }

            if (mode == TableRecoveryMode.Replace)
            {
                step = "looking for foreign keys into the tables";
                await RefuseOutsideReferencesAsync(target, plans, cancellationToken).ConfigureAwait(false);
            }

            // Parents before children, from both catalogs (partitions' keys too); a cycle of deferrable keys is deferred, any other refused.
            step = "ordering the tables by their foreign keys";
            var order = mode is TableRecoveryMode.InsertMissing or TableRecoveryMode.Replace
                ? await WriteOrder.PlanAsync(source, target, plans, cancellationToken).ConfigureAwait(false)
                : null;
            var inserts = order?.Inserts ?? plans;

            // Read: stage the recovered rows in production's session and compare (or, for side-table, write the side table).
            foreach (var plan in plans)
            {
                cancellationToken.ThrowIfCancellationRequested();
                plan.Clock.Start();
                step = $"copying {plan.Display} from the recovered instance";
                if (mode == TableRecoveryMode.SideTable)
                {
                    await WriteSideTableAsync(source, target, plan, cancellationToken).ConfigureAwait(false);
                }
                else if (plan.InProduction)
                {
                    await StageAsync(source, target, plan, cancellationToken).ConfigureAwait(false);
                    step = $"comparing {plan.Display}";
                    await CompareAsync(target, plan, plan.Staged!, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await CountAbsentTableAsync(source, plan, cancellationToken).ConfigureAwait(false);
                }

                plan.Clock.Stop();
            }

            // Write: recreate dropped tables, insert or replace rows, in foreign-key order, then keys and sequences.
            if (mode is TableRecoveryMode.InsertMissing or TableRecoveryMode.Replace)
            {
                if (order!.SetConstraintsSql is { } defer)
                {
                    step = "deferring the foreign keys of a cycle to commit";
                    await SystemCatalog.ExecuteAsync(target, defer, cancellationToken).ConfigureAwait(false);
                    logger.Info("foreign keys deferred to commit", ("constraints", string.Join(", ", order.Deferred)));
                }

                foreach (var plan in inserts.Where(p => p.Recreate))
                {
                    plan.Clock.Start();
                    step = $"recreating {plan.Display} from the recovered instance's definition";
                    await SystemCatalog.ExecuteAsync(target, plan.Definition!.PreData, cancellationToken).ConfigureAwait(false);
                    plan.Production = await SystemCatalog.FindRelationAsync(target, plan.Name, cancellationToken).ConfigureAwait(false)
                        ?? throw new DatabaseOperationException($"pg_dump's definition of {plan.Display} did not create it in production; rolled back, " +
                            $"nothing was committed");
                    plan.Clock.Stop();
                }

                var truncate = order.Deletes.Where(p => p.InProduction && !p.Recreate && mode == TableRecoveryMode.Replace).ToList();
                if (truncate.Count > 0)
                {
                    step = "emptying the tables to replace";
                    await SystemCatalog.ExecuteAsync(target, "TRUNCATE TABLE " + string.Join(", ", truncate.Select(p => p.ProductionFrom)),
                        cancellationToken).ConfigureAwait(false);
                }

                foreach (var plan in inserts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    plan.Clock.Start();
                    step = $"writing {plan.Display}";
                    await WriteAsync(source, target, plan, mode, cancellationToken).ConfigureAwait(false);
                    plan.Clock.Stop();
                    if (_hooks.AfterTableWritten is { } hook)
                    {
                        await hook(plan.Display, target.ProcessID, cancellationToken).ConfigureAwait(false);
                    }
                }

                foreach (var plan in inserts.Where(p => p.Recreate))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    plan.Clock.Start();
                    step = $"adding keys, indexes and foreign keys of {plan.Display}";
                    await SystemCatalog.ExecuteAsync(target, plan.Definition!.PostData, cancellationToken).ConfigureAwait(false);
                    plan.Clock.Stop();
                }

                foreach (var plan in inserts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    plan.Clock.Start();
                    step = $"advancing the sequences of {plan.Display}";
                    await SequenceCatchUp.RunAsync(source, target, plan, cancellationToken).ConfigureAwait(false);
                    plan.Clock.Stop();
                }

                // Views that DROP TABLE … CASCADE took with a recreated table: recreated where production lacks them.
                step = "recreating the views lost with the dropped tables";
                var lost = await DependentViews.FindAsync(source, inserts.Where(p => p.Recreate).ToList(), cancellationToken).ConfigureAwait(false);
                views = await DependentViews.RecreateAsync(source, target, transaction, lost, cancellationToken).ConfigureAwait(false);
                foreach (var view in views)
                {
                    logger.Info(view.Recreated ? "view recreated" : "view not recreated", ("view", view.View), ("kind", view.Kind), ("table", view.Table),
                        ("reason", view.Reason));
                }
            }
            else if (mode == TableRecoveryMode.Preview)
            {
                step = "looking for views lost with the dropped tables";
                var lost = await DependentViews.FindAsync(source, plans.Where(p => !p.InProduction).ToList(), cancellationToken).ConfigureAwait(false);
                views = await DependentViews.DescribeAsync(target, lost, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (writes)
            {
                step = "committing";
                committing = true;
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                step = "rolling back the preview";
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            await RollBackQuietlyAsync(transaction).ConfigureAwait(false);
            var error = committing && e is not PostgresException
                ? new DatabaseConnectionLostException(
                    $"the connection to production was lost while committing: whether the transaction committed is unknown; run preview to see " +
                        $"({e.Message})", e)
                : DatabaseErrors.ForOperation(e, step, cancellationToken, rolledBack: true);
            logger.Error("table recovery failed; production's transaction was rolled back", ("mode", TableRecoveryModes.Of(mode)), ("step", step),
                ("errorType", error.GetType().Name), ("error", error.Message));
            throw error;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }

        var tables = plans.Select(p => p.ToResult(mode)).ToList();
        foreach (var table in tables)
        {
            // Counts and names only: row contents never reach the log.
            logger.Info(writes ? "table recovered" : "table previewed",
                ("table", table.Table), ("mode", table.Mode), ("recreated", table.Recreated), ("copyFormat", table.CopyFormat),
                ("rowsInSource", table.RowsInSource), ("missingInProduction", table.MissingInProduction), ("differing", table.Differing),
                ("onlyInProduction", table.OnlyInProduction), ("inserted", table.Inserted), ("replaced", table.Replaced),
                ("sideTable", table.SideTable), ("sequencesAdvanced", string.Join(", ", table.SequencesAdvanced)),
                ("warnings", table.Warnings.Count), ("durationMs", table.DurationMs));
        }

        return new TableRecoveryResult(
            TableRecoveryModes.Of(mode), null, writes, tables, TableRecoveryTotals.Of(tables), null, startedAt, Math.Round(clock.Elapsed.TotalMilliseconds, 1),
            views);
    }

    private async Task PlanAsync(
        NpgsqlConnection source, NpgsqlConnection target, PostgresEndpoint sourceEndpoint, TablePlan plan, TableRecoveryMode mode, DateTimeOffset timestamp,
        CancellationToken cancellationToken)
    {
        plan.Production = await SystemCatalog.FindRelationAsync(target, plan.Name, cancellationToken).ConfigureAwait(false);
        plan.ExistedInProduction = plan.Production is not null;
        plan.Source = await SystemCatalog.FindRelationAsync(source, plan.Name, cancellationToken).ConfigureAwait(false);
        if (plan.Source is null)
        {
            throw new InvalidInputException(plan.Field, plan.Production is null
                ? $"no table {plan.Name} in production or in the recovered instance"
                : $"{plan.Production.QuotedName} is not in the recovered instance (was it restored to a time before the table existed?)");
        }

        if (!plan.Source.IsTable)
        {
            throw new InvalidInputException(plan.Field, $"{plan.Source.QuotedName} is a {plan.Source.KindName} in the recovered instance, not a table");
        }

        plan.SourceColumns = await SystemCatalog.ColumnsAsync(source, plan.Source.Oid, cancellationToken).ConfigureAwait(false);
        plan.Binary = await SystemCatalog.BinaryPortableAsync(source, plan.Source.Oid, cancellationToken).ConfigureAwait(false);
        if (plan.Production is not null)
        {
            await CheckProductionTableAsync(target, plan, mode, timestamp, cancellationToken).ConfigureAwait(false);
            plan.ProductionColumns = await SystemCatalog.ColumnsAsync(target, plan.Production.Oid, cancellationToken).ConfigureAwait(false);
            plan.ColumnMismatch = TablePlan.CompareColumns(plan.ProductionColumns, plan.SourceColumns);
            if (plan.ColumnMismatch is not null && mode != TableRecoveryMode.SideTable)
            {
                throw new InvalidInputException(plan.Field,
                    $"{plan.Display} has different columns in production and in the recovered instance ({plan.ColumnMismatch}); use side-table to bring the " +
                        $"recovered rows back beside it");
            }

            return;
        }

        // Not in production: dropped since the recovery point.
        plan.Key = await SystemCatalog.PrimaryKeyAsync(source, plan.Source.Oid, cancellationToken).ConfigureAwait(false);
        if (mode == TableRecoveryMode.SideTable)
        {
            await PlanSideTableAsync(target, plan, timestamp, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (mode == TableRecoveryMode.Preview)
        {
            plan.Warnings.Add("not in production: insert-missing or replace would recreate it from the recovered instance's definition");
            return;
        }

        if (plan.Source.Kind == 'p')
        {
            throw new InvalidInputException(plan.Field,
                $"{plan.Source.QuotedName} is a partitioned table missing from production; recreate it and its partitions by hand, or use side-table");
        }

        if (!await SystemCatalog.SchemaExistsAsync(target, plan.Name.Schema, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidInputException(plan.Field,
                $"{plan.Source.QuotedName} is missing from production and so is its schema {SqlText.Ident(plan.Name.Schema)}; create the schema first");
        }

        foreach (var key in await SystemCatalog.ForeignKeysReferencingAsync(source, plan.Source.Oid, cancellationToken).ConfigureAwait(false))
        {
            plan.Warnings.Add($"foreign key {key} referenced this table in the recovered instance; it belongs to the other table and is not recreated");
        }

        plan.Definition = await DroppedTableDefinition.ReadAsync(_tools, sourceEndpoint, plan.Name, cancellationToken).ConfigureAwait(false);
    }

    private static async Task StageAsync(NpgsqlConnection source, NpgsqlConnection target, TablePlan plan, CancellationToken cancellationToken)
    {
        var stage = SqlText.Ident($"dr_stage_{plan.Index}");
        var columns = plan.StagedColumns;
        await SystemCatalog.ExecuteAsync(target,
            $"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS SELECT {SqlText.Columns(columns)} FROM {plan.ProductionFrom} WITH NO DATA",
            cancellationToken).ConfigureAwait(false);
        plan.Staged = "pg_temp." + stage;
        await RowCopier.CopyAsync(
            source, $"SELECT {SqlText.Columns(columns)} FROM {plan.SourceFrom}", target, $"{plan.Staged} ({SqlText.Columns(columns)})", plan.Binary,
                cancellationToken).ConfigureAwait(false);

        // Temp tables are never auto-analyzed; without statistics the planner guesses a handful of rows and may pick nested loops.
        await SystemCatalog.ExecuteAsync(target, $"ANALYZE {plan.Staged}", cancellationToken).ConfigureAwait(false);
        plan.RowsInSource = await SystemCatalog.CountAsync(target, $"SELECT count(*) FROM {plan.Staged}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Missing / differing / only-in-production by primary key, and the first missing keys, between the staged rows and production.</summary>
    private static async Task CompareAsync(NpgsqlConnection target, TablePlan plan, string staged, CancellationToken cancellationToken)
    {
        if (plan.Key is null)
        {
            plan.Warnings.Add("no primary key in production: rows were not compared");
            return;
        }

        if (plan.ColumnMismatch is not null)
        {
            plan.Warnings.Add($"columns differ from production ({plan.ColumnMismatch}): rows were not compared");
            return;
        }

        var match = KeyMatch(plan.Key, "s", "p");
        var compared = plan.WritableColumns;
        var sql = $"""
            SELECT
              (SELECT count(*) FROM {staged} s WHERE NOT EXISTS (SELECT 1 FROM {plan.ProductionFrom} p WHERE {match})),
              (SELECT count(*) FROM {staged} s JOIN {plan.ProductionFrom} p ON {match}
                 WHERE ROW({SqlText.Columns(compared, "s")})::text IS DISTINCT FROM ROW({SqlText.Columns(compared, "p")})::text),
              (SELECT count(*) FROM {plan.ProductionFrom} p WHERE NOT EXISTS (SELECT 1 FROM {staged} s WHERE {match}))
            """;
        await using (var command = new NpgsqlCommand(sql, target))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            plan.Missing = reader.GetInt64(0);
            plan.Differing = reader.GetInt64(1);
            plan.OnlyInProduction = reader.GetInt64(2);
        }

        await ReadSamplesAsync(target,
            $"SELECT {string.Join(", ", plan.Key.Select(k => $"s.{SqlText.Ident(k)}::text"))} FROM {staged} s " +
            $"WHERE NOT EXISTS (SELECT 1 FROM {plan.ProductionFrom} p WHERE {match}) ORDER BY {SqlText.Columns(plan.Key, "s")} LIMIT {MaxSamples}",
            plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A table production lacks, in preview: every recovered row is missing; counted on the recovered instance, nothing copied.</summary>
    private static async Task CountAbsentTableAsync(NpgsqlConnection source, TablePlan plan, CancellationToken cancellationToken)
    {
        plan.RowsInSource = await SystemCatalog.CountAsync(source, $"SELECT count(*) FROM {plan.SourceFrom}", cancellationToken).ConfigureAwait(false);
        plan.Missing = plan.RowsInSource;
        plan.Differing = 0;
        plan.OnlyInProduction = 0;
        if (plan.Key is not null)
        {
            await ReadSamplesAsync(source,
                $"SELECT {string.Join(", ", plan.Key.Select(k => $"s.{SqlText.Ident(k)}::text"))} FROM {plan.SourceFrom} s ORDER BY " +
                    $"{SqlText.Columns(plan.Key, "s")} LIMIT {MaxSamples}",
                plan, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>side-table: a new table with the recovered table's columns (types, collations, NOT NULL, primary key), its rows copied in.</summary>
    private static async Task WriteSideTableAsync(NpgsqlConnection source, NpgsqlConnection target, TablePlan plan, CancellationToken cancellationToken)
    {
        var side = new TableName(plan.Name.Schema, plan.SideTable!);
        var sourceKey = await SystemCatalog.PrimaryKeyAsync(source, plan.Source!.Oid, cancellationToken).ConfigureAwait(false);
        var definitions = plan.SourceColumns.Select(c =>
            $"{SqlText.Ident(c.Name)} {c.Type}{(c.Collation is null ? string.Empty : " COLLATE " + c.Collation)}" +
            (c.NotNull ? " NOT NULL" : string.Empty)).ToList();
        if (sourceKey is not null)
        {
            definitions.Add($"PRIMARY KEY ({SqlText.Columns(sourceKey)})");
        }

        await SystemCatalog.ExecuteAsync(target, $"CREATE TABLE {side.Sql} ({string.Join(", ", definitions)})", cancellationToken).ConfigureAwait(false);
        var columns = SqlText.Columns(plan.SourceColumns.Select(c => c.Name));
        await RowCopier.CopyAsync(source, $"SELECT {columns} FROM {plan.SourceFrom}", target, $"{side.Sql} ({columns})", plan.Binary,
            cancellationToken).ConfigureAwait(false);
        plan.RowsInSource = await SystemCatalog.CountAsync(target, $"SELECT count(*) FROM {side.Sql}", cancellationToken).ConfigureAwait(false);
        plan.Inserted = plan.RowsInSource.Value;
        if (plan.InProduction)
        {
            await CompareAsync(target, plan, side.Sql, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            plan.Key = sourceKey;
            plan.Missing = plan.RowsInSource;
            plan.Differing = 0;
            plan.OnlyInProduction = 0;
            if (sourceKey is not null)
            {
                await ReadSamplesAsync(target,
                    $"SELECT {string.Join(", ", sourceKey.Select(k => $"s.{SqlText.Ident(k)}::text"))} FROM {side.Sql} s ORDER BY " +
                        $"{SqlText.Columns(sourceKey, "s")} LIMIT {MaxSamples}",
                    plan, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteAsync(NpgsqlConnection source, NpgsqlConnection target, TablePlan plan, TableRecoveryMode mode,
        CancellationToken cancellationToken)
    {
        if (plan.Recreate)
        {
            // The new table has no keys or indexes yet (post-data comes after), so the rows stream straight in.
            var columns = SqlText.Columns(plan.SourceColumns.Where(c => !c.Generated).Select(c => c.Name));
            await RowCopier.CopyAsync(source, $"SELECT {columns} FROM {plan.SourceFrom}", target, $"{plan.Name.Sql} ({columns})", plan.Binary,
                cancellationToken).ConfigureAwait(false);
            var rows = await SystemCatalog.CountAsync(target, $"SELECT count(*) FROM {plan.ProductionFrom}", cancellationToken).ConfigureAwait(false);
            plan.RowsInSource = rows;
            plan.Missing = rows;
            plan.Differing = 0;
            plan.OnlyInProduction = 0;
            if (mode == TableRecoveryMode.Replace)
            {
                plan.Replaced = rows;
            }
            else
            {
                plan.Inserted = rows;
            }

            if (plan.Key is not null)
            {
                await ReadSamplesAsync(target,
                    $"SELECT {string.Join(", ", plan.Key.Select(k => $"s.{SqlText.Ident(k)}::text"))} FROM {plan.ProductionFrom} s ORDER BY " +
                        $"{SqlText.Columns(plan.Key, "s")} LIMIT {MaxSamples}",
                    plan, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var writable = SqlText.Columns(plan.WritableColumns);
        var overriding = plan.HasAlwaysIdentity ? " OVERRIDING SYSTEM VALUE" : string.Empty;
        if (mode == TableRecoveryMode.Replace)
        {
            plan.Replaced = await ExecuteCountAsync(target,
                $"INSERT INTO {plan.Name.Sql} ({writable}){overriding} SELECT {SqlText.Columns(plan.WritableColumns, "s")} FROM {plan.Staged} s",
                cancellationToken).ConfigureAwait(false);
            return;
        }

        // ON CONFLICT on the primary key only: a row production gained since the comparison is skipped, while a clash on any
        // other unique key still fails (and rolls back) rather than silently dropping a recovered row.
        plan.Inserted = await ExecuteCountAsync(target,
            $"INSERT INTO {plan.Name.Sql} ({writable}){overriding} SELECT {SqlText.Columns(plan.WritableColumns, "s")} FROM {plan.Staged} s " +
            $"WHERE NOT EXISTS (SELECT 1 FROM {plan.ProductionFrom} p WHERE {KeyMatch(plan.Key!, "s", "p")}) " +
            $"ON CONFLICT ({SqlText.Columns(plan.Key!)}) DO NOTHING",
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadSamplesAsync(NpgsqlConnection connection, string sql, TablePlan plan, CancellationToken cancellationToken)
    {
        plan.Samples.Clear();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sample = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < plan.Key!.Count; i++)
            {
                sample[plan.Key[i]] = reader.GetString(i);
            }

            plan.Samples.Add(sample);
        }
    }

    private static async Task<long> ExecuteCountAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string KeyMatch(IReadOnlyList<string> key, string left, string right) =>
        string.Join(" AND ", key.Select(k => $"{right}.{SqlText.Ident(k)} = {left}.{SqlText.Ident(k)}"));

    private static async Task RollBackQuietlyAsync(NpgsqlTransaction? transaction)
    {
        if (transaction is null)
        {
            return;
        }

        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // Already rolled back (failed commit) or the connection is gone, which rolls back on the server too.
        }
    }
}

/// <summary>Test seams: called between tables so a test can break the connection or pass the deadline half-way, deterministically.</summary>
internal sealed class TableRecoveryHooks
{
    /// <summary>After each table's rows are written (table, production backend's process id).</summary>
    public Func<string, int, CancellationToken, Task>? AfterTableWritten { get; init; }
}
