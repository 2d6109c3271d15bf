using DisasterRecovery.Functions.RedisVerify;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(RedisVerifyEntryPoint.Create);
