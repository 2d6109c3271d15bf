using Amazon.S3;
using Amazon.S3.Model;

namespace DisasterRecovery.LocalCloud.Buckets;

/// <summary>
/// An AWS::S3::Bucket <c>ReplicationConfiguration</c> as PutBucketReplication takes it: the role and rules with a prefix
/// filter, a destination bucket and storage class, and delete-marker replication. The local S3 stores it (it needs
/// versioning, as S3 does) and replicates nothing; anything beyond these members is refused by name.
/// </summary>
internal static class ReplicationProperty
{
    public static ReplicationConfiguration Configuration(TemplateProperty replication)
    {
        replication.OnlyKnown("Role", "Rules");
        return new ReplicationConfiguration
        {
            Role = replication.RequiredText("Role"),
            Rules = [.. replication.Objects("Rules").Select(Rule)],
        };
    }

    private static ReplicationRule Rule(TemplateProperty rule)
    {
        rule.OnlyKnown("Id", "Status", "Priority", "Prefix", "Filter", "Destination", "DeleteMarkerReplication");
        var destination = rule.Object("Destination") ?? throw rule.Problem("Destination", "is required");
        destination.OnlyKnown("Bucket", "StorageClass", "Account");
        // The rule-level Prefix (CloudFormation's older form) is the filter's prefix in the current API.
        var filterPrefix = rule.Object("Filter")?.OnlyKnown("Prefix").Text("Prefix") ?? rule.Text("Prefix");
        return new ReplicationRule
        {
            Id = rule.Text("Id"),
            Status = new ReplicationRuleStatus(rule.RequiredText("Status")),
            Priority = rule.Int("Priority"),
            Filter = new ReplicationRuleFilter { Prefix = filterPrefix ?? string.Empty },
            Destination = new ReplicationDestination
            {
                BucketArn = destination.RequiredText("Bucket"),
                StorageClass = destination.Text("StorageClass") is { } storageClass ? new S3StorageClass(storageClass) : null,
                AccountId = destination.Text("Account"),
            },
            DeleteMarkerReplication = rule.Object("DeleteMarkerReplication")?.OnlyKnown("Status").Text("Status") is { } status
                ? new DeleteMarkerReplication { Status = new DeleteMarkerReplicationStatus(status) }
                : null,
        };
    }
}
