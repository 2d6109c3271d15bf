using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalEks;

/// <summary>What eks.json holds: the cluster's deployments and ConfigMaps, and every eks:call made against it.</summary>
public sealed class EksState
{
    /// <summary>The Deployments (apps/v1).</summary>
    public List<EksDeploymentRecord> Deployments { get; set; } = [];

    /// <summary>The ConfigMaps (v1).</summary>
    public List<EksConfigMapRecord> ConfigMaps { get; set; } = [];

    /// <summary>Every eks:call, oldest first.</summary>
    public List<EksCallRecord> Calls { get; set; } = [];
}

/// <summary>One Deployment, as the Kubernetes API returns it (apps/v1), and what its pods read when they started.</summary>
public sealed class EksDeploymentRecord
{
    /// <summary>The namespace.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>The deployment's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The whole object: metadata, spec (replicas, template) and status.</summary>
    public JsonObject Object { get; set; } = [];

    /// <summary>
    /// The configuration the running pods read when they started; null while the deployment has no replicas (or for a
    /// deployment recorded before the emulator kept it).
    /// </summary>
    public EksPodConfiguration? Pods { get; set; }
}

/// <summary>
/// What a deployment's pods read when they started: the data of every ConfigMap their template references
/// (<c>envFrom[].configMapRef</c>, <c>env[].valueFrom.configMapKeyRef</c>, <c>volumes[].configMap</c>). A pod reads a
/// ConfigMap once, at start: later changes to it reach the application only through new pods.
/// </summary>
public sealed class EksPodConfiguration
{
    /// <summary>When the pods started (the engine's clock for an eks:call, the emulator's clock for seeding).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The deployment's metadata.generation the pods run.</summary>
    public long Generation { get; set; }

    /// <summary>Referenced ConfigMap name → its <c>data</c> at that time; a referenced ConfigMap that did not exist is absent.</summary>
    public Dictionary<string, Dictionary<string, string>> ConfigMaps { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One ConfigMap, as the Kubernetes API returns it (v1).</summary>
public sealed class EksConfigMapRecord
{
    /// <summary>The namespace.</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary>The ConfigMap's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The whole object: kind, apiVersion, metadata, data (and binaryData, immutable when set).</summary>
    public JsonObject Object { get; set; } = [];
}

/// <summary>One eks:call, whatever its outcome.</summary>
public sealed class EksCallRecord
{
    /// <summary>On the engine's clock.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>The ClusterName parameter.</summary>
    public string ClusterName { get; set; } = string.Empty;

    /// <summary>The Endpoint parameter.</summary>
    public string Endpoint { get; set; } = string.Empty;

    /// <summary>The HTTP method.</summary>
    public string Method { get; set; } = string.Empty;

    /// <summary>The API path.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The QueryParameters, if any.</summary>
    public JsonObject? QueryParameters { get; set; }

    /// <summary>The request body, parsed when it was JSON text.</summary>
    public JsonNode? RequestBody { get; set; }

    /// <summary>The status the API answered.</summary>
    public int StatusCode { get; set; }

    /// <summary>The execution that made the call.</summary>
    public string? ExecutionArn { get; set; }

    /// <summary>The state that made the call.</summary>
    public string? StateName { get; set; }
}
