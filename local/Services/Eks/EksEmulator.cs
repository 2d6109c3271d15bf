using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalEmulation;
using DisasterRecovery.LocalStepFunctions.Errors;
using static DisasterRecovery.LocalEmulation.Member;

namespace DisasterRecovery.LocalEks;

/// <summary>
/// The optimized EKS integration <c>arn:aws:states:::eks:call</c> against a recorded Kubernetes cluster kept in
/// <c>eks.json</c>: Deployments, with GET and PUT of <c>/apis/apps/v1/namespaces/{ns}/deployments/{name}</c> (the whole
/// object, its metadata's labels and annotations kept as sent, as the API server keeps them) and GET and PUT of its
/// <c>/scale</c> subresource (an autoscaling/v1 Scale, with the deployment's <c>resourceVersion</c> as an
/// optimistic-concurrency precondition; as on the API server, a PUT of it changes only spec.replicas, annotations
/// sent in a Scale are dropped), so a flow can do what <c>kubectl scale deployment/backend --replicas=0 -n
/// production</c> does; and ConfigMaps, with GET and PUT of <c>/api/v1/namespaces/{ns}/configmaps/{name}</c> and GET
/// (list) and POST (create) of <c>/api/v1/namespaces/{ns}/configmaps</c>. Objects are answered as the API server
/// serialises them: fields Kubernetes marks <c>omitempty</c> are absent when zero or empty (a Scale at 0 replicas has
/// no <c>spec.replicas</c>). A PATCH from a flow is refused with 415 (see <see cref="StepFunctionsContentType"/>);
/// tools driving the cluster directly patch as kubectl does. Every call is recorded (<see cref="Calls"/>) for tests to
/// assert on. A response outside 2xx fails the task as the integration does: Error <c>EKS.&lt;status&gt;</c>, Cause
/// <c>{"ResponseBody":&lt;Kubernetes Status&gt;,"StatusCode":…,"StatusText":…}</c>.
/// Pods come up instantly (status follows spec at once) and read the ConfigMaps their template references when they
/// start — when replicas go from 0 to more, or the pod template changes (a rollout, e.g. <c>kubectl rollout restart</c>)
/// — so a ConfigMap change reaches the application only through new pods (<see cref="PodConfiguration"/>).
/// </summary>
public sealed partial class EksEmulator : ServiceEmulator
{
    /// <summary>The methods the integration accepts.</summary>
    public static readonly IReadOnlySet<string> Methods = new HashSet<string>(StringComparer.Ordinal) { "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH" };

    /// <summary>
    /// The Content-Type the emulator takes an eks:call request body to have. Step Functions documents no parameter for
    /// headers and not the media type it sends; the body is JSON, so the emulator assumes <c>application/json</c>.
    /// That is what the API server wants for POST and PUT, and what it refuses for PATCH (415 UnsupportedMediaType: a
    /// PATCH must say which patch it is), so a flow that depends on PATCH fails here as it may on AWS. The flows use
    /// only GET and PUT.
    /// </summary>
    public const string StepFunctionsContentType = "application/json";

    /// <summary>The patch media type the emulator applies (JSON merge patch, RFC 7386), as kubectl's <c>--type merge</c> sends it.</summary>
    public const string MergePatchContentType = "application/merge-patch+json";

    /// <summary>What the API server accepts for a PATCH of a built-in object, in the order its 415 message lists them.</summary>
    public static readonly IReadOnlyList<string> PatchContentTypes =
        ["application/json-patch+json", MergePatchContentType, "application/strategic-merge-patch+json", "application/apply-patch+yaml"];

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

    /// <summary>
    /// Raised after each eks:call was answered and recorded, outside the emulator's lock: where a test or tool acts
    /// between two requests of a flow as another client of the cluster would (kubectl, a controller), e.g. changing a
    /// ConfigMap between the flow's GET and its PUT.
    /// </summary>
    public event Action<EksCallRecord>? CallAnswered;

    /// <summary>Every eks:call so far (across restarts), oldest first.</summary>
    public IReadOnlyList<EksCallRecord> Calls => _state.Read().Calls;

    /// <summary>
    /// Creates a deployment with the given replicas unless it exists; true when it created it. Its container takes its
    /// environment from the ConfigMaps in <paramref name="envFromConfigMaps"/> and the variables in
    /// <paramref name="environment"/>; with replicas, its pods start at once and read those ConfigMaps as they are now.
    /// </summary>
    public bool EnsureDeployment(string ns, string name, int replicas,
        IReadOnlyList<string>? envFromConfigMaps = null, IReadOnlyDictionary<string, string>? environment = null)
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

            var now = _clock.GetUtcNow();
            var record = new EksDeploymentRecord
            {
                Namespace = ns,
                Name = name,
                Object = EksKubernetesObjects.Deployment(ns, name, replicas, now, envFromConfigMaps, environment),
            };
            record.Pods = replicas > 0 ? PodsStarting(state, record, now) : null;
            state.Deployments.Add(record);
            return true;
        });
    }

    /// <summary>
    /// Scales a deployment as <c>kubectl scale --replicas=N</c> (a merge PATCH of its /scale, not recorded as an eks:call):
    /// from 0 to more its pods start and read their ConfigMaps; at 0 they are gone.
    /// </summary>
    /// <exception cref="InvalidOperationException">No such deployment, or negative replicas (the API's message).</exception>
    public void ScaleDeployment(string ns, string name, int replicas) =>
        Direct("PATCH", $"/apis/apps/v1/namespaces/{ns}/deployments/{name}/scale", MergePatchContentType,
            new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } });

    /// <summary>
    /// Restarts a deployment's pods as <c>kubectl rollout restart</c> does (patches the pod template's
    /// <c>kubectl.kubernetes.io/restartedAt</c> annotation; not recorded as an eks:call): with replicas, new pods
    /// start and read their ConfigMaps as they are now.
    /// </summary>
    /// <exception cref="InvalidOperationException">No such deployment (the API's message).</exception>
    public void RestartDeployment(string ns, string name) =>
        Direct("PATCH", $"/apis/apps/v1/namespaces/{ns}/deployments/{name}", MergePatchContentType, new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject
                    {
                        ["annotations"] = new JsonObject
                        {
                            ["kubectl.kubernetes.io/restartedAt"] =
                                _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
                        },
                    },
                },
            },
        });

    /// <summary>A deployment's spec.replicas, or null when there is no such deployment.</summary>
    public int? Replicas(string ns, string name) => Deployment(ns, name) is { } deployment ? EksKubernetesObjects.Replicas(deployment) : null;

    /// <summary>A deployment as GET returns it, or null.</summary>
    public JsonObject? Deployment(string ns, string name) => Find(_state.Read(), ns, name)?.Object;

    /// <summary>
    /// What the deployment's running pods read when they started (see <see cref="EksPodConfiguration"/>); null when
    /// there is no such deployment or it has no pods.
    /// </summary>
    public EksPodConfiguration? PodConfiguration(string ns, string deployment) => Find(_state.Read(), ns, deployment)?.Pods;

    /// <summary>
    /// The data of ConfigMap <paramref name="configMap"/> as the deployment's running pods read it when they started;
    /// null when the deployment has no pods, its pods do not reference that ConfigMap, or it did not exist then.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ConfigMapInUse(string ns, string deployment, string configMap) =>
        PodConfiguration(ns, deployment)?.ConfigMaps.GetValueOrDefault(configMap);

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
        EksCallRecord? recorded = null;
        var (status, responseBody) = _state.Update(state =>
        {
            var working = dryRun ? Clone(state) : state;
            var answer = Answer(working, method, path, StepFunctionsContentType, body, now);
            state.Calls.Add(recorded = new EksCallRecord
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
        CallAnswered?.Invoke(recorded!);

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

    /// <summary>A request made by the test or tool driving the emulator, not by a flow: not recorded; a failure throws.</summary>
    private JsonObject Direct(string method, string path, string contentType, JsonNode? body)
    {
        var (status, answer) = _state.Update(state => Answer(state, method, path, contentType, body, _clock.GetUtcNow()));
        if (status is < 200 or > 299)
        {
            throw new InvalidOperationException($"{method} {path}: {status} {StatusText(status)}: {answer["message"]}");
        }

        return answer;
    }

    /// <summary>The API's answer to one request; changes <paramref name="state"/> for a successful write.</summary>
    private static (int Status, JsonObject Body) Answer(EksState state, string method, string path, string contentType, JsonNode? body, DateTimeOffset now)
    {
        var match = DeploymentPath().Match(path);
        if (match.Success)
        {
            return AnswerDeployment(state, method, path, contentType, match.Groups["ns"].Value, match.Groups["name"].Value, match.Groups["scale"].Success, body,
                now);
        }

        match = ConfigMapPath().Match(path);
        if (match.Success)
        {
            return AnswerConfigMap(state, method, path, contentType, match.Groups["ns"].Value, match.Groups["name"].Success ? match.Groups["name"].Value : null,
                body, now);
        }

        return (404, EksKubernetesObjects.Failure(404, "NotFound", "the server could not find the requested resource", new JsonObject()));
    }

    /// <summary>
    /// 415 for a PATCH whose media type is not a merge patch. The API server picks the patch algorithm by media type and
    /// refuses one it does not know before it looks the object up; of the ones it knows the emulator applies merge patches.
    /// </summary>
    private static (int Status, JsonObject Body)? UnsupportedPatch(string contentType) =>
        contentType == MergePatchContentType
            ? null
            : (415, EksKubernetesObjects.Failure(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", PatchContentTypes)}"));

    private static (int Status, JsonObject Body) AnswerDeployment(
        EksState state, string method, string path, string contentType, string ns, string name, bool scale, JsonNode? body, DateTimeOffset now)
    {
        if (method is not ("GET" or "PUT" or "PATCH"))
        {
            return (405, EksKubernetesObjects.Failure(405, "MethodNotAllowed",
                $"the local EKS emulator serves GET, PUT and PATCH of a deployment and of its /scale, not {method} {path}"));
        }

        if (method == "PATCH" && UnsupportedPatch(contentType) is { } unsupported)
        {
            return unsupported;
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

        if (body is not JsonObject request)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest", method == "PATCH"
                ? "the local EKS emulator applies a PATCH as a JSON merge patch (application/merge-patch+json): the RequestBody must be a JSON object"
                : scale ? "the RequestBody of a PUT of /scale must be the whole autoscaling/v1 Scale, a JSON object"
                    : "the RequestBody of a PUT of a deployment must be the whole apps/v1 Deployment, a JSON object"));
        }

        if ((scale ? ScaleTypeProblem(request) : DeploymentTypeProblem(request)) is { } typeProblem)
        {
            return typeProblem;
        }

        if (StringOf(request["metadata"]?["resourceVersion"]) is { } precondition && precondition != StringOf(record.Object["metadata"]?["resourceVersion"]))
        {
            // The Scale's resourceVersion is its deployment's: a write since the client's read makes it stale.
            return (409, EksKubernetesObjects.Failure(409, "Conflict",
                $"Operation cannot be fulfilled on deployments.apps \"{name}\": the object has been modified; please apply your changes to the latest " +
                    $"version and try again",
                new JsonObject { ["name"] = name, ["group"] = "apps", ["kind"] = "deployments" }));
        }

        var current = scale ? EksKubernetesObjects.Scale(record.Object) : record.Object;
        var proposed = method == "PATCH" ? (JsonObject)EksMergePatch.Apply(current, request)! : (JsonObject)request.DeepClone();
        if (StringOf(proposed["metadata"]?["name"]) is var bodyName && bodyName != name)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the name of the object ({bodyName}) does not match the name on the URL ({name})"));
        }

        if (StringOf(proposed["metadata"]?["namespace"]) is { } bodyNamespace && bodyNamespace != ns)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the request"));
        }

        // spec.replicas is omitempty in a Scale (absent = 0); a Deployment's absent replicas default to 1.
        var replicasNode = proposed["spec"]?["replicas"];
        var requested = replicasNode is null ? (scale ? 0 : 1) : EksKubernetesObjects.WholeNumber(replicasNode);
        if (replicasNode is not null && requested is null)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"{(scale ? "Scale" : "Deployment")} in version \"v1\" cannot be handled as a {(scale ? "Scale" : "Deployment")}: " +
                $"json: cannot unmarshal {replicasNode.GetValueKind().ToString().ToLowerInvariant()} into Go struct field " +
                    $"{(scale ? "ScaleSpec" : "DeploymentSpec")}.spec.replicas of type int32"));
        }

        if (requested is < 0 or > int.MaxValue)
        {
            var kind = scale ? "Scale.autoscaling" : "Deployment.apps";
            return (422, EksKubernetesObjects.Failure(422, "Invalid",
                $"{kind} \"{name}\" is invalid: spec.replicas: Invalid value: {replicasNode!.ToJsonString()}: must be greater than or equal to 0",
                new JsonObject { ["name"] = name, ["group"] = scale ? "autoscaling" : "apps", ["kind"] = scale ? "Scale" : "Deployment" }));
        }

        var before = record.Object;
        var updated = scale ? WithReplicas(record.Object, (int)requested!.Value) : Settled(record.Object, proposed);
        record.Object = updated;
        PodsAfterChange(state, record, before, now);
        return (200, scale ? EksKubernetesObjects.Scale(updated) : (JsonObject)updated.DeepClone());
    }

    /// <summary>400 when a /scale body says it is something other than an autoscaling/v1 Scale.</summary>
    private static (int Status, JsonObject Body)? ScaleTypeProblem(JsonObject body)
    {
        if (body["apiVersion"] is { } apiVersion && StringOf(apiVersion) != "autoscaling/v1")
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the API version in the data ({apiVersion.ToJsonString()}) does not match the expected API version (autoscaling/v1)"));
        }

        if (body["kind"] is { } kind && StringOf(kind) != "Scale")
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the kind in the data ({kind.ToJsonString()}) does not match the expected kind (Scale)"));
        }

        return null;
    }

    /// <summary>400 when a deployment body says it is something other than an apps/v1 Deployment.</summary>
    private static (int Status, JsonObject Body)? DeploymentTypeProblem(JsonObject body)
    {
        if (body["apiVersion"] is { } apiVersion && StringOf(apiVersion) != "apps/v1")
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the API version in the data ({apiVersion.ToJsonString()}) does not match the expected API version (apps/v1)"));
        }

        if (body["kind"] is { } kind && StringOf(kind) != "Deployment")
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the kind in the data ({kind.ToJsonString()}) does not match the expected kind (Deployment)"));
        }

        return null;
    }

    /// <summary>The patched or replaced deployment with what clients cannot change restored, generation and status updated.</summary>
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

        var version = long.TryParse(before["metadata"]?["resourceVersion"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : 0;
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

    /// <summary>
    /// Pods after a change of the deployment: none at 0 replicas; new ones, reading the ConfigMaps afresh, when replicas
    /// go up from 0 or the pod template changed (a rollout); otherwise the running ones keep what they read.
    /// </summary>
    private static void PodsAfterChange(EksState state, EksDeploymentRecord record, JsonObject before, DateTimeOffset now)
    {
        if (EksKubernetesObjects.Replicas(record.Object) <= 0)
        {
            record.Pods = null;
            return;
        }

        if (EksKubernetesObjects.Replicas(before) <= 0 || !JsonNode.DeepEquals(before["spec"]?["template"], record.Object["spec"]?["template"]))
        {
            record.Pods = PodsStarting(state, record, now);
        }
    }

    /// <summary>What pods of the deployment starting now read: the data of every ConfigMap their template references that exists.</summary>
    private static EksPodConfiguration PodsStarting(EksState state, EksDeploymentRecord record, DateTimeOffset now)
    {
        var pods = new EksPodConfiguration
        {
            StartedAt = now,
            Generation = EksKubernetesObjects.WholeNumber(record.Object["metadata"]?["generation"]) ?? 1,
        };
        foreach (var name in EksKubernetesObjects.ConfigMapReferences(record.Object))
        {
            if (FindConfigMap(state, record.Namespace, name) is { } configMap)
            {
                pods.ConfigMaps[name] = EksKubernetesObjects.ConfigMapData(configMap.Object);
            }
        }

        return pods;
    }

    /// <summary>A copy of the cluster's objects (not the calls) for a dry run.</summary>
    private static EksState Clone(EksState state) =>
        JsonSerializer.Deserialize<EksState>(JsonSerializer.Serialize(new EksState { Deployments = state.Deployments, ConfigMaps = state.ConfigMaps }))!;

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
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        _ => ((System.Net.HttpStatusCode)status).ToString(),
    };

    [GeneratedRegex("^/apis/apps/v1/namespaces/(?<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)/deployments/(?<name>[a-z0-9]([-.a-z0-9]*[a-z0-9])?)(?<scale>/scale)?$")]
    private static partial Regex DeploymentPath();
}
