using DisasterRecovery.Functions.PostgresAssess;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(PostgresAssessEntryPoint.Create);
