using DisasterRecovery.Functions.CheckFlowInput;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(CheckFlowInputEntryPoint.Create);
