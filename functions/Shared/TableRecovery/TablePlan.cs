using System.Diagnostics;

namespace DisasterRecovery.TableRecovery;

/// <summary>What is known about one requested table on both sides, and what happened to it. Built before anything is written.</summary>
internal sealed class TablePlan(int index, RequestedTable requested)
{
    private TableName? _name = requested.Qualified;

    public int Index { get; } = index;

    /// <summary>The name as the request wrote it.</summary>
    public RequestedTable Requested { get; } = requested;

    /// <summary>The table: as written, or as production's search_path resolved a name written without a schema.</summary>
    public TableName Name
    {
        get => _name ?? throw new InvalidOperationException($"{Requested.Text} is used before its schema was resolved");
        set => _name = value;
    }

    /// <summary>How a name without a schema was resolved; null for a qualified name.</summary>
    public string? ResolvedBy { get; set; }

    /// <summary>The request field that named it, for errors: <c>tables[2]</c>.</summary>
    public string Field => $"tables[{Index}]";

    public RelationInfo? Production { get; set; }

    public RelationInfo? Source { get; set; }

    public IReadOnlyList<ColumnInfo> SourceColumns { get; set; } = [];

    public IReadOnlyList<ColumnInfo>? ProductionColumns { get; set; }

    /// <summary>The columns rows are matched by: production's primary key, or the recovered table's for a table production lacks.</summary>
    public IReadOnlyList<string>? Key { get; set; }

    /// <summary>Why production's columns differ from the recovered table's; null when they are the same.</summary>
    public string? ColumnMismatch { get; set; }

    public bool Binary { get; set; } = true;

    /// <summary>For a table production lacks, in insert-missing or replace: its definition from the recovered instance.</summary>
    public DroppedTableDefinition? Definition { get; set; }

    /// <summary>For side-table: the new table's name (unquoted).</summary>
    public string? SideTable { get; set; }

    /// <summary>The relation holding the recovered rows in production's session (a temp table, or the side table), quoted.</summary>
    public string? Staged { get; set; }

    public long? RowsInSource { get; set; }

    public long? Missing { get; set; }

    public long? Differing { get; set; }

    public long? OnlyInProduction { get; set; }

    public long Inserted { get; set; }

    public long Replaced { get; set; }

    public List<IReadOnlyDictionary<string, string>> Samples { get; } = [];

    public List<string> SequencesAdvanced { get; } = [];

    public List<string> Warnings { get; } = [];

    public Stopwatch Clock { get; } = new();

    /// <summary>Whether production has the table now (after a recreation too).</summary>
    public bool InProduction => Production is not null;

    /// <summary>Whether production had the table when the request started (what results report).</summary>
    public bool ExistedInProduction { get; set; }

    /// <summary>Whether production's table is recreated from the recovered definition.</summary>
    public bool Recreate => Definition is not null;

    /// <summary>The name for results and messages, as pg_dump quotes it.</summary>
    public string Display => Production?.QuotedName ?? Source?.QuotedName ?? Name.ToString();

    /// <summary>Production's table in a FROM clause: <c>ONLY</c> for a plain table, so inheritance children are left alone.</summary>
    public string ProductionFrom => (Production?.Kind == 'p' ? string.Empty : "ONLY ") + Name.Sql;

    /// <summary>The recovered table in a FROM clause.</summary>
    public string SourceFrom => (Source?.Kind == 'p' ? string.Empty : "ONLY ") + Name.Sql;

    /// <summary>Production's columns that hold data (generated ones are computed by the server).</summary>
    public IReadOnlyList<string> WritableColumns => ProductionColumns!.Where(c => !c.Generated).Select(c => c.Name).ToList();

    /// <summary>What is staged: the writable columns plus any generated key column (so rows can still be matched).</summary>
    public IReadOnlyList<string> StagedColumns => ProductionColumns!.Where(c => !c.Generated || Key?.Contains(c.Name) == true).Select(c => c.Name).ToList();

    public bool HasAlwaysIdentity => ProductionColumns?.Any(c => c.Identity == 'a') == true;

    public TableRecoveryTableResult ToResult(TableRecoveryMode mode, bool? inBackup = null) => new(
        Display,
        TableRecoveryModes.Of(mode),
        ExistedInProduction,
        Recreate,
        inBackup,
        Key,
        mode == TableRecoveryMode.Check ? null : Binary ? "binary" : "text",
        RowsInSource,
        Missing,
        Differing,
        OnlyInProduction,
        Inserted,
        Replaced,
        SideTable is null ? null : new TableName(Name.Schema, SideTable).ToString(),
        Samples,
        SequencesAdvanced,
        Warnings,
        Math.Round(Clock.Elapsed.TotalMilliseconds, 1),
        Requested.Text,
        ResolvedBy);

    /// <summary>Describes how production's columns differ from the recovered ones (name, type, generated); null when they agree.</summary>
    public static string? CompareColumns(IReadOnlyList<ColumnInfo> production, IReadOnlyList<ColumnInfo> source)
    {
        var problems = new List<string>();
        var recovered = source.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var column in production)
        {
            if (!recovered.Remove(column.Name, out var other))
            {
                problems.Add($"column {SqlText.Ident(column.Name)} is only in production");
            }
            else if (!string.Equals(column.Type, other.Type, StringComparison.Ordinal))
            {
                problems.Add($"column {SqlText.Ident(column.Name)} is {column.Type} in production but {other.Type} in the recovered instance");
            }
            else if (column.Generated != other.Generated)
            {
                problems.Add($"column {SqlText.Ident(column.Name)} is {(column.Generated ? string.Empty : "not ")}generated in production but " +
                    $"{(other.Generated ? string.Empty : "not ")}in the recovered instance");
            }
        }

        problems.AddRange(source.Where(c => recovered.ContainsKey(c.Name)).Select(c => $"column {SqlText.Ident(c.Name)} is only in the recovered instance"));
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
