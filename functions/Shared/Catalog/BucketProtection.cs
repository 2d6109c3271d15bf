using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>
/// Whether a bucket keeps what is written to it immutable: versioning Enabled and Object Lock on (and, where the writer sets
/// no retention per object, a default retention). A backup or audit event written to a bucket without them could be
/// deleted or overwritten, so writers refuse such a bucket (<see cref="BucketNotProtectedException"/>) unless the stack says
/// unprotected writes are acceptable: the template parameter <c>AllowUnprotectedBackups</c>, given to the functions as
/// <see cref="AllowVariable"/>.
/// </summary>
public static class BucketProtection
{
    /// <summary>"true" lets backups and audit events go to a bucket without versioning or Object Lock; default "false".</summary>
    public const string AllowVariable = "ALLOW_UNPROTECTED_BACKUPS";

    /// <summary>Reads <see cref="AllowVariable"/>: absent or blank is false.</summary>
    /// <exception cref="FunctionConfigurationException">Any value other than true or false.</exception>
    public static bool AllowedBy(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new EnvironmentSettings(environment).Optional(AllowVariable) switch
        {
            null or "" or "false" => false,
            "true" => true,
            var other => throw new FunctionConfigurationException($"{AllowVariable}: must be true or false, was '{other}'"),
        };
    }

    /// <summary>Reads the bucket's versioning and Object Lock configuration (what the bucket holds, <paramref name="purpose"/>, goes into messages).</summary>
    public static async Task<BucketProtectionStatus> InspectAsync(IAmazonS3 s3, string bucket, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var versioning = await S3Failures.CallAsync(bucket, () => s3.GetBucketVersioningAsync(
            new GetBucketVersioningRequest { BucketName = bucket }, cancellationToken)).ConfigureAwait(false);
        ObjectLockConfiguration? configuration = null;
        try
        {
            configuration = (await S3Failures.CallAsync(bucket, () => s3.GetObjectLockConfigurationAsync(
                new GetObjectLockConfigurationRequest { BucketName = bucket }, cancellationToken)).ConfigureAwait(false)).ObjectLockConfiguration;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
        {
            // No Object Lock on this bucket.
        }

        var retention = configuration?.Rule?.DefaultRetention;
        return new BucketProtectionStatus(
            bucket,
            purpose,
            versioning.VersioningConfig?.Status == VersionStatus.Enabled,
            configuration?.ObjectLockEnabled == ObjectLockEnabled.Enabled,
            retention?.Mode is { } mode ? $"{mode.Value} {(retention.Days is { } days ? $"{days} days" : $"{retention.Years} years")}" : null);
    }

    /// <summary>
    /// Throws <see cref="BucketNotProtectedException"/> naming the bucket and each missing setting, unless <paramref name="allowUnprotected"/>.
    /// <paramref name="needsDefaultRetention"/>: the writer sets no retention per object, so the bucket's default retention is what locks them.
    /// </summary>
    public static async Task RequireAsync(
        IAmazonS3 s3, string bucket, string purpose, bool allowUnprotected, bool needsDefaultRetention, CancellationToken cancellationToken)
    {
        if (allowUnprotected)
        {
            return;
        }

        var status = await InspectAsync(s3, bucket, purpose, cancellationToken).ConfigureAwait(false);
        var missing = status.Missing(needsDefaultRetention);
        if (missing.Count > 0)
        {
            throw new BucketNotProtectedException(
                $"bucket '{bucket}' ({purpose}) is not protected: {string.Join("; ", missing)}. What is written there could be deleted or " +
                $"overwritten, so nothing was written. Configure the bucket as template.yaml declares it, or deploy with " +
                $"AllowUnprotectedBackups=true ({AllowVariable}) to accept unprotected writes");
        }
    }
}

/// <summary>What a bucket has of the settings that keep its objects immutable.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Purpose">What it holds.</param>
/// <param name="Versioned">Versioning is Enabled.</param>
/// <param name="ObjectLock">Object Lock is enabled.</param>
/// <param name="DefaultRetention">The default retention ("COMPLIANCE 365 days"), when there is one.</param>
public sealed record BucketProtectionStatus(string Bucket, string Purpose, bool Versioned, bool ObjectLock, string? DefaultRetention)
{
    /// <summary>Each missing setting, named as S3 and the template name it.</summary>
    public IReadOnlyList<string> Missing(bool needsDefaultRetention)
    {
        var missing = new List<string>();
        if (!Versioned)
        {
            missing.Add("versioning is not Enabled (VersioningConfiguration.Status)");
        }

        if (!ObjectLock)
        {
            missing.Add("Object Lock is not enabled (ObjectLockEnabled)");
        }
        else if (needsDefaultRetention && DefaultRetention is null)
        {
            missing.Add("Object Lock has no default retention (ObjectLockConfiguration.Rule.DefaultRetention)");
        }

        return missing;
    }
}
