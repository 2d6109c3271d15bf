using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Buckets;

/// <summary>
/// Creates the stack's buckets in the local S3 as template.yaml declares them, and brings buckets an earlier run created
/// in line with the template, as a stack update would: every property the template sets on an <c>AWS::S3::Bucket</c>
/// (versioning, Object Lock and its default retention, lifecycle rules, default encryption, the public access block,
/// ownership controls, tags, replication) and the <c>AWS::S3::BucketPolicy</c> naming it is put through S3's own API,
/// and every such setting the template does not declare is removed. A property it cannot apply is refused by name
/// before anything is changed (<see cref="StackLoadException"/>). Object Lock is the one setting S3 cannot take back:
/// a local bucket that has it while the template declares none is refused with the way to reset the local S3.
/// </summary>
internal sealed class BucketProvisioner(IAmazonS3 s3, string s3StateDirectory)
{
    private static readonly string[] BucketProperties =
    [
        "BucketName", "ObjectLockEnabled", "ObjectLockConfiguration", "VersioningConfiguration", "LifecycleConfiguration", "BucketEncryption",
        "PublicAccessBlockConfiguration", "OwnershipControls", "ReplicationConfiguration", "Tags",
    ];

    /// <summary>Creates or aligns one bucket; returns what changed on a bucket that already existed, one sentence each.</summary>
    /// <exception cref="StackLoadException">The template sets a property, or a value, the local S3 cannot apply.</exception>
    /// <exception cref="LocalCloudException">The local bucket cannot be brought in line (Object Lock on, template without it).</exception>
    public async Task<IReadOnlyList<string>> ApplyAsync(BucketDefinition bucket, CancellationToken cancellationToken)
    {
        var declared = Declared(bucket);
        var name = bucket.BucketName;
        var changes = new List<string>();
        var existed = false;
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = name, ObjectLockEnabledForBucket = declared.ObjectLock ? true : null },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            existed = true; // Created by an earlier run: the state folder keeps the local S3 data.
        }

        var locked = existed ? await HasObjectLockAsync(name, cancellationToken).ConfigureAwait(false) : declared.ObjectLock;
        if (locked && !declared.ObjectLock)
        {
            throw new LocalCloudException(
                $"{bucket.LogicalId}: the local bucket '{name}' has Object Lock, which S3 never turns off, but the template declares none " +
                $"(ObjectLockEnabled). Bring it in line by resetting the local S3, which deletes every local bucket and object, backups and " +
                $"audit events included: stop local/dr, then rm -rf {s3StateDirectory}");
        }

        var versioning = await CurrentVersioningAsync(name, cancellationToken).ConfigureAwait(false);
        var wantedVersioning = declared.Versioning
            ?? (declared.ObjectLock ? VersionStatus.Enabled : versioning == VersionStatus.Enabled ? VersionStatus.Suspended : null);
        if (wantedVersioning is not null && wantedVersioning != versioning)
        {
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = name, VersioningConfig = new S3BucketVersioningConfig { Status = wantedVersioning },
            }, cancellationToken).ConfigureAwait(false);
            if (existed)
            {
                changes.Add($"{bucket.LogicalId} ({name}): versioning {Describe(versioning)} → {wantedVersioning.Value}");
            }
        }

        if (declared.ObjectLock)
        {
            await s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
            {
                BucketName = name, ObjectLockConfiguration = declared.ObjectLockConfiguration,
            }, cancellationToken).ConfigureAwait(false);
            if (existed && !locked)
            {
                changes.Add($"{bucket.LogicalId} ({name}): Object Lock turned on; object versions stored before now keep no retention and can " +
                    $"still be deleted (as on S3, where Object Lock enabled later protects only new writes). For a bucket locked from its " +
                    $"first object, stop local/dr and rm -rf {s3StateDirectory} (every local bucket and object goes)");
            }
        }

        await ApplyDocumentsAsync(name, declared, cancellationToken).ConfigureAwait(false);
        return changes;
    }

    private static string Describe(VersionStatus? status) => status is null || status == VersionStatus.Off ? "never enabled" : status.Value;

    private static DeclaredBucket Declared(BucketDefinition bucket)
    {
        var properties = new TemplateProperty(bucket.Properties, bucket.LogicalId).OnlyKnown(BucketProperties);
        var lockConfiguration = properties.Object("ObjectLockConfiguration");
        var objectLock = properties.Bool("ObjectLockEnabled") ?? false;
        if (lockConfiguration is not null && !objectLock)
        {
            throw properties.Problem("ObjectLockConfiguration",
                "needs ObjectLockEnabled: true (S3 applies a lock configuration only to a bucket with Object Lock)");
        }

        var status = properties.Object("VersioningConfiguration")?.OnlyKnown("Status").RequiredText("Status");
        if (status is not (null or "Enabled" or "Suspended"))
        {
            throw properties.Problem("VersioningConfiguration.Status", $"must be Enabled or Suspended, was '{status}'");
        }

        if (objectLock && status == "Suspended")
        {
            throw properties.Problem("VersioningConfiguration.Status", "cannot be Suspended on a bucket with Object Lock");
        }

        return new DeclaredBucket(
            objectLock,
            objectLock ? LockConfiguration(lockConfiguration) : null,
            status is null ? null : new VersionStatus(status),
            properties.Object("LifecycleConfiguration") is { } lifecycle ? LifecycleProperty.Request(bucket.BucketName, lifecycle) : null,
            properties.Object("BucketEncryption") is { } encryption ? Encryption(encryption) : null,
            properties.Object("PublicAccessBlockConfiguration") is { } block ? PublicAccess(block) : null,
            properties.Object("OwnershipControls") is { } ownership ? Ownership(ownership) : null,
            bucket.PolicyDocument?.ToJsonString(),
            properties.Object("ReplicationConfiguration") is { } replication ? ReplicationProperty.Configuration(replication) : null,
            properties.Node["Tags"] is null
                ? null
                : [.. properties.Objects("Tags")
                    .Select(t => new Tag { Key = t.OnlyKnown("Key", "Value").RequiredText("Key"), Value = t.RequiredText("Value") })]);
    }

    private static ObjectLockConfiguration LockConfiguration(TemplateProperty? property)
    {
        var configuration = new ObjectLockConfiguration { ObjectLockEnabled = ObjectLockEnabled.Enabled };
        if (property is not { } lockProperty)
        {
            return configuration;
        }

        lockProperty.OnlyKnown("ObjectLockEnabled", "Rule");
        if (lockProperty.Text("ObjectLockEnabled") is { } enabled && enabled != "Enabled")
        {
            throw lockProperty.Problem("ObjectLockEnabled", $"must be Enabled, was '{enabled}'");
        }

        if (lockProperty.Object("Rule")?.OnlyKnown("DefaultRetention").Object("DefaultRetention") is { } retention)
        {
            retention.OnlyKnown("Mode", "Days", "Years");
            var mode = retention.RequiredText("Mode");
            configuration.Rule = new ObjectLockRule
            {
                DefaultRetention = new DefaultRetention
                {
                    Mode = mode is "GOVERNANCE" or "COMPLIANCE"
                        ? new ObjectLockRetentionMode(mode)
                        : throw retention.Problem("Mode", $"must be GOVERNANCE or COMPLIANCE, was '{mode}'"),
                    Days = retention.Int("Days"),
                    Years = retention.Int("Years"),
                },
            };
        }

        return configuration;
    }

    private static ServerSideEncryptionConfiguration Encryption(TemplateProperty encryption) => new()
    {
        ServerSideEncryptionRules = [.. encryption.OnlyKnown("ServerSideEncryptionConfiguration").Objects("ServerSideEncryptionConfiguration").Select(rule =>
        {
            rule.OnlyKnown("ServerSideEncryptionByDefault", "BucketKeyEnabled");
            var byDefault = rule.Object("ServerSideEncryptionByDefault")?.OnlyKnown("SSEAlgorithm", "KMSMasterKeyID");
            return new ServerSideEncryptionRule
            {
                BucketKeyEnabled = rule.Bool("BucketKeyEnabled"),
                ServerSideEncryptionByDefault = byDefault is { } d
                    ? new ServerSideEncryptionByDefault
                    {
                        ServerSideEncryptionAlgorithm = new ServerSideEncryptionMethod(d.RequiredText("SSEAlgorithm")),
                        ServerSideEncryptionKeyManagementServiceKeyId = d.Text("KMSMasterKeyID"),
                    }
                    : null,
            };
        })],
    };

    private static PublicAccessBlockConfiguration PublicAccess(TemplateProperty block)
    {
        block.OnlyKnown("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets");
        return new PublicAccessBlockConfiguration
        {
            BlockPublicAcls = block.Bool("BlockPublicAcls") ?? false,
            IgnorePublicAcls = block.Bool("IgnorePublicAcls") ?? false,
            BlockPublicPolicy = block.Bool("BlockPublicPolicy") ?? false,
            RestrictPublicBuckets = block.Bool("RestrictPublicBuckets") ?? false,
        };
    }

    private static OwnershipControls Ownership(TemplateProperty ownership) => new()
    {
        Rules = [.. ownership.OnlyKnown("Rules").Objects("Rules").Select(rule => new OwnershipControlsRule
        {
            ObjectOwnership = new ObjectOwnership(rule.OnlyKnown("ObjectOwnership").RequiredText("ObjectOwnership")),
        })],
    };

    private async Task<bool> HasObjectLockAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }, cancellationToken)
                .ConfigureAwait(false);
            return response.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
        {
            return false;
        }
    }

    private async Task<VersionStatus?> CurrentVersioningAsync(string bucket, CancellationToken cancellationToken)
    {
        var response = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, cancellationToken).ConfigureAwait(false);
        return response.VersioningConfig?.Status;
    }

    /// <summary>Each remaining setting is put when declared and deleted when not, so a removed property is removed here too.</summary>
    private async Task ApplyDocumentsAsync(string name, DeclaredBucket declared, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        await (declared.Lifecycle is { } lifecycle
            ? (Task)s3.PutLifecycleConfigurationAsync(lifecycle, ct)
            : s3.DeleteLifecycleConfigurationAsync(new DeleteLifecycleConfigurationRequest { BucketName = name }, ct)).ConfigureAwait(false);
        await (declared.Encryption is { } encryption
            ? (Task)s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest { BucketName = name, ServerSideEncryptionConfiguration = encryption }, ct)
            : s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = name }, ct)).ConfigureAwait(false);
        await (declared.PublicAccessBlock is { } block
            ? (Task)s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest { BucketName = name, PublicAccessBlockConfiguration = block }, ct)
            : s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = name }, ct)).ConfigureAwait(false);
        await (declared.Ownership is { } ownership
            ? (Task)s3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest { BucketName = name, OwnershipControls = ownership }, ct)
            : s3.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = name }, ct)).ConfigureAwait(false);
        await (declared.Policy is { } policy
            ? (Task)s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = name, Policy = policy }, ct)
            : s3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = name }, ct)).ConfigureAwait(false);
        await (declared.Replication is { } replication
            ? (Task)s3.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = name, Configuration = replication }, ct)
            : s3.DeleteBucketReplicationAsync(new DeleteBucketReplicationRequest { BucketName = name }, ct)).ConfigureAwait(false);
        await (declared.Tags is { } tags
            ? (Task)s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = name, TagSet = tags }, ct)
            : s3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = name }, ct)).ConfigureAwait(false);
    }

    private sealed record DeclaredBucket(
        bool ObjectLock,
        ObjectLockConfiguration? ObjectLockConfiguration,
        VersionStatus? Versioning,
        PutLifecycleConfigurationRequest? Lifecycle,
        ServerSideEncryptionConfiguration? Encryption,
        PublicAccessBlockConfiguration? PublicAccessBlock,
        OwnershipControls? Ownership,
        string? Policy,
        ReplicationConfiguration? Replication,
        List<Tag>? Tags);
}
