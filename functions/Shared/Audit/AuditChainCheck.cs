using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Audit;

/// <summary>
/// Runs the chain verifier and logs the verdict, then (when given) the buckets' protection check, whose findings join the
/// report. A broken chain or an unprotected bucket is returned, not thrown.
/// </summary>
public sealed class AuditChainCheck(AuditChainVerifier verifier, BucketProtectionCheck? protection = null)
{
    /// <param name="logger">Where the verdict is logged: intact as info, broken as an error naming the first problem.</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    public async Task<AuditChainReport> RunAsync(JsonLogger logger, CancellationToken cancellationToken)
    {
        var report = await verifier.VerifyAsync(cancellationToken).ConfigureAwait(false);
        if (report.Valid)
        {
            logger.Info(
                "audit chain intact",
                ("bucket", report.Bucket), ("prefix", report.Prefix), ("eventCount", report.EventCount),
                ("headSequence", report.HeadSequence), ("headHash", report.HeadHash));
        }
        else
        {
            logger.Error(
                "audit chain broken",
                ("bucket", report.Bucket), ("prefix", report.Prefix), ("eventCount", report.EventCount),
                ("firstBadSequence", report.FirstBadSequence), ("firstBadKey", report.FirstBadKey),
                ("firstProblem", report.FirstProblem), ("detail", report.FirstProblemDetail), ("issueCount", report.IssueCount));
        }

        return protection is null ? report : report with { BucketProtection = await protection.RunAsync(logger, cancellationToken).ConfigureAwait(false) };
    }
}
