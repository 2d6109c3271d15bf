using DisasterRecovery.FlowInputs;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.CheckFlowInput;

/// <summary>Adapter: checks a flow's execution input against its record; a bad one throws InvalidInputException naming the field.</summary>
public sealed class CheckFlowInputHandler : ILambdaHandler<CheckFlowInputRequest, CheckFlowInputResult>
{
    public Task<CheckFlowInputResult> HandleAsync(CheckFlowInputRequest input, ILambdaContext context)
    {
        FlowInputCheck.Check(input.Flow, input.Input!.Value);
        context.Logger.Info("flow input accepted", ("flow", input.Flow));
        return Task.FromResult(new CheckFlowInputResult(input.Flow!, Accepted: true));
    }
}
