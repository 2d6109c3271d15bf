namespace DisasterRecovery.HealthChecks;

/// <summary>The verdict, with the last attempt's figures and every attempt for the report.</summary>
public sealed record HealthCheckResult(
    string Url,
    bool Healthy,
    int? Status,
    double LatencyMs,
    int Attempts,
    string? Failure,
    DateTimeOffset CheckedAt,
    IReadOnlyList<HealthCheckAttempt> AttemptLog);

/// <summary>One GET: its status (null when no answer came), how long it took, and why it failed.</summary>
public sealed record HealthCheckAttempt(int Attempt, int? Status, double LatencyMs, string? Failure);
