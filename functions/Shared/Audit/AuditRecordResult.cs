namespace DisasterRecovery.Audit;

/// <summary>Where the event went in the chain.</summary>
public sealed record AuditRecordResult(string EventId, long Sequence, string Hash, DateTimeOffset Time);
