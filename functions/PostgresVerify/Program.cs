using DisasterRecovery.Functions.PostgresVerify;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(PostgresVerifyEntryPoint.Create);
