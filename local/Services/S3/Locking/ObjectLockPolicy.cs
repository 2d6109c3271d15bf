using DisasterRecovery.LocalS3.Http;
using DisasterRecovery.LocalS3.Storage;

namespace DisasterRecovery.LocalS3.Locking;

/// <summary>The two retention modes of S3 Object Lock.</summary>
internal static class ObjectLockModes
{
    /// <summary>Protects a version unless the caller sends x-amz-bypass-governance-retention: true.</summary>
    public const string Governance = "GOVERNANCE";

    /// <summary>Protects a version from everyone until its retain-until date; can only be extended.</summary>
    public const string Compliance = "COMPLIANCE";

    public static string Parse(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        Governance => Governance,
        Compliance => Compliance,
        _ => throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidLockModeMessage),
    };
}

/// <summary>
/// The rules of Object Lock, applied with the server's clock (a TimeProvider, so tests can move time):
/// which versions may be deleted, and which retention changes are allowed.
/// </summary>
internal static class ObjectLockPolicy
{
    /// <summary>Throws AccessDenied when permanently removing this version is not allowed now.</summary>
    public static void EnsureVersionDeletable(ObjectVersion version, DateTimeOffset now, bool bypassGovernance)
    {
        if (version.IsDeleteMarker)
        {
            return;
        }

        if (version.LegalHold == true)
        {
            throw new S3Exception(S3Errors.AccessDenied, S3Errors.LockedObjectMessage);
        }

        if (!IsRetained(version, now))
        {
            return;
        }

        if (version.RetentionMode == ObjectLockModes.Compliance || !bypassGovernance)
        {
            throw new S3Exception(S3Errors.AccessDenied, S3Errors.LockedObjectMessage);
        }
    }

    /// <summary>
    /// Retention may always be extended. COMPLIANCE can never be shortened, removed or weakened to
    /// GOVERNANCE while active; GOVERNANCE can be shortened or removed only with the bypass header.
    /// </summary>
    public static void EnsureRetentionChangeAllowed(
        ObjectVersion version,
        string? newMode,
        DateTimeOffset? newRetainUntil,
        DateTimeOffset now,
        bool bypassGovernance)
    {
        if (!IsRetained(version, now))
        {
            return;
        }

        var shortensOrRemoves = newRetainUntil is null || newRetainUntil < version.RetainUntil;
        if (version.RetentionMode == ObjectLockModes.Compliance)
        {
            if (shortensOrRemoves || newMode != ObjectLockModes.Compliance)
            {
                throw new S3Exception(S3Errors.AccessDenied, S3Errors.ComplianceCannotShortenMessage);
            }

            return;
        }

        if (shortensOrRemoves && !bypassGovernance)
        {
            throw new S3Exception(S3Errors.AccessDenied, S3Errors.GovernanceNeedsBypassMessage);
        }
    }

    /// <summary>The retain-until date a new version gets from the bucket's default retention, if any.</summary>
    public static DateTimeOffset? DefaultRetainUntil(BucketRecord bucket, DateTimeOffset now)
    {
        if (!bucket.ObjectLockEnabled || bucket.DefaultRetentionMode is null)
        {
            return null;
        }

        if (bucket.DefaultRetentionDays is { } days)
        {
            return now.AddDays(days);
        }

        return bucket.DefaultRetentionYears is { } years ? now.AddYears(years) : null;
    }

    /// <summary>
    /// Whether lifecycle must leave this version in place: S3 Lifecycle never removes a version under retention (either
    /// mode: it has no bypass) or legal hold. Transitions and delete markers are not removals and go ahead.
    /// </summary>
    public static bool BlocksLifecycleDeletion(ObjectVersion version, DateTimeOffset now) =>
        !version.IsDeleteMarker && (version.LegalHold == true || IsRetained(version, now));

    private static bool IsRetained(ObjectVersion version, DateTimeOffset now) =>
        version.RetentionMode is not null && version.RetainUntil is { } until && until > now;
}
