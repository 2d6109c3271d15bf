using Amazon.S3;
using DisasterRecovery.Catalog;
using DisasterRecovery.Core.Logging;

namespace DisasterRecovery.Audit;

/// <summary>
/// The daily check that the audit and backup buckets still keep what is written to them (versioning, Object Lock, the
/// audit bucket's default retention), run beside the chain verification by AuditVerify. Each bucket's finding goes into the
/// report; an unprotected bucket is logged as an error (a warning when the stack allows unprotected writes), never thrown.
/// </summary>
public sealed class BucketProtectionCheck(IAmazonS3 s3, IReadOnlyList<ProtectedBucket> buckets, bool unprotectedAllowed)
{
    public async Task<IReadOnlyList<BucketProtectionFinding>> RunAsync(JsonLogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var findings = new List<BucketProtectionFinding>();
        foreach (var bucket in buckets)
        {
            IReadOnlyList<string> missing;
            try
            {
                var status = await BucketProtection.InspectAsync(s3, bucket.Bucket, bucket.Purpose, cancellationToken).ConfigureAwait(false);
                missing = status.Missing(bucket.NeedsDefaultRetention);
            }
            catch (AmazonS3Exception e)
            {
                missing = [$"its settings could not be read ({(int)e.StatusCode} {e.ErrorCode})"];
            }

            var finding = new BucketProtectionFinding(bucket.Bucket, bucket.Purpose, missing.Count == 0, missing, unprotectedAllowed);
            findings.Add(finding);
            if (finding.Protected)
            {
                logger.Info("bucket protected", ("bucket", bucket.Bucket), ("purpose", bucket.Purpose));
            }
            else if (unprotectedAllowed)
            {
                logger.Warn("bucket not protected (allowed by AllowUnprotectedBackups)", ("bucket", bucket.Bucket), ("missing", string.Join("; ", missing)));
            }
            else
            {
                logger.Error("bucket not protected", ("bucket", bucket.Bucket), ("purpose", bucket.Purpose), ("missing", string.Join("; ", missing)));
            }
        }

        return findings;
    }
}

/// <summary>A bucket the daily check looks at.</summary>
/// <param name="Bucket">Its name.</param>
/// <param name="Purpose">What it holds ("the audit log", "the backup catalog").</param>
/// <param name="NeedsDefaultRetention">Its writers set no retention per object (the audit log), so a default retention is required.</param>
public sealed record ProtectedBucket(string Bucket, string Purpose, bool NeedsDefaultRetention);

/// <summary>What the daily check found for one bucket.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Purpose">What it holds.</param>
/// <param name="Protected">Versioning, Object Lock (and the default retention it needs) are all in place.</param>
/// <param name="Missing">Each missing setting, by its S3/template name.</param>
/// <param name="UnprotectedAllowed">The stack allows unprotected writes (AllowUnprotectedBackups).</param>
public sealed record BucketProtectionFinding(string Bucket, string Purpose, bool Protected, IReadOnlyList<string> Missing, bool UnprotectedAllowed);
