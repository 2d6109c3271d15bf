namespace DisasterRecovery.RedisJobs;

/// <summary>One check of a Redis verification: its name, whether it passed, and what it found.</summary>
public sealed record RedisVerifyCheck(string Name, bool Passed, string? Detail);

/// <summary>A passed verification (a failed one is audited, then raised as BackupVerificationFailedException).</summary>
/// <param name="BackupId">The backup verified, or restored from.</param>
/// <param name="Source">The catalog source.</param>
/// <param name="Mode"><c>backup</c> (the stored backup itself) or <c>restored-server</c> (a server restored from it).</param>
/// <param name="Passed">Every check passed.</param>
/// <param name="Checks">Every check, with what it found.</param>
/// <param name="KeysPerDatabase">Mode <c>backup</c>: the live keys the RDB holds per database (<c>db0</c> → count), at the instant the
/// backup counted them; mode <c>restored-server</c>: the server's keys per database (INFO keyspace).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record RedisVerifyResult(
    string BackupId,
    string Source,
    string Mode,
    bool Passed,
    IReadOnlyList<RedisVerifyCheck> Checks,
    IReadOnlyDictionary<string, long> KeysPerDatabase,
    double Seconds)
{
    /// <summary>Mode <c>backup</c>: where the verdict was recorded beside the manifest; null in mode <c>restored-server</c>.</summary>
    public string? VerificationKey { get; init; }
}
