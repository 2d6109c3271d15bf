namespace DisasterRecovery.PostgresJobs;

/// <summary>One check of a verification.</summary>
public sealed record PostgresVerifyCheck(string Name, bool Passed, string? Detail);

/// <summary>A passed verification (a failed one is recorded, then raised as BackupVerificationFailedException).</summary>
/// <param name="BackupId">The backup verified, or restored from.</param>
/// <param name="Source">The catalog source.</param>
/// <param name="Mode"><c>backup</c> (scratch restore), <c>restored-database</c> (in place) or <c>measure</c> (what a restore needs).</param>
/// <param name="Passed">Every check passed.</param>
/// <param name="Checks">Every check, with what it found.</param>
/// <param name="Tables">Tables compared.</param>
/// <param name="Rows">Rows compared.</param>
/// <param name="VerificationKey">Where the verdict was recorded beside the manifest (backup mode).</param>
/// <param name="DurationSeconds">Wall time.</param>
public sealed record PostgresVerifyResult(
    string BackupId,
    string Source,
    string Mode,
    bool Passed,
    IReadOnlyList<PostgresVerifyCheck> Checks,
    int Tables,
    long Rows,
    string? VerificationKey,
    double DurationSeconds)
{
    /// <summary>What restoring the backup needs (raw size, free storage, a new scratch instance's storage); null in mode <c>restored-database</c>.</summary>
    public PostgresRestoreNeeds? Needs { get; init; }

    /// <summary>Mode <c>measure</c>: the last 15 minutes, the window a flow reads the server's CloudWatch FreeStorageSpace in (ASL cannot
    /// subtract times).</summary>
    public StorageMetricWindow? MetricWindow { get; init; }
}

/// <summary>A time window for a CloudWatch statistics query.</summary>
public sealed record StorageMetricWindow(DateTimeOffset StartTime, DateTimeOffset EndTime);
