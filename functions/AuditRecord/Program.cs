using DisasterRecovery.Functions.AuditRecord;
using DisasterRecovery.Lambda;

return await LambdaRuntime.RunAsync(AuditRecordEntryPoint.Create);
