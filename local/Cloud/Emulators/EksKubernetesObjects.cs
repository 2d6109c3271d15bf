using System.Globalization;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Emulators;

/// <summary>The Kubernetes API objects the EKS emulator serves: apps/v1 Deployment, autoscaling/v1 Scale, v1 Status.</summary>
public static class EksKubernetesObjects
{
    /// <summary>A Deployment whose pods are the given number of replicas of one container, all ready.</summary>
    public static JsonObject Deployment(string ns, string name, int replicas, DateTimeOffset created)
    {
        var deployment = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["resourceVersion"] = "1",
                ["generation"] = 1,
                ["creationTimestamp"] = Time(created),
                ["labels"] = new JsonObject { ["app"] = name },
                ["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = "1" },
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = $"{name}:local" }),
                    },
                },
            },
        };
        deployment["status"] = Status(deployment);
        return deployment;
    }

    /// <summary>spec.replicas (Kubernetes defaults an absent value to 1).</summary>
    public static int Replicas(JsonObject deployment) =>
        WholeNumber(deployment["spec"]?["replicas"]) is { } n and >= int.MinValue and <= int.MaxValue ? (int)n : 1;

    /// <summary>A JSON whole number, however the node holds it (parsed text, int, long); null for anything else.</summary>
    public static long? WholeNumber(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.Number &&
        long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    /// <summary>The status of a deployment whose pods all came up at once (zero counts are left out, as the API does).</summary>
    public static JsonObject Status(JsonObject deployment)
    {
        var replicas = Replicas(deployment);
        var status = new JsonObject { ["observedGeneration"] = deployment["metadata"]?["generation"]?.DeepClone() };
        if (replicas > 0)
        {
            status["replicas"] = replicas;
            status["updatedReplicas"] = replicas;
            status["readyReplicas"] = replicas;
            status["availableReplicas"] = replicas;
        }

        return status;
    }

    /// <summary>The deployment's /scale subresource.</summary>
    public static JsonObject Scale(JsonObject deployment)
    {
        var metadata = deployment["metadata"]!;
        var labels = deployment["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [];
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = Replicas(deployment) },
            ["status"] = new JsonObject
            {
                ["replicas"] = Replicas(deployment),
                ["selector"] = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")),
            },
        };
    }

    /// <summary>A failure as the API reports it (kind Status).</summary>
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    /// <summary>404 for a deployment that does not exist.</summary>
    public static JsonObject DeploymentNotFound(string name) =>
        Failure(404, "NotFound", $"deployments.apps \"{name}\" not found", new JsonObject { ["name"] = name, ["group"] = "apps", ["kind"] = "deployments" });

    /// <summary>The API's timestamp format (RFC 3339, seconds).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
