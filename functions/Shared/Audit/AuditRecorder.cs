using Amazon.S3;
using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Audit;

/// <summary>Appends a flow's own event (an <see cref="AuditRecordRequest"/>) to the hash-chained audit log.</summary>
public sealed class AuditRecorder(IAmazonS3 s3, AuditLogOptions options)
{
    /// <param name="request">A validated request.</param>
    /// <param name="logger">Where the log reports what it wrote.</param>
    /// <param name="cancellationToken">Stops the append.</param>
    /// <returns>Where the event went in the chain.</returns>
    public async Task<AuditRecordResult> RecordAsync(AuditRecordRequest request, JsonLogger logger, CancellationToken cancellationToken)
    {
        var record = await new AuditLog(s3, options, logger).AppendAsync(new AuditEvent
        {
            Action = request.Action!,
            Resource = request.Resource!,
            Actor = request.Actor!,
            Result = request.Result!,
            RelatedIds = request.RelatedIds,
            Details = request.Details,
            EventId = request.EventId,
        }, cancellationToken).ConfigureAwait(false);
        return new AuditRecordResult(record.EventId, record.Sequence, record.Hash, record.Time);
    }
}
