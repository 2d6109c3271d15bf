using Amazon.S3;
using Amazon.S3.Model;

namespace DisasterRecovery.LocalCloud.Buckets;

/// <summary>
/// An AWS::S3::Bucket <c>LifecycleConfiguration</c> as the PutBucketLifecycleConfiguration request CloudFormation makes from
/// it (property names from the AWS::S3::Bucket Rule reference). tests/TestSupport/TemplateLifecycle reads the same property
/// for tests that run without the local cloud.
/// </summary>
internal static class LifecycleProperty
{
    private static readonly string[] RuleMembers =
    [
        "Id", "Status", "Prefix", "TagFilters", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "ExpirationInDays", "ExpirationDate",
        "ExpiredObjectDeleteMarker", "Transitions", "Transition", "NoncurrentVersionTransitions", "NoncurrentVersionTransition",
        "NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays", "AbortIncompleteMultipartUpload",
    ];

    public static PutLifecycleConfigurationRequest Request(string bucket, TemplateProperty lifecycle)
    {
        lifecycle.OnlyKnown("Rules", "TransitionDefaultMinimumObjectSize");
        return new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            TransitionDefaultMinimumObjectSize = lifecycle.Text("TransitionDefaultMinimumObjectSize") is { } size
                ? new TransitionDefaultMinimumObjectSize(size)
                : null,
            Configuration = new LifecycleConfiguration { Rules = [.. lifecycle.Objects("Rules").Select(Rule)] },
        };
    }

    private static LifecycleRule Rule(TemplateProperty rule)
    {
        rule.OnlyKnown(RuleMembers);
        var converted = new LifecycleRule
        {
            Id = rule.Text("Id"),
            Status = new LifecycleRuleStatus(rule.RequiredText("Status")),
            Filter = Filter(rule),
        };

        var expirationDays = rule.Int("ExpirationInDays");
        var expirationDate = rule.Date("ExpirationDate");
        var expiredMarker = rule.Bool("ExpiredObjectDeleteMarker");
        if (expirationDays is not null || expirationDate is not null || expiredMarker is not null)
        {
            converted.Expiration = new LifecycleRuleExpiration { Days = expirationDays, Date = expirationDate, ExpiredObjectDeleteMarker = expiredMarker };
        }

        var transitions = rule.Objects("Transitions").Concat(rule.Object("Transition") is { } single ? [single] : []);
        converted.Transitions = [.. transitions.Select(transition => new LifecycleTransition
        {
            StorageClass = new S3StorageClass(transition.OnlyKnown("StorageClass", "TransitionInDays", "TransitionDate").RequiredText("StorageClass")),
            Days = transition.Int("TransitionInDays"),
            Date = transition.Date("TransitionDate"),
        })];

        var noncurrentTransitions = rule.Objects("NoncurrentVersionTransitions")
            .Concat(rule.Object("NoncurrentVersionTransition") is { } singleNoncurrent ? [singleNoncurrent] : []);
        converted.NoncurrentVersionTransitions = [.. noncurrentTransitions.Select(transition => new LifecycleRuleNoncurrentVersionTransition
        {
            StorageClass = new S3StorageClass(
                transition.OnlyKnown("StorageClass", "TransitionInDays", "NewerNoncurrentVersions").RequiredText("StorageClass")),
            NoncurrentDays = transition.Int("TransitionInDays"),
            NewerNoncurrentVersions = transition.Int("NewerNoncurrentVersions"),
        })];

        if (rule.Object("NoncurrentVersionExpiration") is { } noncurrent)
        {
            noncurrent.OnlyKnown("NoncurrentDays", "NewerNoncurrentVersions");
            converted.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration
            {
                NoncurrentDays = noncurrent.Int("NoncurrentDays"),
                NewerNoncurrentVersions = noncurrent.Int("NewerNoncurrentVersions"),
            };
        }
        else if (rule.Int("NoncurrentVersionExpirationInDays") is { } noncurrentDays)
        {
            converted.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = noncurrentDays };
        }

        if (rule.Object("AbortIncompleteMultipartUpload") is { } abort)
        {
            converted.AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload
            {
                DaysAfterInitiation = abort.OnlyKnown("DaysAfterInitiation").Int("DaysAfterInitiation"),
            };
        }

        return converted;
    }

    /// <summary>Prefix, TagFilters and the size bounds: one predicate as itself, several under And, none an empty filter.</summary>
    private static LifecycleFilter Filter(TemplateProperty rule)
    {
        var prefix = rule.Text("Prefix");
        var tags = rule.Objects("TagFilters")
            .Select(tag => new Tag { Key = tag.OnlyKnown("Key", "Value").RequiredText("Key"), Value = tag.Text("Value") })
            .ToList();
        var greater = rule.Long("ObjectSizeGreaterThan");
        var less = rule.Long("ObjectSizeLessThan");
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
}
