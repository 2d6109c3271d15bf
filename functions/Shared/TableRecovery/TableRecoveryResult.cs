namespace DisasterRecovery.TableRecovery;

/// <summary>What a request did (or, for check and preview, found), table by table, with totals.</summary>
/// <param name="Mode">The request's mode.</param>
/// <param name="PlannedMode">For check: the mode that was checked for.</param>
/// <param name="Committed">True when production's transaction committed (write modes); false for check and preview.</param>
/// <param name="Tables">One entry per requested table, in request order.</param>
/// <param name="Totals">Sums over the tables (a figure that was not computed counts as 0).</param>
/// <param name="BackupId">For check: the backup whose manifest was consulted for tables missing from production.</param>
/// <param name="StartedAt">When the work started (UTC).</param>
/// <param name="DurationMs">How long it took.</param>
/// <param name="Views">Views and materialized views that used a table production had lost (found on the recovered instance, views over views
/// too), in creation order: recreated by insert-missing and replace when production lacks them; named by preview; empty otherwise.</param>
public sealed record TableRecoveryResult(
    string Mode,
    string? PlannedMode,
    bool Committed,
    IReadOnlyList<TableRecoveryTableResult> Tables,
    TableRecoveryTotals Totals,
    string? BackupId,
    DateTimeOffset StartedAt,
    double DurationMs,
    IReadOnlyList<TableRecoveryViewResult> Views);

/// <summary>A view (or materialized view) that depended on a table missing from production.</summary>
/// <param name="View">The view, schema-qualified (<c>pagila.film_list</c>).</param>
/// <param name="Kind"><c>view</c> or <c>materialized view</c>.</param>
/// <param name="Table">The recovered table it depends on (directly or through other views).</param>
/// <param name="Recreated">True when it was recreated in production from the recovered instance's definition (a materialized view also refreshed).</param>
/// <param name="Reason">Why it was not recreated: production has a relation of that name, the mode does not write, or the statement's error.</param>
public sealed record TableRecoveryViewResult(string View, string Kind, string Table, bool Recreated, string? Reason);

/// <summary>One table's figures. Counts are null when they were not computed (no primary key to compare by, or check).</summary>
/// <param name="Table">The table, schema-qualified, quoted as pg_dump quotes it: for a name written without a schema, the table production's
/// search_path chose.</param>
/// <param name="Mode">The mode that ran (check, preview, insert-missing, replace, side-table).</param>
/// <param name="InProduction">Whether production had the table before the request.</param>
/// <param name="Recreated">True when the table was absent from production and was recreated from the recovered instance's definition.</param>
/// <param name="InBackup">For check of a table absent from production: whether the latest backup lists it.</param>
/// <param name="PrimaryKey">The columns rows are matched by (production's primary key; the recovered one for a dropped table).</param>
/// <param name="CopyFormat"><c>binary</c>, or <c>text</c> for tables with types whose binary form carries database-specific OIDs.</param>
/// <param name="RowsInSource">Rows in the recovered instance's table.</param>
/// <param name="MissingInProduction">Recovered rows whose primary key production lacks.</param>
/// <param name="Differing">Rows with the same primary key in both whose other columns differ.</param>
/// <param name="OnlyInProduction">Production rows whose primary key the recovered table lacks (e.g. written after the recovery point).</param>
/// <param name="Inserted">Rows inserted into production: the missing ones (insert-missing), all rows of a recreated table, or the side table's rows.</param>
/// <param name="Replaced">Rows production's table holds after a replace.</param>
/// <param name="SideTable">The side table written (side-table mode), schema-qualified.</param>
/// <param name="Samples">Up to 10 primary keys of rows missing in production, lowest first, as column → text value.</param>
/// <param name="SequencesAdvanced">Sequences moved forward so they are not behind the rows now in the table.</param>
/// <param name="Warnings">What an operator should know (foreign keys not recreated, figures not computed and why).</param>
/// <param name="DurationMs">Time spent on this table.</param>
/// <param name="Requested">The name as the request wrote it.</param>
/// <param name="ResolvedBy">For a name written without a schema: the search_path it was resolved through (the connecting role's, on production) and
/// the schema chosen; null for a qualified name.</param>
public sealed record TableRecoveryTableResult(
    string Table,
    string Mode,
    bool InProduction,
    bool Recreated,
    bool? InBackup,
    IReadOnlyList<string>? PrimaryKey,
    string? CopyFormat,
    long? RowsInSource,
    long? MissingInProduction,
    long? Differing,
    long? OnlyInProduction,
    long Inserted,
    long Replaced,
    string? SideTable,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Samples,
    IReadOnlyList<string> SequencesAdvanced,
    IReadOnlyList<string> Warnings,
    double DurationMs,
    string Requested,
    string? ResolvedBy);

/// <summary>Sums over a request's tables.</summary>
public sealed record TableRecoveryTotals(
    int Tables,
    long RowsInSource,
    long MissingInProduction,
    long Differing,
    long OnlyInProduction,
    long Inserted,
    long Replaced)
{
    /// <summary>The sums of <paramref name="tables"/>.</summary>
    public static TableRecoveryTotals Of(IReadOnlyList<TableRecoveryTableResult> tables) => new(
        tables.Count,
        tables.Sum(t => t.RowsInSource ?? 0),
        tables.Sum(t => t.MissingInProduction ?? 0),
        tables.Sum(t => t.Differing ?? 0),
        tables.Sum(t => t.OnlyInProduction ?? 0),
        tables.Sum(t => t.Inserted),
        tables.Sum(t => t.Replaced));
}
