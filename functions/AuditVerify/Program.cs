using DisasterRecovery.Functions.AuditVerify;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(AuditVerifyEntryPoint.Create);
