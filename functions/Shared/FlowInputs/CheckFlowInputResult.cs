namespace DisasterRecovery.FlowInputs;

/// <summary>CheckFlowInput's answer when the input passed (the flows discard it: <c>ResultPath: null</c>).</summary>
public sealed record CheckFlowInputResult(string Flow, bool Accepted);
