using DisasterRecovery.Lambda;
using DisasterRecovery.Tests.ProbeFunction;

return await LambdaRuntime.RunAsync(ProbeEntryPoint.Create);
