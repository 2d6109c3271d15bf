namespace DisasterRecovery.LocalRds;

/// <summary>
/// Faults a test asks the emulator to inject, to see what a workflow does when RDS misbehaves: calls answered with
/// RDS's <c>Throttling</c> error (which the RDS model does not declare, so a workflow sees <c>Rds.RdsException</c>),
/// and a new instance that ends in a bad status instead of <c>available</c>. Given to the emulator through
/// <see cref="RdsEmulatorOptions.FaultInjector"/>; the local cloud's RDS service owns one. Thread-safe.
/// </summary>
public sealed class RdsFaultInjector
{
    /// <summary>
    /// The statuses <see cref="EndProvisioningIn"/> accepts: those the RDS User Guide ("Viewing Amazon RDS DB instance
    /// status") documents for an instance RDS could not make available, which no waiting changes.
    /// </summary>
    public static readonly IReadOnlySet<string> ProvisioningFailureStatuses = new HashSet<string>(StringComparer.Ordinal)
    {
        "failed",
        "inaccessible-encryption-credentials",
        "inaccessible-encryption-credentials-recoverable",
        "incompatible-network",
        "incompatible-option-group",
        "incompatible-parameters",
        "incompatible-restore",
        "insufficient-capacity",
        "restore-error",
        "storage-full",
    };

    private readonly object _gate = new();
    private readonly List<ThrottleRule> _throttles = [];
    private readonly Dictionary<string, string> _provisioningEnds = new(StringComparer.Ordinal);
    private readonly List<string> _throttled = [];

    /// <summary>Every call answered with Throttling so far, as "action" or "action by caller".</summary>
    public IReadOnlyList<string> ThrottledCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _throttled];
            }
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> calls that match fail with Throttling before they reach the emulator (nothing
    /// changes). A call matches when <paramref name="action"/> is null or equal to its action, and
    /// <paramref name="caller"/> is null or equal to its caller (the local cloud passes the calling Task state's name).
    /// </summary>
    public void Throttle(int times, string? action = null, string? caller = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        lock (_gate)
        {
            _throttles.Add(new ThrottleRule(action, caller) { Remaining = times });
        }
    }

    /// <summary>
    /// The next instance created or restored as <paramref name="identifier"/> ends in <paramref name="status"/> instead
    /// of becoming available: it shows <c>creating</c>, then that status, and gets no cluster. It can be deleted.
    /// </summary>
    /// <exception cref="ArgumentException">The status is not one of <see cref="ProvisioningFailureStatuses"/>.</exception>
    public void EndProvisioningIn(string identifier, string status)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        if (!ProvisioningFailureStatuses.Contains(status))
        {
            throw new ArgumentException(
                $"'{status}' is not a status RDS documents for an instance it could not make available; use one of " +
                    $"{string.Join(", ", ProvisioningFailureStatuses.Order(StringComparer.Ordinal))}",
                nameof(status));
        }

        lock (_gate)
        {
            _provisioningEnds[identifier.ToLowerInvariant()] = status;
        }
    }

    /// <summary>The throttling error for this call, if a rule matches it (the rule is used up).</summary>
    internal RdsEmulatorException? TakeThrottle(string action, string? caller)
    {
        lock (_gate)
        {
            var rule = _throttles.FirstOrDefault(r => r.Remaining > 0 && (r.Action is null || r.Action == action) && (r.Caller is null || r.Caller == caller));
            if (rule is null)
            {
                return null;
            }

            rule.Remaining--;
            _throttled.Add(caller is null ? action : $"{action} by {caller}");
            return RdsErrors.Throttling();
        }
    }

    /// <summary>The status an instance being provisioned must end in, if one was asked for (used up).</summary>
    internal string? TakeProvisioningEnd(string identifier)
    {
        lock (_gate)
        {
            return _provisioningEnds.Remove(identifier, out var status) ? status : null;
        }
    }

    private sealed record ThrottleRule(string? Action, string? Caller)
    {
        public int Remaining { get; set; }
    }
}
