namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/verify-backup.asl.json's input (every field optional; the 04:00 UTC schedule sends <c>{}</c>): which backup,
/// whether it may be verified on production's own server, and how long to wait for a new scratch instance.
/// </summary>
public sealed record VerifyBackupInput : IFlowInput
{
    public static string Flow => "verify-backup";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["scratch"] = "the flow verifies on the stack's standing scratch server (ScratchSecretId, ScratchInstanceId) or on a new instance per run; " +
            "PostgresVerify invoked directly takes a scratch server",
        ["database"] = "checking a restored database in place is PostgresVerify's 'database' mode (the restore-database flow runs it)",
        ["freeStorageBytes"] = "the flow reads the server's free storage itself (CloudWatch FreeStorageSpace, or a new instance's storage)",
    };

    /// <summary>The backup to verify; default the newest.</summary>
    public string? BackupId { get; init; }

    /// <summary>The explicit opt-in to verify on production's own server; default false (a scratch server).</summary>
    public bool? OnProductionServer { get; init; }

    /// <summary>Polls (30 s apart) of a new scratch instance before giving up; default 60.</summary>
    public int? MaxPolls { get; init; }

    public void Validate()
    {
        FlowInputFields.NotEmptyWhenGiven(BackupId, "backupId");
        FlowInputFields.AtLeast(MaxPolls, 1, "maxPolls");
    }
}
