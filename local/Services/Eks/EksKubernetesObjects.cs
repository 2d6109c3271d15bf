using System.Globalization;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalEks;

/// <summary>The Kubernetes API objects the EKS emulator serves: apps/v1 Deployment, autoscaling/v1 Scale, v1 ConfigMap, v1 Status.</summary>
public static class EksKubernetesObjects
{
    /// <summary>
    /// A Deployment whose pods are the given number of replicas of one container, all ready. The container takes its
    /// environment from the ConfigMaps named in <paramref name="envFromConfigMaps"/> (<c>envFrom[].configMapRef</c>) and
    /// the literal variables in <paramref name="environment"/> (<c>env[]</c>), when given.
    /// </summary>
    public static JsonObject Deployment(string ns, string name, int replicas, DateTimeOffset created,
        IReadOnlyList<string>? envFromConfigMaps = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var container = new JsonObject { ["name"] = name, ["image"] = $"{name}:local" };
        if (envFromConfigMaps is { Count: > 0 })
        {
            container["envFrom"] = new JsonArray(envFromConfigMaps
                .Select(c => (JsonNode?)new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = c } }).ToArray());
        }

        if (environment is { Count: > 0 })
        {
            container["env"] = new JsonArray(environment
                .Select(e => (JsonNode?)new JsonObject { ["name"] = e.Key, ["value"] = e.Value }).ToArray());
        }

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
                        ["containers"] = new JsonArray(container),
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

    /// <summary>
    /// The deployment's /scale subresource as the API server serialises an autoscaling/v1 Scale: <c>spec.replicas</c>
    /// and <c>status.selector</c> are omitempty (absent at 0 replicas, absent without a selector); <c>status.replicas</c>
    /// (the pods observed) is always there.
    /// </summary>
    public static JsonObject Scale(JsonObject deployment)
    {
        var metadata = deployment["metadata"]!;
        var labels = deployment["spec"]?["selector"]?["matchLabels"] as JsonObject ?? [];
        var spec = new JsonObject();
        if (Replicas(deployment) != 0)
        {
            spec["replicas"] = Replicas(deployment);
        }

        var status = new JsonObject { ["replicas"] = WholeNumber(deployment["status"]?["replicas"]) ?? 0 };
        if (labels.Count > 0)
        {
            status["selector"] = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));
        }

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
            ["spec"] = spec,
            ["status"] = status,
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

    /// <summary>
    /// The ConfigMaps a deployment's pod template references, in order of first mention: containers' and init
    /// containers' <c>envFrom[].configMapRef.name</c> and <c>env[].valueFrom.configMapKeyRef.name</c>, and
    /// <c>volumes[].configMap.name</c>.
    /// </summary>
    public static IReadOnlyList<string> ConfigMapReferences(JsonObject deployment)
    {
        var names = new List<string>();
        void Add(JsonNode? node)
        {
            if (node is JsonValue value && value.TryGetValue<string>(out var name) && name.Length > 0 && !names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        var podSpec = deployment["spec"]?["template"]?["spec"];
        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var container in (podSpec?[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var source in (container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    Add(source["configMapRef"]?["name"]);
                }

                foreach (var variable in (container["env"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    Add(variable["valueFrom"]?["configMapKeyRef"]?["name"]);
                }
            }
        }

        foreach (var volume in (podSpec?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Add(volume["configMap"]?["name"]);
        }

        return names;
    }

    /// <summary>A v1 ConfigMap as the API returns it (kind, apiVersion, metadata, data; no data member when it is empty).</summary>
    public static JsonObject ConfigMap(string ns, string name, IReadOnlyDictionary<string, string> data, DateTimeOffset created)
    {
        var values = new JsonObject();
        foreach (var (key, value) in data)
        {
            values[key] = value;
        }

        var configMap = new JsonObject
        {
            ["kind"] = "ConfigMap",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["uid"] = Guid.NewGuid().ToString(),
                ["resourceVersion"] = "1",
                ["creationTimestamp"] = Time(created),
            },
        };
        if (values.Count > 0)
        {
            configMap["data"] = values;
        }

        return configMap;
    }

    /// <summary>A ConfigMap's <c>data</c> (string values only; an absent member is empty).</summary>
    public static Dictionary<string, string> ConfigMapData(JsonObject configMap)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in configMap["data"] as JsonObject ?? [])
        {
            if (value is JsonValue v && v.TryGetValue<string>(out var text))
            {
                data[key] = text;
            }
        }

        return data;
    }

    /// <summary>404 for a ConfigMap that does not exist.</summary>
    public static JsonObject ConfigMapNotFound(string name) =>
        Failure(404, "NotFound", $"configmaps \"{name}\" not found", new JsonObject { ["name"] = name, ["kind"] = "configmaps" });

    /// <summary>The API's timestamp format (RFC 3339, seconds).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
