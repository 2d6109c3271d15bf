namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/postgres-backup.asl.json's input: PostgresBackup's request (every field optional; the 02:00 UTC
/// schedule sends <c>{}</c>) plus <c>runner</c>. The flow reads <c>runner</c>, <c>source</c> and <c>requestedBy</c>
/// itself; the other values (retentionTier's names, workers' range, the backupId's form) are PostgresBackup's to check,
/// on either runner, with the same errors; here only their types are.
/// </summary>
public sealed record PostgresBackupInput : IFlowInput
{
    public static string Flow => "postgres-backup";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tier"] = "the field is retentionTier (auto, daily, weekly or monthly)",
        ["tables"] = "a backup is always of the whole database",
    };

    /// <summary>The catalog source name; default the stack's BackupSource.</summary>
    public string? Source { get; init; }

    /// <summary>Another database than the production secret's (a secret, and optionally host, port, database).</summary>
    public DatabaseInput? Database { get; init; }

    /// <summary><c>auto</c> (default), <c>daily</c>, <c>weekly</c> or <c>monthly</c>.</summary>
    public string? RetentionTier { get; init; }

    /// <summary>The backup's id, so a rerun writes the same backup.</summary>
    public string? BackupId { get; init; }

    /// <summary>Parallel COPY connections.</summary>
    public int? Workers { get; init; }

    /// <summary>Tables larger than this many MiB are counted, not hashed.</summary>
    public int? ContentHashMaxTableMb { get; init; }

    /// <summary>Who asked; default the execution.</summary>
    public string? RequestedBy { get; init; }

    /// <summary><c>lambda</c> or <c>fargate</c>; default PostgresAssess's recommendation.</summary>
    public string? Runner { get; init; }

    public void Validate()
    {
        FlowInputFields.NotEmptyWhenGiven(Source, "source");
        FlowInputFields.NotEmptyWhenGiven(RequestedBy, "requestedBy");
        FlowInputFields.OneOf(Runner, "runner", "lambda", "fargate");
        Database?.Validate("database");
    }
}
