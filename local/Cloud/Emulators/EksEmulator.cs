using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalCloud.State;
using DisasterRecovery.LocalStepFunctions.Errors;
using static DisasterRecovery.LocalCloud.Emulators.Member;

namespace DisasterRecovery.LocalCloud.Emulators;

/// <summary>
/// The optimized EKS integration <c>arn:aws:states:::eks:call</c> against a recorded Kubernetes cluster: Deployments
/// (namespace/name → the apps/v1 object) kept in <c>eks.json</c>, with GET and PATCH (JSON merge patch) of
/// <c>/apis/apps/v1/namespaces/{ns}/deployments/{name}</c> and of its <c>/scale</c> subresource, so a flow can do
/// what <c>kubectl scale deployment/backend --replicas=0 -n production</c> does. Every call is recorded
/// (<see cref="Calls"/>) for tests to assert on. A response outside 2xx fails the task as the integration does:
/// Error <c>EKS.&lt;status&gt;</c>, Cause <c>{"ResponseBody":&lt;Kubernetes Status&gt;,"StatusCode":…,"StatusText":…}</c>.
/// Pods come up instantly: status follows spec at once.
/// </summary>
public sealed partial class EksEmulator : ServiceEmulator
{
    /// <summary>The methods the integration accepts.</summary>
    public static readonly IReadOnlySet<string> Methods = new HashSet<string>(StringComparer.Ordinal) { "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH" };

    private readonly JsonStateFile<EksState> _state;
    private readonly TimeProvider _clock;

    /// <param name="stateFile">Where deployments and calls are kept (eks.json).</param>
    /// <param name="clock">Creation times of deployments seeded outside an execution.</param>
    public EksEmulator(string stateFile, TimeProvider clock)
    {
        _state = new JsonStateFile<EksState>(stateFile);
        _clock = clock;
        Action("call", Shape.Structure(
            Req("ClusterName", Shape.String),
            Req("CertificateAuthority", Shape.String),
            Req("Endpoint", Shape.String),
            Req("Method", Shape.String),
            Req("Path", Shape.String),
            Opt("QueryParameters", Shape.Map(Shape.List(Shape.String))),
            Opt("RequestBody", Shape.Any)), Call);
    }

    /// <inheritdoc />
    public override string ServiceName => "eks";

    /// <inheritdoc />
    public override string ErrorPrefix => "EKS";

    /// <summary>Every eks:call so far (across restarts), oldest first.</summary>
    public IReadOnlyList<EksCallRecord> Calls => _state.Read().Calls;

    /// <summary>Creates a deployment with the given replicas unless it exists; true when it created it.</summary>
    public bool EnsureDeployment(string ns, string name, int replicas)
    {
        if (Deployment(ns, name) is not null)
        {
            return false;
        }

        return _state.Update(state =>
        {
            if (Find(state, ns, name) is not null)
            {
                return false;
            }

            state.Deployments.Add(new EksDeploymentRecord
            {
                Namespace = ns,
                Name = name,
                Object = EksKubernetesObjects.Deployment(ns, name, replicas, _clock.GetUtcNow()),
            });
            return true;
        });
    }

    /// <summary>A deployment's spec.replicas, or null when there is no such deployment.</summary>
    public int? Replicas(string ns, string name) => Deployment(ns, name) is { } deployment ? EksKubernetesObjects.Replicas(deployment) : null;

    /// <summary>A deployment as GET returns it, or null.</summary>
    public JsonObject? Deployment(string ns, string name) => Find(_state.Read(), ns, name)?.Object;

    private JsonNode? Call(JsonObject parameters, ServiceCallContext context)
    {
        var method = Text(parameters, "Method")!;
        if (!Methods.Contains(method))
        {
            throw new TaskFailedException(ErrorNames.Runtime,
                $"The value for the field 'Method' must be one of {string.Join(", ", Methods)} (was '{method}')");
        }

        var path = Text(parameters, "Path")!;
        var query = parameters["QueryParameters"] as JsonObject;
        var body = RequestBody(parameters["RequestBody"]);
        var dryRun = query?["dryRun"] is JsonArray values && values.Any(v => StringOf(v) == "All");
        var now = context.Clock.GetUtcNow();
        var (status, responseBody) = _state.Update(state =>
        {
            var working = dryRun ? Clone(state) : state;
            var answer = Answer(working, method, path, body);
            state.Calls.Add(new EksCallRecord
            {
                At = now,
                ClusterName = Text(parameters, "ClusterName")!,
                Endpoint = Text(parameters, "Endpoint")!,
                Method = method,
                Path = path,
                QueryParameters = query?.DeepClone() as JsonObject,
                RequestBody = body?.DeepClone(),
                StatusCode = answer.Status,
                ExecutionArn = context.ExecutionArn,
                StateName = context.StateName,
            });
            return answer;
        });

        if (status is < 200 or > 299)
        {
            var cause = new JsonObject { ["ResponseBody"] = responseBody, ["StatusCode"] = status, ["StatusText"] = StatusText(status) };
            throw new ServiceErrorException(status.ToString(CultureInfo.InvariantCulture), cause.ToJsonString(), status);
        }

        return new JsonObject
        {
            ["ResponseBody"] = responseBody,
            ["StatusCode"] = status,
            ["StatusText"] = StatusText(status),
            ["Headers"] = new JsonObject
            {
                ["Audit-Id"] = new JsonArray(Guid.NewGuid().ToString()),
                ["Cache-Control"] = new JsonArray("no-cache, private"),
                ["Content-Type"] = new JsonArray("application/json"),
                ["Date"] = new JsonArray(now.ToString("R", CultureInfo.InvariantCulture)),
            },
        };
    }

    /// <summary>The API's answer to one request; changes <paramref name="state"/> for a successful PATCH.</summary>
    private static (int Status, JsonObject Body) Answer(EksState state, string method, string path, JsonNode? body)
    {
        var match = DeploymentPath().Match(path);
        if (!match.Success)
        {
            return (404, EksKubernetesObjects.Failure(404, "NotFound", "the server could not find the requested resource", new JsonObject()));
        }

        var (ns, name, scale) = (match.Groups["ns"].Value, match.Groups["name"].Value, match.Groups["scale"].Success);
        if (method is not ("GET" or "PATCH"))
        {
            return (405, EksKubernetesObjects.Failure(405, "MethodNotAllowed",
                $"the local EKS emulator serves GET and PATCH of deployments and their /scale, not {method} {path}"));
        }

        var record = Find(state, ns, name);
        if (record is null)
        {
            return (404, EksKubernetesObjects.DeploymentNotFound(name));
        }

        if (method == "GET")
        {
            return (200, scale ? EksKubernetesObjects.Scale(record.Object) : (JsonObject)record.Object.DeepClone());
        }

        if (body is not JsonObject patch)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                "the local EKS emulator applies a PATCH as a JSON merge patch (application/merge-patch+json): the RequestBody must be a JSON object"));
        }

        var current = scale ? EksKubernetesObjects.Scale(record.Object) : record.Object;
        var patched = (JsonObject)EksMergePatch.Apply(current, patch)!;
        if (StringOf(patched["metadata"]?["name"]) != name || StringOf(patched["metadata"]?["namespace"]) != ns)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the name of the object ({patched["metadata"]?["name"]}) does not match the name on the URL ({name})"));
        }

        if (EksKubernetesObjects.WholeNumber(patched["spec"]?["replicas"]) is not { } requested || requested is < 0 or > int.MaxValue)
        {
            var kind = scale ? "Scale.autoscaling" : "Deployment.apps";
            return (422, EksKubernetesObjects.Failure(422, "Invalid",
                $"{kind} \"{name}\" is invalid: spec.replicas: Invalid value: {patched["spec"]?["replicas"]?.ToJsonString() ?? "null"}: must be greater than or equal to 0",
                new JsonObject { ["name"] = name, ["group"] = scale ? "autoscaling" : "apps", ["kind"] = scale ? "Scale" : "Deployment" }));
        }

        var updated = scale ? WithReplicas(record.Object, (int)requested) : Settled(record.Object, patched);
        record.Object = updated;
        return (200, scale ? EksKubernetesObjects.Scale(updated) : (JsonObject)updated.DeepClone());
    }

    /// <summary>The patched deployment with what clients cannot change restored, generation and status updated.</summary>
    private static JsonObject Settled(JsonObject before, JsonObject patched)
    {
        var result = (JsonObject)patched.DeepClone();
        var metadata = (JsonObject)result["metadata"]!;
        foreach (var fixedField in new[] { "uid", "creationTimestamp", "generation", "resourceVersion" })
        {
            metadata[fixedField] = before["metadata"]?[fixedField]?.DeepClone();
        }

        result["status"] = before["status"]?.DeepClone();
        return Bumped(before, result);
    }

    private static JsonObject WithReplicas(JsonObject deployment, int replicas)
    {
        var result = (JsonObject)deployment.DeepClone();
        result["spec"]!["replicas"] = replicas;
        return Bumped(deployment, result);
    }

    /// <summary>New resourceVersion when anything changed, new generation when the spec changed, status that follows the spec.</summary>
    private static JsonObject Bumped(JsonObject before, JsonObject after)
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return after;
        }

        var metadata = (JsonObject)after["metadata"]!;
        if (!JsonNode.DeepEquals(before["spec"], after["spec"]))
        {
            metadata["generation"] = (EksKubernetesObjects.WholeNumber(before["metadata"]?["generation"]) ?? 1) + 1;
        }

        var version = long.TryParse(before["metadata"]?["resourceVersion"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        metadata["resourceVersion"] = (version + 1).ToString(CultureInfo.InvariantCulture);
        after["status"] = EksKubernetesObjects.Status(after);
        return after;
    }

    private static JsonNode? RequestBody(JsonNode? body)
    {
        if (body is JsonValue value && value.TryGetValue<string>(out var text))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return JsonValue.Create(text);
            }
        }

        return body?.DeepClone();
    }

    private static string? StringOf(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static EksState Clone(EksState state) => new()
    {
        Deployments = state.Deployments.Select(d => new EksDeploymentRecord { Namespace = d.Namespace, Name = d.Name, Object = (JsonObject)d.Object.DeepClone() }).ToList(),
    };

    private static EksDeploymentRecord? Find(EksState state, string ns, string name) =>
        state.Deployments.FirstOrDefault(d => d.Namespace == ns && d.Name == name);

    private static string StatusText(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        _ => ((System.Net.HttpStatusCode)status).ToString(),
    };

    [GeneratedRegex("^/apis/apps/v1/namespaces/(?<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)/deployments/(?<name>[a-z0-9]([-.a-z0-9]*[a-z0-9])?)(?<scale>/scale)?$")]
    private static partial Regex DeploymentPath();
}
