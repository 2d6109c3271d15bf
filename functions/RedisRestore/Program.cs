using DisasterRecovery.Functions.RedisRestore;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(RedisRestoreEntryPoint.Create);
