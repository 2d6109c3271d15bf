using System.Text.Json;
using System.Xml.Linq;

namespace DisasterRecovery.LocalS3.Http.Operations;

/// <summary>
/// The bucket settings a CloudFormation stack sets besides versioning, Object Lock and lifecycle: the public access block,
/// ownership controls and the bucket policy. Each is validated against botocore's s3 model (PublicAccessBlockConfiguration,
/// OwnershipControls with one rule of ObjectOwnership, a policy that is a JSON object with statements), stored and
/// returned as sent. This endpoint serves one owner over plain HTTP, so none of them changes who may do what here:
/// a policy is kept, not evaluated (the template's TLS-only deny would refuse every request of an HTTP endpoint).
/// </summary>
internal sealed partial class S3Operations
{
    /// <summary>Where each setting is kept in the bucket's folder (the policy's JSON too, under the store's one document naming).</summary>
    internal static readonly BucketDocument PublicAccessBlock =
        new("public-access-block", "PublicAccessBlockConfiguration", S3Errors.NoSuchPublicAccessBlockConfiguration);

    internal static readonly BucketDocument OwnershipControls = new("ownership-controls", "OwnershipControls", S3Errors.OwnershipControlsNotFoundError);

    internal static readonly BucketDocument Policy = new("policy", "Policy", S3Errors.NoSuchBucketPolicy);

    private static readonly string[] PublicAccessBlockSettings = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

    private static readonly string[] ObjectOwnershipValues = ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"];

    private static readonly string[] EncryptionAlgorithms = ["AES256", "aws:fsx", "aws:kms", "aws:kms:dsse"];

    public async Task PutPublicAccessBlock(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var body = await ReadBodyAsync(call);
        var root = S3Xml.Parse(body);
        S3Xml.RequireRoot(root, PublicAccessBlock.RootElement);
        foreach (var setting in root.Elements())
        {
            if (!PublicAccessBlockSettings.Contains(setting.Name.LocalName, StringComparer.Ordinal)
                || !(setting.Value.Equals("true", StringComparison.OrdinalIgnoreCase) || setting.Value.Equals("false", StringComparison.OrdinalIgnoreCase)))
            {
                throw new S3Exception(S3Errors.MalformedXML);
            }
        }

        store.WriteConfiguration(call.Bucket, PublicAccessBlock.DocumentName, body);
        await Ok(call);
    }

    public async Task PutBucketOwnershipControls(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var body = await ReadBodyAsync(call);
        var root = S3Xml.Parse(body);
        S3Xml.RequireRoot(root, OwnershipControls.RootElement);
        var rules = S3Xml.Children(root, "Rule").ToList();
        if (rules.Count != 1 || root.Elements().Count() != 1)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }

        if (!ObjectOwnershipValues.Contains(S3Xml.ChildValue(rules[0], "ObjectOwnership"), StringComparer.Ordinal))
        {
            throw new S3Exception(S3Errors.InvalidArgument, "ObjectOwnership must be BucketOwnerPreferred, ObjectWriter or BucketOwnerEnforced")
                .WithDetail("ArgumentName", "ObjectOwnership");
        }

        store.WriteConfiguration(call.Bucket, OwnershipControls.DocumentName, body);
        await Ok(call);
    }

    public async Task GetBucketPolicy(S3Call call)
    {
        var stored = store.ReadConfiguration(call.Bucket, Policy.DocumentName)
            ?? throw new S3Exception(Policy.NotFound).WithDetail("BucketName", call.Bucket);
        call.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status200OK;
        call.Response.ContentType = "application/json";
        call.Response.ContentLength = stored.Length;
        await call.Response.Body.WriteAsync(stored, call.Aborted);
    }

    public async Task PutBucketPolicy(S3Call call)
    {
        store.GetBucket(call.Bucket);
        var body = await ReadBodyAsync(call);
        EnsurePolicyShape(body);
        store.WriteConfiguration(call.Bucket, Policy.DocumentName, body);
        await NoContent(call);
    }

    /// <summary>The encryption rules' algorithms, as botocore's ServerSideEncryption enum lists them; a KMS key only with a KMS algorithm.</summary>
    internal static void EnsureEncryptionShape(XElement root)
    {
        var rules = S3Xml.Children(root, "Rule").ToList();
        if (rules.Count == 0)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }

        foreach (var byDefault in rules.Select(rule => S3Xml.Child(rule, "ApplyServerSideEncryptionByDefault")).OfType<XElement>())
        {
            var algorithm = S3Xml.ChildValue(byDefault, "SSEAlgorithm");
            if (!EncryptionAlgorithms.Contains(algorithm, StringComparer.Ordinal))
            {
                throw new S3Exception(S3Errors.MalformedXML);
            }

            if (S3Xml.Child(byDefault, "KMSMasterKeyID") is not null && algorithm is not ("aws:kms" or "aws:kms:dsse"))
            {
                throw new S3Exception(S3Errors.InvalidArgument, "a KMSMasterKeyID is allowed only with SSEAlgorithm aws:kms or aws:kms:dsse")
                    .WithDetail("ArgumentName", "KMSMasterKeyID");
            }
        }
    }

    /// <summary>A policy is a JSON object whose Statement is one statement or a non-empty list, each with Effect Allow or Deny.</summary>
    private static void EnsurePolicyShape(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out var statement))
            {
                throw new S3Exception(S3Errors.MalformedPolicy, "Missing required field Statement");
            }

            var statements = statement.ValueKind == JsonValueKind.Array ? statement.EnumerateArray().ToList() : [statement];
            if (statements.Count == 0 || statements.Any(s => s.ValueKind != JsonValueKind.Object
                || !s.TryGetProperty("Effect", out var effect) || effect.GetString() is not ("Allow" or "Deny")))
            {
                throw new S3Exception(S3Errors.MalformedPolicy, "Policy has invalid action or effect: every statement needs Effect Allow or Deny");
            }
        }
        catch (JsonException)
        {
            throw new S3Exception(S3Errors.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'");
        }
    }
}
