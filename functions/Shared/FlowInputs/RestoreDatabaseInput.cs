using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/restore-database.asl.json's input, every field optional: which backup (the newest verified one
/// completed at or before <c>before</c>), which instance, the poll cap, the health URL, why, how many replicas to
/// restart a stopped application with, where the restore runs, and whether to restore or revert.
/// </summary>
public sealed record RestoreDatabaseInput : IFlowInput
{
    public static string Flow => "restore-database";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["backupId"] = "the flow restores the newest verified backup; to restore an older one, give before (an ISO 8601 time): "
            + "the newest verified backup completed at or before it is restored",
        ["database"] = "the flow restores the production database (stack parameters BackupSource and DatabaseName) into a new instance; "
            + "to restore into another database, invoke the PostgresRestore function with target.database",
        ["restoreTime"] = "this flow restores a logical backup; to recover to a point in time, use before (the newest verified backup "
            + "at or before it) or the point-in-time-recovery flow for chosen tables",
    };

    /// <summary>Restore the newest verified backup completed at or before this time (RFC 3339); default the newest.</summary>
    public string? Before { get; init; }

    /// <summary>The damaged RDS instance; default the stack's DatabaseInstanceId.</summary>
    public string? SourceInstance { get; init; }

    /// <summary>How many times an instance is polled before the flow gives up; default 120.</summary>
    public int? MaxPolls { get; init; }

    /// <summary>The platform's health URL checked after the switch; default the stack's ServiceHealthUrl.</summary>
    public string? HealthUrl { get; init; }

    /// <summary>Why the restore runs (audited).</summary>
    public string? Reason { get; init; }

    /// <summary>Replicas to restart the application with when it is found already stopped.</summary>
    public int? Replicas { get; init; }

    /// <summary><c>lambda</c> or <c>fargate</c>; default PostgresAssess's estimate.</summary>
    public string? Runner { get; init; }

    /// <summary><c>restore</c> (default) or <c>revert</c>: point the application back to the endpoint before the first switch
    /// (recorded on the ConfigMap) and restart it at its recorded replica count.</summary>
    public string? Mode { get; init; }

    public void Validate()
    {
        FlowInputFields.Timestamp(Before, "before");
        FlowInputFields.NotEmptyWhenGiven(SourceInstance, "sourceInstance");
        FlowInputFields.AtLeast(MaxPolls, 1, "maxPolls");
        if (HealthUrl is not null)
        {
            Require.HttpUrl(HealthUrl, "healthUrl");
        }

        FlowInputFields.AtLeast(Replicas, 1, "replicas");
        FlowInputFields.OneOf(Runner, "runner", "lambda", "fargate");
        FlowInputFields.OneOf(Mode, "mode", "restore", "revert");
    }
}
