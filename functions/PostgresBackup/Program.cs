using DisasterRecovery.Functions.PostgresBackup;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(PostgresBackupEntryPoint.Create);
