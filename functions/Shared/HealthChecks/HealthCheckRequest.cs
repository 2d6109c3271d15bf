using DisasterRecovery.Core;

namespace DisasterRecovery.HealthChecks;

/// <summary>What to check: an HTTP(S) endpoint and what a healthy answer looks like.</summary>
/// <remarks>
/// Optional fields are nullable with the default applied by a getter: the System.Text.Json source
/// generator sets every init-only property, so an initializer would be overwritten by 0 when absent.
/// </remarks>
public sealed record HealthCheckRequest : IValidatable
{
    public const int DefaultExpectedStatus = 200;
    public const double DefaultTimeoutSeconds = 5;
    public const int DefaultMaxAttempts = 3;
    public const double DefaultBackoffSeconds = 1;
    public const double DefaultBackoffRate = 2;

    /// <summary>The http or https URL to GET.</summary>
    public string? Url { get; init; }

    /// <summary>The status a healthy endpoint answers with. Default 200.</summary>
    public int? ExpectedStatus { get; init; }

    /// <summary>Text the body must contain, if any (ordinal, case-sensitive).</summary>
    public string? ExpectedBodyContains { get; init; }

    /// <summary>How long one attempt may take. Default 5 s.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>How many attempts before the endpoint is reported unhealthy. Default 3.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The wait before the second attempt. Default 1 s.</summary>
    public double? BackoffSeconds { get; init; }

    /// <summary>Each later wait is the previous one times this. Default 2.</summary>
    public double? BackoffRate { get; init; }

    internal Uri Target => Require.HttpUrl(Url, "url");

    internal int Status => ExpectedStatus ?? DefaultExpectedStatus;

    internal TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds ?? DefaultTimeoutSeconds);

    internal int Attempts => MaxAttempts ?? DefaultMaxAttempts;

    internal TimeSpan FirstBackoff => TimeSpan.FromSeconds(BackoffSeconds ?? DefaultBackoffSeconds);

    internal double Rate => BackoffRate ?? DefaultBackoffRate;

    public void Validate()
    {
        _ = Target;
        Require.InRange(Status, 100, 599, "expectedStatus");
        if (TimeoutSeconds is { } timeout && !(timeout > 0 && timeout <= 900))
        {
            throw new InvalidInputException("timeoutSeconds", $"must be greater than 0 and at most 900, was {timeout}");
        }

        Require.InRange(Attempts, 1, 20, "maxAttempts");
        Require.InRange(BackoffSeconds ?? DefaultBackoffSeconds, 0, 300, "backoffSeconds");
        Require.InRange(Rate, 1, 10, "backoffRate");
    }
}
