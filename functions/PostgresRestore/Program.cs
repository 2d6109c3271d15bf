using DisasterRecovery.Functions.PostgresRestore;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(PostgresRestoreEntryPoint.Create);
