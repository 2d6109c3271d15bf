using DisasterRecovery.Audit;
using DisasterRecovery.Lambda;

namespace DisasterRecovery.Functions.AuditVerify;

/// <summary>Adapter: runs the chain verifier and logs the verdict. A broken chain is returned, not thrown.</summary>
public sealed class AuditVerifyHandler(AuditChainVerifier verifier) : ILambdaHandler<AuditVerifyRequest, AuditChainReport>
{
    public async Task<AuditChainReport> HandleAsync(AuditVerifyRequest input, ILambdaContext context)
    {
        var report = await verifier.VerifyAsync(context.CancellationToken).ConfigureAwait(false);
        if (report.Valid)
        {
            context.Logger.Info(
                "audit chain intact",
                ("bucket", report.Bucket), ("prefix", report.Prefix), ("eventCount", report.EventCount),
                ("headSequence", report.HeadSequence), ("headHash", report.HeadHash));
        }
        else
        {
            context.Logger.Error(
                "audit chain broken",
                ("bucket", report.Bucket), ("prefix", report.Prefix), ("eventCount", report.EventCount),
                ("firstBadSequence", report.FirstBadSequence), ("firstBadKey", report.FirstBadKey),
                ("firstProblem", report.FirstProblem), ("detail", report.FirstProblemDetail), ("issueCount", report.IssueCount));
        }

        return report;
    }
}
