using System.Text.Json.Nodes;
using DisasterRecovery.LocalSfn;

namespace DisasterRecovery.RecoveryFlows.Tests;

/// <summary>What the RDS-side tests read from describe results and tag lists.</summary>
internal static class RdsViews
{
    /// <summary>Where an instance sits, as describeDBInstances reports it: equal tuples, equal placement.</summary>
    public static (string SubnetGroup, string SecurityGroups, string ParameterGroup, string OptionGroup, bool MultiAz, bool CopyTags) Placement(
        JsonNode instance) => (
        instance["DbSubnetGroup"]!["DbSubnetGroupName"]!.GetValue<string>(),
        string.Join(',', instance["VpcSecurityGroups"]!.AsArray().Select(g => g!["VpcSecurityGroupId"]!.GetValue<string>())),
        instance["DbParameterGroups"]![0]!["DbParameterGroupName"]!.GetValue<string>(),
        instance["OptionGroupMemberships"]![0]!["OptionGroupName"]!.GetValue<string>(),
        instance["MultiAZ"]!.GetValue<bool>(),
        instance["CopyTagsToSnapshot"]!.GetValue<bool>());

    /// <summary>A tag's value from a TagList; null when the key is absent.</summary>
    public static string? Tag(JsonArray tags, string key) =>
        tags.FirstOrDefault(t => t!["Key"]!.GetValue<string>() == key)?["Value"]?.GetValue<string>();
}

/// <summary>An execution's record with the questions these tests ask of its history.</summary>
internal sealed record ExecutionDocumentView(ExecutionDocument Document)
{
    /// <summary>How many times the execution entered a state.</summary>
    public int Entered(RecoveryCloud env, string state) =>
        env.Cloud.Engine.GetExecutionHistory(Document.ExecutionArn)
            .Count(e => e.StateName == state && e.Type.ToString().EndsWith("StateEntered", StringComparison.Ordinal));

    /// <summary>The states entered, in order.</summary>
    public List<string> StatesEntered(RecoveryCloud env) =>
        env.Cloud.Engine.GetExecutionHistory(Document.ExecutionArn)
            .Where(e => e.Type.ToString().EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(e => e.StateName!)
            .ToList();
}
