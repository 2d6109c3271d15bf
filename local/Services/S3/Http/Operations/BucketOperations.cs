using System.Globalization;
using System.Text;
using DisasterRecovery.LocalS3.Locking;
using DisasterRecovery.LocalS3.Storage;
using DisasterRecovery.LocalS3.Versioning;
using Microsoft.AspNetCore.Http;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>Buckets: create, head, delete, list, location, versioning, Object Lock configuration, tags.</summary>
internal sealed partial class S3Operations
{
    private const int MaxBucketTags = 50;

    public async Task ListBuckets(S3Call call)
    {
        var prefix = call.Query("prefix") ?? string.Empty;
        var max = ParseMax(call.Query("max-buckets"), 10_000, "max-buckets");
        var after = DecodeToken(call.Query("continuation-token"));
        var all = store.ListBuckets()
            .Where(bucket => bucket.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Where(bucket => after is null || string.CompareOrdinal(bucket.Name, after) > 0)
            .ToList();
        var page = all.Take(max).ToList();
        var truncated = all.Count > page.Count;
        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ListAllMyBucketsResult",
            Owner(),
            S3Xml.Element("Buckets", page.Select(bucket => S3Xml.Element("Bucket",
                S3Xml.Element("Name", bucket.Name),
                S3Xml.Element("CreationDate", S3Xml.Timestamp(bucket.Created)),
                S3Xml.Element("BucketRegion", bucket.Region)))),
            truncated ? S3Xml.Element("ContinuationToken", EncodeToken(page[^1].Name)) : null,
            call.Query("prefix") is null ? null : S3Xml.Element("Prefix", prefix)));
    }

    public async Task CreateBucket(S3Call call)
    {
        BucketNames.EnsureValid(call.Bucket);
        var body = await ReadBodyAsync(call);
        if (body.Length > 0)
        {
            var configuration = S3Xml.Parse(body);
            S3Xml.RequireRoot(configuration, "CreateBucketConfiguration");
            var constraint = S3Xml.ChildValue(configuration, "LocationConstraint");
            if (!string.IsNullOrEmpty(constraint) && constraint != region)
            {
                throw new S3Exception(S3Errors.InvalidArgument, $"This endpoint serves region '{region}' only; the LocationConstraint was '{constraint}'.")
                    .WithDetail("ArgumentName", "LocationConstraint");
            }
        }

        store.CreateBucket(call.Bucket, region, call.HeaderIsTrue("x-amz-bucket-object-lock-enabled"));
        call.Response.Headers.Location = "/" + call.Bucket;
        await Ok(call);
    }

    public Task HeadBucket(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        call.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        return Ok(call);
    }

    public Task DeleteBucket(S3Call call)
    {
        store.DeleteBucket(call.Bucket);
        return NoContent(call);
    }

    public async Task GetBucketLocation(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        // S3 answers an empty LocationConstraint for us-east-1, for historical reasons.
        await S3Xml.WriteAsync(call.Response, S3Xml.Element("LocationConstraint", bucket.Region == "us-east-1" ? string.Empty : bucket.Region));
    }

    public async Task GetBucketVersioning(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        await S3Xml.WriteAsync(call.Response, S3Xml.Element("VersioningConfiguration",
            bucket.Versioning == VersioningStatus.Unversioned ? null : S3Xml.Element("Status", bucket.Versioning)));
    }

    public async Task PutBucketVersioning(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var root = await ReadXmlAsync(call, "VersioningConfiguration");
        var status = S3Xml.ChildValue(root, "Status");
        if (status is not (VersioningStatus.Enabled or VersioningStatus.Suspended))
        {
            throw new S3Exception(S3Errors.MalformedXML, S3Errors.InvalidVersioningStatusMessage);
        }

        if (S3Xml.ChildValue(root, "MfaDelete") == "Enabled")
        {
            throw new S3Exception(S3Errors.NotImplemented, "MFA delete is not supported by this local endpoint.");
        }

        store.UpdateBucket(call.Bucket, bucket =>
        {
            if (bucket.ObjectLockEnabled && status == VersioningStatus.Suspended)
            {
                throw new S3Exception(S3Errors.InvalidBucketState, S3Errors.LockedBucketCannotSuspendMessage);
            }

            return bucket with { Versioning = status };
        });
        await Ok(call);
    }

    public async Task GetObjectLockConfiguration(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        if (!bucket.ObjectLockEnabled)
        {
            throw new S3Exception(S3Errors.ObjectLockConfigurationNotFoundError).WithDetail("BucketName", bucket.Name);
        }

        var retention = bucket.DefaultRetentionMode is null
            ? null
            : S3Xml.Element("Rule", S3Xml.Element("DefaultRetention",
                S3Xml.Element("Mode", bucket.DefaultRetentionMode),
                bucket.DefaultRetentionDays is { } days ? S3Xml.Element("Days", days.ToString(CultureInfo.InvariantCulture)) : null,
                bucket.DefaultRetentionYears is { } years ? S3Xml.Element("Years", years.ToString(CultureInfo.InvariantCulture)) : null));
        await S3Xml.WriteAsync(call.Response, S3Xml.Element("ObjectLockConfiguration", S3Xml.Element("ObjectLockEnabled", "Enabled"), retention));
    }

    public async Task PutObjectLockConfiguration(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var root = await ReadXmlAsync(call, "ObjectLockConfiguration");
        if (S3Xml.ChildValue(root, "ObjectLockEnabled") != "Enabled")
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }

        string? mode = null;
        int? days = null, years = null;
        var retention = S3Xml.Child(root, "Rule") is { } rule ? S3Xml.Child(rule, "DefaultRetention") : null;
        if (retention is not null)
        {
            mode = ObjectLockModes.Parse(S3Xml.ChildValue(retention, "Mode"));
            days = ParsePositive(S3Xml.ChildValue(retention, "Days"));
            years = ParsePositive(S3Xml.ChildValue(retention, "Years"));
            if ((days is null) == (years is null))
            {
                throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidRetentionPeriodMessage);
            }
        }

        store.UpdateBucket(call.Bucket, bucket =>
        {
            // S3 lets a versioning-enabled bucket turn Object Lock on later; never an unversioned one.
            if (!bucket.ObjectLockEnabled && bucket.Versioning != VersioningStatus.Enabled)
            {
                throw new S3Exception(S3Errors.InvalidBucketState, S3Errors.LockNeedsVersioningMessage);
            }

            return bucket with
            {
                ObjectLockEnabled = true,
                DefaultRetentionMode = mode,
                DefaultRetentionDays = days,
                DefaultRetentionYears = years,
            };
        });
        await Ok(call);
    }

    public async Task GetBucketTagging(S3Call call)
    {
        var bucket = store.GetBucket(call.Bucket).Record;
        if (bucket.Tags is null)
        {
            throw new S3Exception(S3Errors.NoSuchTagSet).WithDetail("BucketName", bucket.Name);
        }

        await S3Xml.WriteAsync(call.Response, TaggingDocument(bucket.Tags));
    }

    public async Task PutBucketTagging(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var tags = ParseTagging(await ReadXmlAsync(call, "Tagging"), MaxBucketTags);
        store.UpdateBucket(call.Bucket, bucket => bucket with { Tags = tags });
        await NoContent(call);
    }

    public async Task DeleteBucketTagging(S3Call call)
    {
        store.UpdateBucket(call.Bucket, bucket => bucket with { Tags = null });
        await NoContent(call);
    }

    private static int? ParsePositive(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidRetentionPeriodMessage);
    }

    private static int ParseMax(string? value, int limit, string name)
    {
        if (value is null)
        {
            return limit;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
            ? Math.Min(parsed, limit)
            : throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidMaxKeysMessage).WithDetail("ArgumentName", name);
    }

    /// <summary>Continuation tokens are the last returned name, base64url encoded: opaque to clients, stateless here.</summary>
    private static string EncodeToken(string lastItem) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(lastItem)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            throw new S3Exception(S3Errors.InvalidArgument, S3Errors.InvalidContinuationTokenMessage).WithDetail("ArgumentName", "continuation-token");
        }
    }
}
