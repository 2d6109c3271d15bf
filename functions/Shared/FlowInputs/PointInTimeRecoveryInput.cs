using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/point-in-time-recovery.asl.json's input: which instance to restore a side copy of, to when, which
/// tables to bring back and how (TableRecovery's modes), whether a human approves first, and the poll cap.
/// </summary>
public sealed record PointInTimeRecoveryInput : IFlowInput
{
    public static string Flow => "point-in-time-recovery";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["database"] = "the flow recovers tables of the database the stack's secret names (stack parameter DatabaseSecretId, its dbname), "
            + "on the side instance and in production alike; to recover another database on the same instance, run the flow of a stack "
            + "whose DatabaseSecretId names it (TableRecovery takes source.database and target.database when invoked on its own)",
        ["schema"] = "qualify each table instead, e.g. \"tables\": [\"pagila.payment\"]",
        ["table"] = "the field is tables, a list, e.g. \"tables\": [\"jobs\"]",
        ["targetInstance"] = "the flow restores into its own side instance (pitr-<execution name>) and copies rows back into sourceInstance",
    };

    /// <summary>The RDS instance to recover from and into (required).</summary>
    public string? SourceInstance { get; init; }

    /// <summary>The time to recover to, RFC 3339 (required), inside the instance's restorable window.</summary>
    public string? RestoreTime { get; init; }

    /// <summary>The tables to recover, optionally schema-qualified (required, at least one).</summary>
    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary><c>preview</c>, <c>insert-missing</c> (default), <c>replace</c> or <c>side-table</c>.</summary>
    public string? Mode { get; init; }

    /// <summary>Wait for a human's task token before changing production; default false.</summary>
    public bool? RequireApproval { get; init; }

    /// <summary>How many times the side instance is polled before the flow gives up; default 120.</summary>
    public int? MaxPolls { get; init; }

    public void Validate()
    {
        Require.NotBlank(SourceInstance, "sourceInstance");
        Require.NotBlank(RestoreTime, "restoreTime");
        FlowInputFields.Timestamp(RestoreTime, "restoreTime");
        var tables = FlowInputFields.Required(Tables, "tables");
        if (tables.Count == 0)
        {
            throw new InvalidInputException("tables", "must name at least one table, e.g. [\"jobs\"]");
        }

        for (var i = 0; i < tables.Count; i++)
        {
            Require.NotBlank(tables[i], $"tables[{i}]");
        }

        FlowInputFields.OneOf(Mode, "mode", "preview", "insert-missing", "replace", "side-table");
        FlowInputFields.AtLeast(MaxPolls, 1, "maxPolls");
    }
}
