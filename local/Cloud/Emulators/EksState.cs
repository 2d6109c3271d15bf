using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Emulators;

/// <summary>What eks.json holds: the cluster's deployments and every eks:call made against it.</summary>
public sealed class EksState
{
    public List<EksDeploymentRecord> Deployments { get; set; } = [];

    public List<EksCallRecord> Calls { get; set; } = [];
}

/// <summary>One Deployment, as the Kubernetes API returns it (apps/v1).</summary>
public sealed class EksDeploymentRecord
{
    public string Namespace { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    /// <summary>The whole object: metadata, spec (replicas, template) and status.</summary>
    public JsonObject Object { get; set; } = [];
}

/// <summary>One eks:call, whatever its outcome.</summary>
public sealed class EksCallRecord
{
    /// <summary>On the engine's clock.</summary>
    public DateTimeOffset At { get; set; }

    public string ClusterName { get; set; } = string.Empty;

    public string Endpoint { get; set; } = string.Empty;

    public string Method { get; set; } = string.Empty;

    public string Path { get; set; } = string.Empty;

    public JsonObject? QueryParameters { get; set; }

    public JsonNode? RequestBody { get; set; }

    /// <summary>The status the API answered.</summary>
    public int StatusCode { get; set; }

    public string? ExecutionArn { get; set; }

    public string? StateName { get; set; }
}
