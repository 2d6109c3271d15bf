using DisasterRecovery.Core;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// What the sweeper sweeps. Every field is optional: the scheduled sweep sends <c>{}</c> and sweeps the production server
/// (<c>DB_SECRET_ID</c>), the scratch server (<c>SCRATCH_SECRET_ID</c>, when set) and every backup's uploads in the bucket.
/// </summary>
public sealed record SweepTemporaryRequest : IValidatable
{
    /// <summary>The servers whose temporary databases to sweep (1-10); default the function's production and scratch servers.</summary>
    public IReadOnlyList<DatabaseConnection>? Servers { get; init; }

    /// <summary>An unheld leased database younger than this is kept, 0-1440; default 10.</summary>
    public int? GraceMinutes { get; init; }

    /// <summary>A multipart upload with no new part for this long is aborted, 0-10080; default 60.</summary>
    public int? UploadIdleMinutes { get; init; }

    /// <summary>Who asked (an execution ARN); default this function and request.</summary>
    public string? RequestedBy { get; init; }

    public void Validate()
    {
        if (Servers is not null)
        {
            Require.InRange(Servers.Count, 1, 10, "servers");
            for (var i = 0; i < Servers.Count; i++)
            {
                (Servers[i] ?? throw new InvalidInputException($"servers[{i}]", "must be an object {\"secretId\", …}")).Validate($"servers[{i}]");
            }
        }

        if (GraceMinutes is { } grace)
        {
            Require.InRange(grace, 0, 1440, "graceMinutes");
        }

        if (UploadIdleMinutes is { } idle)
        {
            Require.InRange(idle, 0, 10080, "uploadIdleMinutes");
        }

        if (RequestedBy is not null)
        {
            Require.NotBlank(RequestedBy, "requestedBy");
        }
    }
}

/// <summary>One expired temporary thing the sweep handled.</summary>
/// <param name="Kind"><c>restore-database</c>, <c>verify-database</c>, <c>replaced-database</c>, <c>multipart-upload</c>.</param>
/// <param name="Location"><c>host:port</c> or <c>s3://bucket</c>.</param>
/// <param name="Name">The database, or <c>key#uploadId</c>.</param>
/// <param name="Owner">Its lease's owner, when it had one.</param>
/// <param name="CreatedAt">When it was created, when known.</param>
/// <param name="Outcome"><c>removed</c>, <c>restored</c> or <c>left</c>.</param>
/// <param name="Reason">Why.</param>
public sealed record SweptTemporaryItem(string Kind, string Location, string Name, string? Owner, DateTimeOffset? CreatedAt, string Outcome, string Reason);

/// <summary>What a sweep did.</summary>
/// <param name="Removed">Things dropped or aborted.</param>
/// <param name="Restored">Renamed-away restore targets put back.</param>
/// <param name="Left">Expired things left for a person (their reasons say why).</param>
/// <param name="Swept">Each of them.</param>
/// <param name="AuditEvents">Audit events written (one per place where something was found).</param>
public sealed record SweepTemporaryResult(int Removed, int Restored, int Left, IReadOnlyList<SweptTemporaryItem> Swept, int AuditEvents);
