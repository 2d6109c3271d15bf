namespace DisasterRecovery.LocalStepFunctions.Execution;

/// <summary>Engine settings. The defaults give ARNs in the same shape as AWS's.</summary>
public sealed class StateMachineEngineOptions
{
    /// <summary>Region used in generated ARNs.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Account used in generated ARNs.</summary>
    public string AccountId { get; init; } = "123456789012";

    /// <summary>
    /// Source of randomness for retry jitter (JitterStrategy FULL) and unseeded States.MathRandom.
    /// Supply a seeded Random to make runs reproducible.
    /// </summary>
    public Random? Random { get; init; }

    /// <summary>
    /// When false (default), an outstanding task token counts as running work, so a virtual clock does not
    /// skip ahead while a human or another system is expected to answer; heartbeat and timeout then fire only when
    /// the clock is advanced explicitly. When true, a task-token wait counts as idle like a Wait state.
    /// </summary>
    public bool AdvanceVirtualClockDuringTaskTokenWaits { get; init; }
}
