using System.Net;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalElastiCache.Api;
using DisasterRecovery.LocalElastiCache.State;
using DisasterRecovery.LocalEmulation;

namespace DisasterRecovery.LocalElastiCache;

/// <summary>
/// What goes through S3: seeding a new group from an RDB object (<c>SnapshotArns</c>) or a snapshot (<c>SnapshotName</c>),
/// and exporting a snapshot to a bucket (<c>copySnapshot</c> with <c>TargetBucket</c>) as <c>&lt;TargetSnapshotName&gt;-0001.rdb</c>.
/// </summary>
public sealed partial class ElastiCacheEmulator
{
    /// <summary>The node group id ElastiCache appends to an exported file's name; one node group when cluster mode is disabled.</summary>
    internal const string ExportedNodeGroupSuffix = "-0001.rdb";

    /// <summary>
    /// Checks the seed a create names, at once as ElastiCache does, and returns how to write it to the primary's dump.rdb
    /// (null: an empty group).
    /// </summary>
    private async Task<Func<string, CancellationToken, Task>?> SeedAsync(JsonObject p, ServiceCallContext context, CancellationToken cancellationToken)
    {
        var arns = p["SnapshotArns"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [];
        var snapshotName = Text(p, "SnapshotName");
        if (arns.Count > 0 && snapshotName is not null)
        {
            throw ElastiCacheErrors.InvalidParameterCombination("Give SnapshotArns or SnapshotName, not both.");
        }

        if (snapshotName is not null)
        {
            var snapshot = ReadState(state => FindSnapshot(state, context.Region, snapshotName));
            RequireAvailable(snapshot);
            return (target, token) => CopyFileAsync(RdbOf(snapshot), target, token);
        }

        if (arns.Count == 0)
        {
            return null;
        }

        if (arns.Count > 1)
        {
            throw ElastiCacheErrors.InvalidParameterValue(
                "A replication group with cluster mode disabled is seeded from one .rdb file; SnapshotArns names " + arns.Count + ".");
        }

        var (bucket, key) = ElastiCacheNames.S3ObjectArn(arns[0]);
        var s3 = S3Client();
        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            s3.Dispose();
            throw ElastiCacheErrors.InvalidParameterValue(
                $"No permission to access S3 object: {bucket}/{key} (it does not exist, or ElastiCache may not read it).");
        }

        return async (target, token) =>
        {
            using (s3)
            {
                using var response = await s3.GetObjectAsync(bucket, key, token).ConfigureAwait(false);
                await using var body = response.ResponseStream;
                var temporary = target + ".tmp";
                await using (var file = File.Create(temporary))
                {
                    await body.CopyToAsync(file, token).ConfigureAwait(false);
                }

                File.Move(temporary, target, overwrite: true);
            }
        };
    }

    /// <summary>
    /// The export: the checks ElastiCache makes before it answers (bucket exists, same region, ElastiCache can be granted
    /// access — which needs ACLs enabled on the bucket, see the README — and the object name is free), then the upload in the
    /// background while the source snapshot shows <c>copying</c>.
    /// </summary>
    private async Task<JsonNode?> ExportAsync(SnapshotRecord source, string targetName, string bucket, ServiceCallContext context,
        CancellationToken cancellationToken)
    {
        var key = targetName + ExportedNodeGroupSuffix;
        var s3 = S3Client();
        try
        {
            await CheckExportBucketAsync(s3, bucket, key, context.Region, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            s3.Dispose();
            throw;
        }

        Change(_ =>
        {
            RequireAvailable(source);
            source.Status = "copying";
            return 0;
        });
        Start("snapshot:" + source.Name, "copying", async token =>
        {
            using (s3)
            {
                try
                {
                    await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = RdbOf(source) }, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AmazonS3Exception or IOException)
                {
                    // ElastiCache reports a failed export as an event; the snapshot itself stays usable.
                    Change(_ => source.FailureReason = $"export to s3://{bucket}/{key} failed: {e.Message}");
                }
            }

            Change(_ => source.Status = "available");
        });
        return new JsonObject { ["Snapshot"] = ReadState(_ => Responses.Snapshot(source, "copying", targetName)) };
    }

    private static async Task CheckExportBucketAsync(AmazonS3Client s3, string bucket, string key, string region, CancellationToken cancellationToken)
    {
        string location;
        try
        {
            var response = await s3.GetBucketLocationAsync(bucket, cancellationToken).ConfigureAwait(false);
            location = string.IsNullOrEmpty(response.Location?.Value) ? "us-east-1" : response.Location.Value;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw ElastiCacheErrors.InvalidParameterValue($"The S3 bucket {bucket} does not exist.");
        }

        if (location != region)
        {
            throw ElastiCacheErrors.InvalidParameterValue($"The S3 bucket {bucket} is outside of the region.");
        }

        if (await ObjectOwnershipAsync(s3, bucket, cancellationToken).ConfigureAwait(false) == ObjectOwnership.BucketOwnerEnforced)
        {
            // ElastiCache is granted access by a bucket ACL (its canonical user: List, Write, Read bucket permissions); with
            // ACLs disabled no such grant can exist, so the export is refused as ElastiCache refuses a bucket without it.
            throw ElastiCacheErrors.InvalidParameterValue(
                $"ElastiCache has not been granted READ permissions {bucket} on the S3 Bucket. (The bucket's Object Ownership is BucketOwnerEnforced: " +
                "ACLs are disabled, so ElastiCache's canonical user cannot be granted access; export to a staging bucket with ACLs enabled.)");
        }

        try
        {
            await s3.GetObjectMetadataAsync(bucket, key, cancellationToken).ConfigureAwait(false);
            throw ElastiCacheErrors.InvalidParameterValue($"The S3 bucket {bucket} already contains an object with name {key}.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Free: ElastiCache never overwrites an object.
        }
    }

    /// <summary>The bucket's Object Ownership; S3's default for a bucket without the setting is BucketOwnerEnforced.</summary>
    private static async Task<ObjectOwnership> ObjectOwnershipAsync(AmazonS3Client s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var response = await s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }, cancellationToken)
                .ConfigureAwait(false);
            return response.OwnershipControls?.Rules?.FirstOrDefault()?.ObjectOwnership ?? ObjectOwnership.BucketOwnerEnforced;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "OwnershipControlsNotFoundError")
        {
            return ObjectOwnership.BucketOwnerEnforced;
        }
    }

    private AmazonS3Client S3Client() =>
        _options.S3?.CreateClient() ?? throw ElastiCacheErrors.NotImplemented("An S3 seed or export without the local S3 endpoint");
}
