using Amazon.S3;
using DisasterRecovery.Audit;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditRecord;

/// <summary>Adapter: appends the flow's event to the hash-chained audit log.</summary>
public sealed class AuditRecordHandler(IAmazonS3 s3, AuditLogOptions options) : ILambdaHandler<AuditRecordRequest, AuditRecordResult>
{
    public async Task<AuditRecordResult> HandleAsync(AuditRecordRequest input, ILambdaContext context)
    {
        var record = await new AuditLog(s3, options, context.Logger).AppendAsync(new AuditEvent
        {
            Action = input.Action!,
            Resource = input.Resource!,
            Actor = input.Actor!,
            Result = input.Result!,
            RelatedIds = input.RelatedIds,
            Details = input.Details,
            EventId = input.EventId,
        }, context.CancellationToken).ConfigureAwait(false);
        return new AuditRecordResult(record.EventId, record.Sequence, record.Hash, record.Time);
    }
}
