using DisasterRecovery.Core;

namespace DisasterRecovery.FlowInputs;

/// <summary>
/// statemachines/service-health.asl.json's input: a HealthCheck request, every field optional (url defaults to the
/// stack's ServiceHealthUrl). An empty url passes here: the schedule sends the stack's, and the flow itself refuses an
/// empty one naming the stack parameter. The ranges of the other fields are HealthCheck's to check.
/// </summary>
public sealed record ServiceHealthInput : IFlowInput
{
    public static string Flow => "service-health";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["healthUrl"] = "the field is url",
    };

    public string? Url { get; init; }

    public int? ExpectedStatus { get; init; }

    public string? ExpectedBodyContains { get; init; }

    public double? TimeoutSeconds { get; init; }

    public int? MaxAttempts { get; init; }

    public double? BackoffSeconds { get; init; }

    public double? BackoffRate { get; init; }

    public void Validate()
    {
        if (!string.IsNullOrEmpty(Url))
        {
            Require.HttpUrl(Url, "url");
        }
    }
}
