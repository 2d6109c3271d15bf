using System.Text.Json.Nodes;
using Amazon.S3.Model;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>What the rerun tests compare after a second run: the instances, the snapshots and the audit events a cloud holds.</summary>
internal static class RerunViews
{
    /// <summary>Every instance RDS knows that is not being deleted, by identifier.</summary>
    public static async Task<List<string>> InstancesAsync(this RecoveryCloud env)
    {
        var rds = await env.Cloud.GetRdsAsync();
        var result = await rds.CallAsync(env.Cloud.Stack.Region, "describeDBInstances", new JsonObject());
        return [.. result["DbInstances"]!.AsArray()
            .Where(i => i!["DbInstanceStatus"]!.GetValue<string>() is not ("deleting" or "deleted"))
            .Select(i => i!["DbInstanceIdentifier"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Every snapshot whose identifier contains <paramref name="run"/>, sorted.</summary>
    public static async Task<List<string>> SnapshotsAsync(this RecoveryCloud env, string run)
    {
        var rds = await env.Cloud.GetRdsAsync();
        var result = await rds.CallAsync(env.Cloud.Stack.Region, "describeDBSnapshots", new JsonObject());
        return [.. result["DbSnapshots"]!.AsArray()
            .Select(s => s!["DbSnapshotIdentifier"]!.GetValue<string>())
            .Where(s => s.Contains(run, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The audit log's events as (actor, result, details as JSON), oldest first.</summary>
    public static async Task<List<(string Actor, string Result, string Details)>> AuditEventsAsync(this RecoveryCloud env)
    {
        var bucket = env.Cloud.Stack.Buckets.Single(b => b.LogicalId == "AuditBucket").BucketName;
        using var s3 = env.Cloud.S3!.CreateClient();
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "audit/" });
        var events = new List<(string, string, string)>();
        foreach (var item in (listing.S3Objects ?? []).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            using var response = await s3.GetObjectAsync(bucket, item.Key);
            var json = JsonNode.Parse(response.ResponseStream);
            if (json?["action"] is null)
            {
                continue;
            }

            events.Add((json["actor"]?.GetValue<string>() ?? string.Empty, json["result"]!.GetValue<string>(), json["details"]?.ToJsonString() ?? "{}"));
        }

        return events;
    }
}
