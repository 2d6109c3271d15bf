using DisasterRecovery.FlowInputs;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.CheckFlowInput;

/// <summary>Wires the function; it needs nothing from the environment. Found by the local cloud through <see cref="ILambdaEntryPoint"/>.</summary>
public sealed class CheckFlowInputEntryPoint : ILambdaEntryPoint
{
    public static ILambdaFunction Create(IReadOnlyDictionary<string, string> environment) =>
        new LambdaFunction<CheckFlowInputRequest, CheckFlowInputResult>(
            "CheckFlowInput",
            new CheckFlowInputHandler(),
            FlowInputsJsonContext.Default.CheckFlowInputRequest,
            FlowInputsJsonContext.Default.CheckFlowInputResult);
}
