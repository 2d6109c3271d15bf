using System.Text.Json.Serialization;

namespace DisasterRecovery.Audit;

/// <summary>
/// Something that happened to a backup or a restore, as the caller reports it to
/// <see cref="AuditLog.AppendAsync"/>. The log adds the id, sequence, time and hashes.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>What was done: see <see cref="AuditActions"/> (lower-case letters, digits, '.', '-').</summary>
    public required string Action { get; init; }

    /// <summary>What it was done to, e.g. <c>postgres/technician-marketplace/20250114T020000Z-a1b2c3d4</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>Who started it: a schedule, a state machine execution ARN, a person.</summary>
    public required string Actor { get; init; }

    /// <summary>How it ended: see <see cref="AuditResults"/>.</summary>
    public required string Result { get; init; }

    /// <summary>Ids this event relates to (backup id, execution ARN, request id).</summary>
    public IReadOnlyList<string>? RelatedIds { get; init; }

    /// <summary>Free-form facts (sizes, counts, error types). Stored with keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    /// <summary>Optional caller-chosen id; a new GUID when null.</summary>
    public string? EventId { get; init; }
}

/// <summary>
/// An event as the log stores it: the caller's event plus its place in the chain. <see cref="Hash"/> is
/// the SHA-256 (lower-case hex) of the event's canonical JSON without the <c>hash</c> member, and
/// <see cref="PreviousHash"/> is the hash of the event before it (64 zeros for the first event).
/// </summary>
public sealed record AuditRecord
{
    public required string EventId { get; init; }

    /// <summary>1 for the first event; every later event is the previous one plus 1.</summary>
    public required long Sequence { get; init; }

    public required DateTimeOffset Time { get; init; }

    public required string Action { get; init; }

    public required string Resource { get; init; }

    public required string Actor { get; init; }

    public required string Result { get; init; }

    public required IReadOnlyList<string> RelatedIds { get; init; }

    public required IReadOnlyDictionary<string, string> Details { get; init; }

    public required string PreviousHash { get; init; }

    public required string Hash { get; init; }
}

/// <summary>The actions the platform records (plan §9.1: every backup, verification, restore and deletion).</summary>
public static class AuditActions
{
    public const string Backup = "backup";
    public const string Verification = "verification";
    public const string Restore = "restore";
    public const string Deletion = "deletion";
    public const string Failover = "failover";
}

/// <summary>How an audited action ended.</summary>
public static class AuditResults
{
    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>Source-generated JSON for reading stored audit records (writing uses <see cref="AuditCanonicalJson"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(AuditChainReport))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
