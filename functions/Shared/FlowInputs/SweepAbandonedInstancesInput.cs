namespace DisasterRecovery.FlowInputs;

/// <summary>statemachines/sweep-abandoned-instances.asl.json's input: none (the hourly schedule sends <c>{}</c>); any field is refused.</summary>
public sealed record SweepAbandonedInstancesInput : IFlowInput
{
    public static string Flow => "sweep-abandoned-instances";

    public static IReadOnlyDictionary<string, string> NotTaken { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dryRun"] = "the sweep always deletes what it finds abandoned; describeDBInstances and the instances' dr:* tags show what it would take",
    };

    public void Validate()
    {
    }
}
