using DisasterRecovery.Functions.SweepTemporary;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(SweepTemporaryEntryPoint.Create);
