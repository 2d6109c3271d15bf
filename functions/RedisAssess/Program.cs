using DisasterRecovery.Functions.RedisAssess;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(RedisAssessEntryPoint.Create);
