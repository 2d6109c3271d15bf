using System.Globalization;

namespace DisasterRecovery.Jobs;

/// <summary>
/// What a finished run tells the audit log: the backup it concerned and the event's details. A run whose verdict is a
/// failure (a verification that failed a check) carries the <paramref name="Failure"/> the invocation then fails with,
/// after the event is recorded as <c>failed</c>.
/// </summary>
/// <param name="BackupId">The backup the event is about (its resource is <c>engine/source/backupId</c>).</param>
/// <param name="Details">The event's details.</param>
/// <param name="Failure">The error the run's verdict is, or null when it succeeded.</param>
public sealed record JobReport(string BackupId, IReadOnlyDictionary<string, string> Details, Exception? Failure = null)
{
    /// <summary>True when the run succeeded.</summary>
    public bool Passed => Failure is null;

    /// <summary>A count as audit details write it (invariant culture).</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
