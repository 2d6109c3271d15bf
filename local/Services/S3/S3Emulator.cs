using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalEmulation;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalS3;

/// <summary>Where the local S3 endpoint is and the keys that sign for it.</summary>
/// <param name="Endpoint">The endpoint, e.g. http://127.0.0.1:41234/ (path-style addressing).</param>
/// <param name="AccessKeyId">The access key id requests are signed with.</param>
/// <param name="SecretAccessKey">Its secret.</param>
/// <param name="Region">The region requests are signed for.</param>
public sealed record S3Connection(Uri Endpoint, string AccessKeyId, string SecretAccessKey, string Region)
{
    /// <summary>A client for the endpoint, configured as the functions' S3ClientFactory configures theirs.</summary>
    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = Region,
    });

    /// <summary>The variables a function needs to reach this endpoint (read by S3ClientFactory.FromEnvironment).</summary>
    public IReadOnlyDictionary<string, string> FunctionEnvironment() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AWS_ENDPOINT_URL_S3"] = Endpoint.ToString(),
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
    };

    /// <summary>Without the secret.</summary>
    public override string ToString() => $"{Endpoint} (access key {AccessKeyId}, region {Region})";
}

/// <summary>
/// <c>aws-sdk:s3</c> actions, carried out by the real AWS SDK against the local S3 endpoint (LocalS3). Parameters and
/// results use the API's PascalCase names; S3 errors come out as Step Functions names them, with the Exception suffix
/// even where S3 has none (<c>S3.NoSuchKeyException</c>, <c>S3.NoSuchBucketException</c>).
/// </summary>
public sealed class S3Emulator : ServiceEmulator, IDisposable
{
    private readonly AmazonS3Client _s3;

    /// <param name="connection">The local S3 endpoint.</param>
    public S3Emulator(S3Connection connection)
    {
        _s3 = connection.CreateClient();
        Action("createBucket", Shape.Structure(Req("Bucket", Shape.String), Opt("ObjectLockEnabledForBucket", Shape.Boolean)), CreateBucketAsync);
        Action("headBucket", Shape.Structure(Req("Bucket", Shape.String)), HeadBucketAsync);
        Action("putObject", Shape.Structure(
            Req("Bucket", Shape.String), Req("Key", Shape.String), Opt("Body", Shape.String), Opt("ContentType", Shape.String),
            Opt("Metadata", Shape.Map(Shape.String))), PutObjectAsync);
        Action("getObject", Shape.Structure(Req("Bucket", Shape.String), Req("Key", Shape.String), Opt("VersionId", Shape.String)), GetObjectAsync);
        Action("headObject", Shape.Structure(Req("Bucket", Shape.String), Req("Key", Shape.String), Opt("VersionId", Shape.String)), HeadObjectAsync);
        Action("deleteObject", Shape.Structure(Req("Bucket", Shape.String), Req("Key", Shape.String), Opt("VersionId", Shape.String)), DeleteObjectAsync);
        Action("listObjectsV2", Shape.Structure(
            Req("Bucket", Shape.String), Opt("Prefix", Shape.String), Opt("Delimiter", Shape.String), Opt("MaxKeys", Shape.Integer),
            Opt("ContinuationToken", Shape.String), Opt("StartAfter", Shape.String)), ListObjectsV2Async);
    }

    /// <inheritdoc />
    public override string ServiceName => "s3";

    /// <inheritdoc />
    public override string ErrorPrefix => "S3";

    public void Dispose() => _s3.Dispose();

    private Task<JsonNode?> CreateBucketAsync(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        await _s3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = Text(p, "Bucket"),
            ObjectLockEnabledForBucket = p["ObjectLockEnabledForBucket"]?.GetValue<bool>()
        }, ct)
            .ConfigureAwait(false);
        return new JsonObject { ["Location"] = "/" + Text(p, "Bucket") };
    });

    private Task<JsonNode?> HeadBucketAsync(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        var response = await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = Text(p, "Bucket") }, ct).ConfigureAwait(false);
        return new JsonObject { ["BucketRegion"] = response.BucketRegion ?? context.Region };
    });

    private Task<JsonNode?> PutObjectAsync(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        var request = new PutObjectRequest
        {
            BucketName = Text(p, "Bucket"),
            Key = Text(p, "Key"),
            ContentBody = Text(p, "Body") ?? string.Empty,
            ContentType = Text(p, "ContentType") ?? "binary/octet-stream",
        };
        if (p["Metadata"] is JsonObject metadata)
        {
            foreach (var (key, value) in metadata)
            {
                request.Metadata.Add(key, value!.GetValue<string>());
            }
        }

        var response = await _s3.PutObjectAsync(request, ct).ConfigureAwait(false);
        var result = new JsonObject { ["ETag"] = response.ETag };
        if (!string.IsNullOrEmpty(response.VersionId))
        {
            result["VersionId"] = response.VersionId;
        }

        return result;
    });

    private Task<JsonNode?> GetObjectAsync(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        using var response =
            await _s3.GetObjectAsync(new GetObjectRequest { BucketName = Text(p, "Bucket"), Key = Text(p, "Key"), VersionId = Text(p, "VersionId") }, ct)
            .ConfigureAwait(false);
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        var result =
            Describe(response.ContentLength, response.ETag, response.LastModified, response.Headers.ContentType, response.VersionId, response.Metadata);
        result["Body"] = await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        return result;
    });

    private Task<JsonNode?> HeadObjectAsync(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        var response = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = Text(p, "Bucket"), Key = Text(p, "Key"),
            VersionId = Text(p, "VersionId")
        }, ct)
            .ConfigureAwait(false);
        return Describe(response.ContentLength, response.ETag, response.LastModified, response.Headers.ContentType, response.VersionId, response.Metadata);
    });

    private Task<JsonNode?> DeleteObjectAsync(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        var response =
            await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Text(p, "Bucket"), Key = Text(p, "Key"), VersionId = Text(p, "VersionId") }, ct)
            .ConfigureAwait(false);
        var result = new JsonObject();
        if (!string.IsNullOrEmpty(response.VersionId))
        {
            result["VersionId"] = response.VersionId;
        }

        if (string.Equals(response.DeleteMarker, "true", StringComparison.OrdinalIgnoreCase))
        {
            result["DeleteMarker"] = true;
        }

        return result;
    });

    private Task<JsonNode?> ListObjectsV2Async(JsonObject p, ServiceCallContext context, CancellationToken ct) => CallAsync(async () =>
    {
        var request = new ListObjectsV2Request
        {
            BucketName = Text(p, "Bucket"),
            Prefix = Text(p, "Prefix"),
            Delimiter = Text(p, "Delimiter"),
            ContinuationToken = Text(p, "ContinuationToken"),
            StartAfter = Text(p, "StartAfter"),
        };
        if (p["MaxKeys"] is JsonValue maxKeys)
        {
            request.MaxKeys = int.Parse(maxKeys.ToJsonString(), CultureInfo.InvariantCulture);
        }

        var response = await _s3.ListObjectsV2Async(request, ct).ConfigureAwait(false);
        var contents = new JsonArray();
        foreach (var o in response.S3Objects ?? [])
        {
            var item = new JsonObject { ["Key"] = o.Key, ["Size"] = o.Size, ["ETag"] = o.ETag, ["StorageClass"] = o.StorageClass?.Value ?? "STANDARD" };
            if (o.LastModified is { } modified)
            {
                item["LastModified"] = Timestamp(modified);
            }

            contents.Add(item);
        }

        var result = new JsonObject
        {
            ["Name"] = response.Name,
            ["Prefix"] = response.Prefix ?? string.Empty,
            ["KeyCount"] = response.KeyCount,
            ["MaxKeys"] = response.MaxKeys,
            ["IsTruncated"] = response.IsTruncated ?? false,
            ["Contents"] = contents,
        };
        if (response.CommonPrefixes is { Count: > 0 } prefixes)
        {
            result["CommonPrefixes"] = new JsonArray(prefixes.Select(x => (JsonNode?)new JsonObject { ["Prefix"] = x }).ToArray());
        }

        if (!string.IsNullOrEmpty(response.NextContinuationToken))
        {
            result["NextContinuationToken"] = response.NextContinuationToken;
        }

        return result;
    });

    private static JsonObject Describe(long? length, string? etag, DateTime? modified, string? contentType, string? versionId, MetadataCollection metadata)
    {
        var result = new JsonObject { ["ContentLength"] = length ?? 0, ["ETag"] = etag, ["ContentType"] = contentType };
        if (modified is { } m)
        {
            result["LastModified"] = Timestamp(new DateTimeOffset(DateTime.SpecifyKind(m, m.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : m.Kind)));
        }

        if (!string.IsNullOrEmpty(versionId))
        {
            result["VersionId"] = versionId;
        }

        var meta = new JsonObject();
        foreach (var key in metadata.Keys)
        {
            meta[key.StartsWith("x-amz-meta-", StringComparison.Ordinal) ? key["x-amz-meta-".Length..] : key] = metadata[key];
        }

        result["Metadata"] = meta;
        return result;
    }

    /// <summary>Runs an SDK call and turns S3's refusals into <see cref="ServiceErrorException"/> with Step Functions' names.</summary>
    private static async Task<JsonNode?> CallAsync(Func<Task<JsonObject>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            var code = string.IsNullOrEmpty(e.ErrorCode) ? (e.StatusCode == System.Net.HttpStatusCode.NotFound ? "NotFound" : "S3") : e.ErrorCode;
            throw new ServiceErrorException(code.EndsWith("Exception", StringComparison.Ordinal) ? code : code + "Exception", e.Message, (int)e.StatusCode);
        }
    }
}
