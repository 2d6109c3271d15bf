using DisasterRecovery.Core;
using DisasterRecovery.FlowInputs;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.CheckFlowInput;

/// <summary>Adapter: checks a flow's execution input against its record; a bad one throws InvalidInputException naming the field.</summary>
public sealed class CheckFlowInputHandler : ILambdaHandler<CheckFlowInputRequest, CheckFlowInputResult>
{
    public Task<CheckFlowInputResult> HandleAsync(CheckFlowInputRequest input, ILambdaContext context)
    {
        try
        {
            FlowInputCheck.Check(input.Flow, input.Input!.Value);
        }
        catch (InvalidInputException e)
        {
            context.Logger.Info("flow input refused", ("flow", input.Flow), ("field", e.Field), ("problem", e.Problem));
            throw;
        }

        return Task.FromResult(new CheckFlowInputResult(input.Flow!, Accepted: true));
    }
}
