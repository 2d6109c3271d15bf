using DisasterRecovery.Functions.RedisImport;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(RedisImportEntryPoint.Create);
