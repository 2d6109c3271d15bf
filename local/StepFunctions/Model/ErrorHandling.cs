using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Paths;

namespace DisasterRecovery.LocalStepFunctions.Model;

/// <summary>JitterStrategy of a retrier.</summary>
public enum JitterStrategy
{
    /// <summary>Wait exactly the computed interval.</summary>
    None,

    /// <summary>Wait a random time between 0 and the computed interval.</summary>
    Full,
}

/// <summary>A Retry entry, with the spec's defaults.</summary>
public sealed class Retrier
{
    /// <summary>Error names this retrier handles.</summary>
    public required IReadOnlyList<string> ErrorEquals { get; init; }

    /// <summary>Seconds before the first retry (default 1).</summary>
    public double IntervalSeconds { get; init; } = 1;

    /// <summary>Retries allowed (default 3; 0 means never retry).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Multiplier applied to the interval per attempt (default 2).</summary>
    public double BackoffRate { get; init; } = 2;

    /// <summary>Cap on any single interval.</summary>
    public double? MaxDelaySeconds { get; init; }

    /// <summary>Jitter (default NONE).</summary>
    public JitterStrategy JitterStrategy { get; init; } = JitterStrategy.None;

    /// <summary>Interval before retry number <paramref name="retryIndex"/> (0-based), before jitter.</summary>
    public TimeSpan IntervalBefore(int retryIndex)
    {
        var seconds = IntervalSeconds * Math.Pow(BackoffRate, retryIndex);
        if (MaxDelaySeconds is { } cap)
        {
            seconds = Math.Min(seconds, cap);
        }

        return TimeSpan.FromSeconds(seconds);
    }
}

/// <summary>A Catch entry.</summary>
public sealed class Catcher
{
    /// <summary>Error names this catcher handles.</summary>
    public required IReadOnlyList<string> ErrorEquals { get; init; }

    /// <summary>The fallback state.</summary>
    public required string Next { get; init; }

    /// <summary>Where the error output goes in the raw state input (default <c>$</c>; null discards it).</summary>
    public ReferencePath? ResultPath { get; init; } = ReferencePath.Root;
}

/// <summary>The spec's rules for matching an error name against an ErrorEquals list.</summary>
public static class ErrorMatcher
{
    /// <summary>
    /// True when <paramref name="error"/> is named in <paramref name="errorEquals"/>, or matched by a wildcard:
    /// States.ALL matches everything except the terminal errors (States.Runtime, which never reaches a matcher, and
    /// States.DataLimitExceeded, which AWS documents States.ALL cannot catch); States.TaskFailed matches everything
    /// except timeouts and those terminal errors; States.Timeout also covers heartbeat timeouts.
    /// </summary>
    public static bool Matches(IReadOnlyList<string> errorEquals, string error)
    {
        var terminal = error is ErrorNames.Runtime or ErrorNames.DataLimitExceeded;
        var isTimeout = error is ErrorNames.Timeout or ErrorNames.HeartbeatTimeout;
        foreach (var candidate in errorEquals)
        {
            if (candidate == error || (candidate == ErrorNames.All && !terminal))
            {
                return true;
            }

            if (candidate == ErrorNames.TaskFailed && !isTimeout && !terminal)
            {
                return true;
            }

            if (candidate == ErrorNames.Timeout && error == ErrorNames.HeartbeatTimeout)
            {
                return true;
            }
        }

        return false;
    }
}
