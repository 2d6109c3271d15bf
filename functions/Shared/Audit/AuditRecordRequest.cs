using DisasterRecovery.Core;

namespace DisasterRecovery.Audit;

/// <summary>
/// One audit event from a state machine (the flows' own steps: a point-in-time recovery, a switch-over). Field rules
/// are the audit log's: tokens for action and result, bounded text elsewhere; the log checks them before writing.
/// </summary>
public sealed record AuditRecordRequest : IValidatable
{
    /// <summary><c>backup</c>, <c>verification</c>, <c>restore</c>, <c>deletion</c>, <c>failover</c>.</summary>
    public string? Action { get; init; }

    /// <summary>What was acted on, e.g. <c>postgres/technician-marketplace/tables</c>.</summary>
    public string? Resource { get; init; }

    /// <summary>Who acted: the execution ARN.</summary>
    public string? Actor { get; init; }

    /// <summary><c>started</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public string? Result { get; init; }

    /// <summary>Ids this event relates to (backup ids, instance ids).</summary>
    public IReadOnlyList<string>? RelatedIds { get; init; }

    /// <summary>Free-form details, strings only.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    /// <summary>An id for the event; a flow passes its execution and state so a retried step is recognisable.</summary>
    public string? EventId { get; init; }

    public void Validate()
    {
        Require.NotBlank(Action, "action");
        if (Action is not ("backup" or "verification" or "restore" or "deletion" or "failover"))
        {
            throw new InvalidInputException("action", $"must be backup, verification, restore, deletion or failover, was '{Action}'");
        }

        Require.NotBlank(Resource, "resource");
        Require.NotBlank(Actor, "actor");
        if (Result is not ("started" or "succeeded" or "failed"))
        {
            throw new InvalidInputException("result", $"must be started, succeeded or failed, was '{Result}'");
        }
    }
}
