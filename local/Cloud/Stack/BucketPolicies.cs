using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Stack;

/// <summary>Attaches each <c>AWS::S3::BucketPolicy</c> to the stack's bucket it names, as CloudFormation applies it to that bucket.</summary>
internal static class BucketPolicies
{
    public const string Type = "AWS::S3::BucketPolicy";

    /// <exception cref="StackLoadException">A policy names no bucket of this stack, a bucket has two policies, or the document is missing.</exception>
    public static void Attach(List<BucketDefinition> buckets, IEnumerable<(string LogicalId, JsonObject Properties)> policies)
    {
        foreach (var (logicalId, properties) in policies)
        {
            var name = properties["Bucket"] is JsonValue value ? value.ToString() : null;
            var document = properties["PolicyDocument"] as JsonObject
                ?? throw new StackLoadException($"{logicalId}: PolicyDocument must be a mapping (the policy's JSON)");
            var index = buckets.FindIndex(b => b.BucketName == name);
            if (index < 0)
            {
                throw new StackLoadException(
                    $"{logicalId}: Bucket '{name}' is not a bucket of this stack; the local cloud applies policies to its own buckets only " +
                    $"(buckets: {StackLoader.Names(buckets.Select(b => b.BucketName))})");
            }

            if (buckets[index].PolicyLogicalId is { } other)
            {
                throw new StackLoadException($"{logicalId}: bucket '{name}' already has the policy {other}; S3 keeps one policy per bucket");
            }

            buckets[index] = buckets[index] with { PolicyDocument = document, PolicyLogicalId = logicalId };
        }
    }
}
