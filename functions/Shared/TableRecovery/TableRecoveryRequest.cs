using DisasterRecovery.Catalog;
using DisasterRecovery.Core;
using DisasterRecovery.Postgres;
using DisasterRecovery.PostgresJobs;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// Copy chosen tables from a recovered instance (<see cref="Source"/>) into production (<see cref="Target"/>), or check
/// beforehand that they can be. Every write mode runs in one production transaction for the whole table set.
/// </summary>
/// <remarks>
/// Optional fields are nullable with defaults applied by getters: the System.Text.Json source generator sets every
/// init-only property, so an initializer would be overwritten when the field is absent.
/// </remarks>
public sealed record TableRecoveryRequest : IValidatable
{
    /// <summary>The most tables one request may name.</summary>
    public const int MaxTables = 20;

    /// <summary>
    /// <c>check</c> (before the restore: production and the backup catalog only), <c>preview</c> (counts, nothing written),
    /// <c>insert-missing</c>, <c>replace</c> or <c>side-table</c>.
    /// </summary>
    public string? Mode { get; init; }

    /// <summary>For <c>check</c> only: the mode the flow will run after the restore, so the check refuses what that mode would.</summary>
    public string? PlannedMode { get; init; }

    /// <summary>The recovered instance the rows are read from. Required except for <c>check</c> (which runs before it exists).</summary>
    public DatabaseConnection? Source { get; init; }

    /// <summary>Production: where the rows go.</summary>
    public DatabaseConnection? Target { get; init; }

    /// <summary>1-20 distinct tables: <c>jobs</c> (the first <c>jobs</c> production's search_path finds for the connecting role, as PostgreSQL would),
    /// <c>"Order Items"</c>, <c>sales."Order Items"</c>.</summary>
    public IReadOnlyList<string?>? Tables { get; init; }

    /// <summary>For <c>check</c> only: the backup catalog source (e.g. <c>technician-marketplace</c>) whose latest PostgreSQL backup may list a table dropped
    /// from production.</summary>
    public string? CatalogSource { get; init; }

    /// <summary>For <c>check</c> with <see cref="CatalogSource"/>: the backup looked at is the newest committed at or before this time. Default: now.</summary>
    public DateTimeOffset? RestoreTime { get; init; }

    /// <summary>
    /// The time in a side table's name, UTC (default: now). Accepted by every mode and used only by <c>side-table</c> (and
    /// <c>check</c> planning one), so a flow can pass its execution's start time to whichever mode it runs.
    /// </summary>
    public DateTimeOffset? Timestamp { get; init; }

    internal TableRecoveryMode ParsedMode => TableRecoveryModes.Parse(Mode, "mode");

    /// <summary>
    /// The mode check plans for. The flows pass their own input's <c>mode</c> here, so a bad value is reported under
    /// <c>mode</c>, the field the person starting the flow wrote; <c>plannedMode</c>, which they never wrote, is not named.
    /// </summary>
    internal TableRecoveryMode ParsedPlannedMode
    {
        get
        {
            const string expected = "preview, insert-missing, replace or side-table";
            var planned = TableRecoveryModes.TryParse(PlannedMode);
            if (planned is null or TableRecoveryMode.Check)
            {
                var was = PlannedMode is null ? "it is missing" : $"was '{PlannedMode}'";
                throw new InvalidInputException("mode",
                    $"must be the mode that will run after the restore: {expected}, {was}");
            }

            return planned.Value;
        }
    }

    /// <summary>The mode whose rules apply: the planned one for <c>check</c>.</summary>
    internal TableRecoveryMode EffectiveMode => ParsedMode == TableRecoveryMode.Check ? ParsedPlannedMode : ParsedMode;

    /// <summary>The parsed table names, in request order (a name without a schema is resolved later, on production).</summary>
    internal IReadOnlyList<RequestedTable> TableNames
    {
        get
        {
            if (Tables is null || Tables.Count == 0)
            {
                throw new InvalidInputException("tables", "is required: name 1 to 20 tables");
            }

            if (Tables.Count > MaxTables)
            {
                throw new InvalidInputException("tables", $"names {Tables.Count} tables; at most {MaxTables} per request");
            }

            var names = new List<RequestedTable>(Tables.Count);
            var seen = new Dictionary<(string?, string), int>();
            for (var i = 0; i < Tables.Count; i++)
            {
                var name = RequestedTable.Parse(Tables[i], $"tables[{i}]");
                if (seen.TryGetValue((name.Schema, name.Name), out var first))
                {
                    throw new InvalidInputException($"tables[{i}]",
                        $"'{Tables[i]}' is {(object?)name.Qualified ?? name.Name}, already named by tables[{first}]");
                }

                seen.Add((name.Schema, name.Name), i);
                names.Add(name);
            }

            return names;
        }
    }

    /// <summary>Checks every field; <see cref="InvalidInputException"/> naming the first bad one. Changes nothing.</summary>
    public void Validate()
    {
        var mode = ParsedMode;
        _ = TableNames;
        if (Target is null)
        {
            throw new InvalidInputException("target", "is required: {\"secretId\": …} of the production database");
        }

        Target.Validate("target");
        if (mode == TableRecoveryMode.Check)
        {
            _ = ParsedPlannedMode;

            if (Source is not null)
            {
                throw new InvalidInputException("source", "is not used by check: it runs before the recovered instance exists");
            }

            if (CatalogSource is not null)
            {
                BackupKeys.ValidateSource(CatalogSource, "catalogSource");
            }
            else if (RestoreTime is not null)
            {
                throw new InvalidInputException("restoreTime", "is only used with catalogSource");
            }
        }
        else
        {
            if (PlannedMode is not null)
            {
                throw new InvalidInputException("plannedMode", "is only used by mode check");
            }

            if (CatalogSource is not null)
            {
                throw new InvalidInputException("catalogSource", "is only used by mode check");
            }

            if (RestoreTime is not null)
            {
                throw new InvalidInputException("restoreTime", "is only used by mode check");
            }

            if (Source is null)
            {
                throw new InvalidInputException("source", "is required: {\"secretId\": …, \"host\": …} of the recovered instance");
            }

            Source.Validate("source");
        }
    }
}

/// <summary>What a request does.</summary>
public enum TableRecoveryMode
{
    /// <summary>check: before the restore, confirm every table exists in production or in the latest backup and suits the planned mode.</summary>
    Check,

    /// <summary>preview: per table, rows missing in production, differing, only in production; nothing written.</summary>
    Preview,

    /// <summary>insert-missing: insert the rows whose primary key production lacks; nothing else changes.</summary>
    InsertMissing,

    /// <summary>replace: production's rows become exactly the recovered ones.</summary>
    Replace,

    /// <summary>side-table: copy the recovered rows into a new table beside the original.</summary>
    SideTable,
}

/// <summary>The modes' names in requests and results.</summary>
public static class TableRecoveryModes
{
    private static readonly (string Name, TableRecoveryMode Mode)[] Names =
    [
        ("check", TableRecoveryMode.Check),
        ("preview", TableRecoveryMode.Preview),
        ("insert-missing", TableRecoveryMode.InsertMissing),
        ("replace", TableRecoveryMode.Replace),
        ("side-table", TableRecoveryMode.SideTable),
    ];

    /// <summary>The request/result name of a mode (<c>insert-missing</c>).</summary>
    public static string Of(TableRecoveryMode mode) => Names.First(n => n.Mode == mode).Name;

    /// <summary>The mode a name stands for, or null when it names none.</summary>
    public static TableRecoveryMode? TryParse(string? value)
    {
        foreach (var (name, mode) in Names)
        {
            if (string.Equals(name, value, StringComparison.Ordinal))
            {
                return mode;
            }
        }

        return null;
    }

    /// <summary>Parses a mode name; <see cref="InvalidInputException"/> naming <paramref name="field"/> when it is not one.</summary>
    public static TableRecoveryMode Parse(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidInputException(field, $"is required: one of {string.Join(", ", Names.Select(n => n.Name))}");
        }

        foreach (var (name, mode) in Names)
        {
            if (string.Equals(name, value, StringComparison.Ordinal))
            {
                return mode;
            }
        }

        throw new InvalidInputException(field, $"must be one of {string.Join(", ", Names.Select(n => n.Name))}, was '{value}'");
    }
}
