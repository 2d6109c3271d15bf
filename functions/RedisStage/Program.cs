using DisasterRecovery.Functions.RedisStage;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(RedisStageEntryPoint.Create);
