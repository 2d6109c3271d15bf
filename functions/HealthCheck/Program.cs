using DisasterRecovery.Functions.HealthCheck;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(HealthCheckEntryPoint.Create);
