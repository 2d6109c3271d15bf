namespace DisasterRecovery.Functions.AuditVerify;

/// <summary>
/// Verify the audit chain. Which log is fixed by the function's environment (<c>AUDIT_BUCKET</c>,
/// <c>AUDIT_PREFIX</c>), not by the caller, so an invocation cannot be pointed at a log of its choosing.
/// The payload is an empty object: <c>{}</c>.
/// </summary>
public sealed record AuditVerifyRequest;
