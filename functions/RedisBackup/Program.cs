using DisasterRecovery.Functions.RedisBackup;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(RedisBackupEntryPoint.Create);
