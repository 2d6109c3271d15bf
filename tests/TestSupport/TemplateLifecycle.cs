using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// A bucket's <c>LifecycleConfiguration</c> as template.yaml declares it, turned into the PutBucketLifecycleConfiguration
/// request CloudFormation makes from it (property names from the AWS::S3::Bucket Rule reference), so tests run the
/// lifecycle the stack deploys rather than a copy of it. Only literal values are supported: an intrinsic function in
/// a lifecycle rule is reported as such, so a template change cannot silently drop a rule here.
/// </summary>
public static class TemplateLifecycle
{
    /// <summary>The lifecycle of <paramref name="bucketLogicalId"/> in the repository's template.yaml.</summary>
    public static PutLifecycleConfigurationRequest Of(string bucketLogicalId, string bucketName)
    {
        var template = SamTemplate.Load(RepositoryPaths.Of("template.yaml"));
        var bucket = template.Resources.TryGetValue(bucketLogicalId, out var resource) && resource.Type == "AWS::S3::Bucket"
            ? resource
            : throw new InvalidOperationException($"template.yaml has no AWS::S3::Bucket '{bucketLogicalId}'");
        var lifecycle = bucket.Properties["LifecycleConfiguration"] as JsonObject
            ?? throw new InvalidOperationException($"{bucketLogicalId} declares no LifecycleConfiguration");
        return new PutLifecycleConfigurationRequest
        {
            BucketName = bucketName,
            TransitionDefaultMinimumObjectSize = Text(lifecycle, "TransitionDefaultMinimumObjectSize") is { } size
                ? new TransitionDefaultMinimumObjectSize(size)
                : null,
            Configuration = new LifecycleConfiguration
            {
                Rules = [.. Array(lifecycle, "Rules").Select(rule => Rule((JsonObject)rule!))],
            },
        };
    }

    private static LifecycleRule Rule(JsonObject rule)
    {
        var converted = new LifecycleRule
        {
            Id = Text(rule, "Id"),
            Status = new LifecycleRuleStatus(Text(rule, "Status") ?? throw new InvalidOperationException("a lifecycle rule without Status")),
            Filter = Filter(rule),
        };

        var expirationDays = Int(rule, "ExpirationInDays");
        var expirationDate = Text(rule, "ExpirationDate");
        var expiredMarker = rule["ExpiredObjectDeleteMarker"]?.GetValue<bool>();
        if (expirationDays is not null || expirationDate is not null || expiredMarker is not null)
        {
            converted.Expiration = new LifecycleRuleExpiration
            {
                Days = expirationDays,
                Date = expirationDate is null ? null : DateTime.Parse(expirationDate, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
                ExpiredObjectDeleteMarker = expiredMarker,
            };
        }

        var transitions = Array(rule, "Transitions").Concat(rule["Transition"] is JsonObject single ? [single] : []);
        converted.Transitions = [.. transitions.Select(node => (JsonObject)node!).Select(transition => new LifecycleTransition
        {
            StorageClass = new S3StorageClass(Text(transition, "StorageClass")),
            Days = Int(transition, "TransitionInDays"),
            Date = Text(transition, "TransitionDate") is { } date ? DateTime.Parse(date, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) : null,
        })];

        var noncurrentTransitions = Array(rule, "NoncurrentVersionTransitions")
            .Concat(rule["NoncurrentVersionTransition"] is JsonObject singleNoncurrent ? [singleNoncurrent] : []);
        converted.NoncurrentVersionTransitions = [.. noncurrentTransitions
            .Select(node => (JsonObject)node!)
            .Select(transition => new LifecycleRuleNoncurrentVersionTransition
            {
                StorageClass = new S3StorageClass(Text(transition, "StorageClass")),
                NoncurrentDays = Int(transition, "TransitionInDays"),
                NewerNoncurrentVersions = Int(transition, "NewerNoncurrentVersions"),
            })];

        if (rule["NoncurrentVersionExpiration"] is JsonObject noncurrent)
        {
            converted.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration
            {
                NoncurrentDays = Int(noncurrent, "NoncurrentDays"),
                NewerNoncurrentVersions = Int(noncurrent, "NewerNoncurrentVersions"),
            };
        }
        else if (Int(rule, "NoncurrentVersionExpirationInDays") is { } noncurrentDays)
        {
            converted.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = noncurrentDays };
        }

        if (rule["AbortIncompleteMultipartUpload"] is JsonObject abort)
        {
            converted.AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload
            {
                DaysAfterInitiation = Int(abort, "DaysAfterInitiation"),
            };
        }

        return converted;
    }

    /// <summary>Prefix, TagFilters and the size bounds: one predicate as itself, several under And, none an empty filter.</summary>
    private static LifecycleFilter Filter(JsonObject rule)
    {
        var prefix = Text(rule, "Prefix");
        var tags = Array(rule, "TagFilters").Select(node => (JsonObject)node!)
            .Select(tag => new Tag { Key = Text(tag, "Key"), Value = Text(tag, "Value") }).ToList();
        var greater = Long(rule, "ObjectSizeGreaterThan");
        var less = Long(rule, "ObjectSizeLessThan");
        var count = (prefix is null ? 0 : 1) + tags.Count + (greater is null ? 0 : 1) + (less is null ? 0 : 1);
        return count switch
        {
            0 => new LifecycleFilter(),
            > 1 => new LifecycleFilter
            {
                And = new LifecycleRuleAndOperator
                {
                    Prefix = prefix, Tags = tags.Count == 0 ? null : tags, ObjectSizeGreaterThan = greater, ObjectSizeLessThan = less,
                },
            },
            _ when prefix is not null => new LifecycleFilter { Prefix = prefix },
            _ when tags.Count == 1 => new LifecycleFilter { Tag = tags[0] },
            _ when greater is not null => new LifecycleFilter { ObjectSizeGreaterThan = greater },
            _ => new LifecycleFilter { ObjectSizeLessThan = less },
        };
    }

    private static IEnumerable<JsonNode?> Array(JsonObject parent, string name) => parent[name] as JsonArray ?? [];

    private static string? Text(JsonObject parent, string name) => parent[name] switch
    {
        null => null,
        JsonValue value => value.ToString(),
        var other => throw new InvalidOperationException($"{name} in a lifecycle rule is {other.ToJsonString()}: only literal values are supported here"),
    };

    private static int? Int(JsonObject parent, string name) =>
        Text(parent, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static long? Long(JsonObject parent, string name) =>
        Text(parent, name) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;
}
