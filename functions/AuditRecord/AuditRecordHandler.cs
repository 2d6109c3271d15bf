using DisasterRecovery.Audit;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditRecord;

/// <summary>Adapter: appends the flow's event to the hash-chained audit log.</summary>
public sealed class AuditRecordHandler(AuditRecorder recorder) : ILambdaHandler<AuditRecordRequest, AuditRecordResult>
{
    public Task<AuditRecordResult> HandleAsync(AuditRecordRequest input, ILambdaContext context) =>
        recorder.RecordAsync(input, context.Logger, context.CancellationToken);
}
