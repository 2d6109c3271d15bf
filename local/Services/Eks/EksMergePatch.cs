using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalEks;

/// <summary>JSON Merge Patch (RFC 7386), as the Kubernetes API applies <c>application/merge-patch+json</c>.</summary>
public static class EksMergePatch
{
    /// <summary>
    /// The target with the patch applied: objects merge member by member, <c>null</c> removes a member, anything else
    /// (arrays included) replaces. Neither argument is changed.
    /// </summary>
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject changes)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject original ? (JsonObject)original.DeepClone() : new JsonObject();
        foreach (var (name, change) in changes)
        {
            if (change is null)
            {
                result.Remove(name);
                continue;
            }

            // Apply never changes its target, and assigning in place keeps the members' order.
            result[name] = Apply(result[name], change);
        }

        return result;
    }
}
