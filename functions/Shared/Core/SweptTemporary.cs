namespace DisasterRecovery.Core;

/// <summary>
/// One temporary thing a sweep found expired (its owner gone, older than the grace period), whatever the engine: a
/// temporary database, a multipart upload. The job layer records every one in the audit log.
/// </summary>
/// <param name="Kind">What it is: <c>restore-database</c>, <c>verify-database</c>, <c>replaced-database</c>, <c>multipart-upload</c>.</param>
/// <param name="Location">Where: <c>host:port</c> for a database server, <c>s3://bucket</c> for an upload.</param>
/// <param name="Name">The database's name, or the upload's key and id (<c>key#uploadId</c>).</param>
/// <param name="Owner">The execution or request that created it, from its lease; null when it carried none.</param>
/// <param name="CreatedAt">When it was created (the lease's time, an upload's Initiated); null when unknown.</param>
/// <param name="Outcome">What the sweep did: <see cref="Removed"/>, <see cref="Restored"/> or <see cref="Left"/>.</param>
/// <param name="Reason">Why, in words (for <see cref="Left"/>: what a person must decide).</param>
public sealed record SweptTemporary(
    string Kind, string Location, string Name, string? Owner, DateTimeOffset? CreatedAt, string Outcome, string Reason)
{
    /// <summary>Dropped, aborted or deleted.</summary>
    public const string Removed = "removed";

    /// <summary>Put back where it came from (a database a killed restore had renamed away, renamed back to its name).</summary>
    public const string Restored = "restored";

    /// <summary>Expired but not touched: the sweep could not tell it is safe to remove, or removing it failed.</summary>
    public const string Left = "left";

    /// <summary>One line for logs and audit details: <c>removed restore-database host:5432/dr_restoring_ab12 (owner …)</c>.</summary>
    public string Describe() => $"{Outcome} {Kind} {Location}/{Name}" + (Owner is null ? string.Empty : $" (owner {Owner})");
}
