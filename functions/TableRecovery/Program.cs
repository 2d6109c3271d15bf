using DisasterRecovery.Functions.TableRecovery;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(TableRecoveryEntryPoint.Create);
