namespace DisasterRecovery.PostgresJobs;

/// <summary>One check of a verification.</summary>
public sealed record PostgresVerifyCheck(string Name, bool Passed, string? Detail);

/// <summary>A passed verification (a failed one is recorded, then raised as BackupVerificationFailedException).</summary>
/// <param name="BackupId">The backup verified, or restored from.</param>
/// <param name="Source">The catalog source.</param>
/// <param name="Mode"><c>backup</c> (scratch restore) or <c>restored-database</c> (in place).</param>
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
    double DurationSeconds);
