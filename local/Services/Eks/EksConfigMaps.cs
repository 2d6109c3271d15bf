using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DisasterRecovery.LocalEks;

/// <summary>
/// The EKS emulator's ConfigMaps (v1): GET, PATCH (JSON merge patch, which for a ConfigMap's <c>data</c> map does
/// what kubectl's strategic merge patch does; only with its media type, so never from a flow: see
/// <see cref="StepFunctionsContentType"/>) and PUT of <c>/api/v1/namespaces/{ns}/configmaps/{name}</c>, GET (list)
/// and POST (create) of <c>/api/v1/namespaces/{ns}/configmaps</c>, with the API server's checks: names and config
/// keys, string values, the 1 MiB limit, <c>immutable</c>, <c>metadata.resourceVersion</c> preconditions (409), an
/// existing name on create (409). Every namespace exists; DELETE and watches are not served (405).
/// </summary>
public sealed partial class EksEmulator
{
    /// <summary>A ConfigMap's size limit (data and binaryData together), as the API server enforces it.</summary>
    public const int MaxConfigMapBytes = 1024 * 1024;

    /// <summary>
    /// Creates a ConfigMap with the given data unless it exists; true when it created it. Running pods whose template
    /// references it and that started without it read it now (Kubernetes keeps retrying a container whose ConfigMap is
    /// missing, and starts it once the ConfigMap appears).
    /// </summary>
    /// <exception cref="ArgumentException">The name or a key is not one the API server accepts.</exception>
    public bool EnsureConfigMap(string ns, string name, IReadOnlyDictionary<string, string> data)
    {
        if (!ObjectName().IsMatch(name) || name.Length > 253)
        {
            throw new ArgumentException($"'{name}' is not a valid ConfigMap name (a lowercase RFC 1123 subdomain)", nameof(name));
        }

        if (ConfigMap(ns, name) is not null)
        {
            return false;
        }

        return _state.Update(state =>
        {
            if (FindConfigMap(state, ns, name) is not null)
            {
                return false;
            }

            var now = _clock.GetUtcNow();
            var configMap = EksKubernetesObjects.ConfigMap(ns, name, data, now);
            if (ConfigMapProblem(configMap, name, null) is { } problem)
            {
                throw new ArgumentException(problem.Body["message"]!.GetValue<string>(), nameof(data));
            }

            state.ConfigMaps.Add(new EksConfigMapRecord { Namespace = ns, Name = name, Object = configMap });
            PodsWaitingFor(state, ns, name, configMap);
            return true;
        });
    }

    /// <summary>
    /// Creates the ConfigMap or replaces its data (and drops its labels and annotations), as
    /// <c>kubectl create configmap … --dry-run=client -o yaml | kubectl apply -f -</c> would; not recorded as an eks:call.
    /// Running pods keep what they read (see <see cref="RestartDeployment"/>), except pods that were waiting for it.
    /// Returns the ConfigMap as GET returns it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The API server would refuse it (invalid name or key, immutable).</exception>
    public JsonObject ApplyConfigMap(string ns, string name, IReadOnlyDictionary<string, string> data)
    {
        var body = EksKubernetesObjects.ConfigMap(ns, name, data, _clock.GetUtcNow());
        ((JsonObject)body["metadata"]!).Remove("uid");
        ((JsonObject)body["metadata"]!).Remove("resourceVersion");
        ((JsonObject)body["metadata"]!).Remove("creationTimestamp");
        return ConfigMap(ns, name) is null
            ? Direct("POST", $"/api/v1/namespaces/{ns}/configmaps", StepFunctionsContentType, body)
            : Direct("PUT", $"/api/v1/namespaces/{ns}/configmaps/{name}", StepFunctionsContentType, body);
    }

    /// <summary>A ConfigMap as GET returns it, or null.</summary>
    public JsonObject? ConfigMap(string ns, string name) => FindConfigMap(_state.Read(), ns, name)?.Object;

    /// <summary>A ConfigMap's data as it is now (not necessarily what running pods read), or null when there is no such ConfigMap.</summary>
    public IReadOnlyDictionary<string, string>? ConfigMapData(string ns, string name) =>
        ConfigMap(ns, name) is { } configMap ? EksKubernetesObjects.ConfigMapData(configMap) : null;

    private static (int Status, JsonObject Body) AnswerConfigMap(
        EksState state, string method, string path, string contentType, string ns, string? name, JsonNode? body, DateTimeOffset now)
    {
        if (name is null)
        {
            return method switch
            {
                "GET" => (200, ConfigMapList(state, ns)),
                "POST" => CreateConfigMap(state, ns, body, now),
                _ => (405, EksKubernetesObjects.Failure(405, "MethodNotAllowed",
                    $"the local EKS emulator serves GET (list) and POST (create) of configmaps, not {method} {path}")),
            };
        }

        if (method is not ("GET" or "PATCH" or "PUT"))
        {
            return (405, EksKubernetesObjects.Failure(405, "MethodNotAllowed",
                $"the local EKS emulator serves GET, PATCH and PUT of a configmap, not {method} {path}"));
        }

        if (method == "PATCH" && UnsupportedPatch(contentType) is { } unsupported)
        {
            return unsupported;
        }

        var record = FindConfigMap(state, ns, name);
        if (record is null)
        {
            // ConfigMaps are not created by an update (PUT) or a patch: both are 404, as on the API server.
            return (404, EksKubernetesObjects.ConfigMapNotFound(name));
        }

        if (method == "GET")
        {
            return (200, (JsonObject)record.Object.DeepClone());
        }

        if (body is not JsonObject request)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest", method == "PATCH"
                ? "the local EKS emulator applies a PATCH as a JSON merge patch (application/merge-patch+json): the RequestBody must be a JSON object"
                : "the RequestBody of a PUT must be the whole ConfigMap, a JSON object"));
        }

        if (StringOf(request["metadata"]?["resourceVersion"]) is { } precondition && precondition != StringOf(record.Object["metadata"]?["resourceVersion"]))
        {
            return (409, EksKubernetesObjects.Failure(409, "Conflict",
                $"Operation cannot be fulfilled on configmaps \"{name}\": the object has been modified; please apply your changes to the latest version and " +
                    $"try again",
                new JsonObject { ["name"] = name, ["kind"] = "configmaps" }));
        }

        var proposed = method == "PATCH" ? (JsonObject)EksMergePatch.Apply(record.Object, request)! : (JsonObject)request.DeepClone();
        if (TypeProblem(proposed) is { } typeProblem)
        {
            return typeProblem;
        }

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

        var metadata = record.Object["metadata"]!;
        var updated = Normalized(proposed, ns, name, StringOf(metadata["uid"]) ?? Guid.NewGuid().ToString(),
            StringOf(metadata["resourceVersion"]) ?? "1", StringOf(metadata["creationTimestamp"]));
        if (ConfigMapProblem(updated, name, record.Object) is { } problem)
        {
            return problem;
        }

        if (!JsonNode.DeepEquals(updated, record.Object))
        {
            var version = long.TryParse(StringOf(metadata["resourceVersion"]), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
            updated["metadata"]!["resourceVersion"] = (version + 1).ToString(CultureInfo.InvariantCulture);
            record.Object = updated;
        }

        // Running pods keep what they read when they started: a change reaches them only through new pods.
        return (200, (JsonObject)record.Object.DeepClone());
    }

    private static (int Status, JsonObject Body) CreateConfigMap(EksState state, string ns, JsonNode? body, DateTimeOffset now)
    {
        if (body is not JsonObject request)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest", "the RequestBody of a POST must be the ConfigMap to create, a JSON object"));
        }

        if (TypeProblem(request) is { } typeProblem)
        {
            return typeProblem;
        }

        if (StringOf(request["metadata"]?["namespace"]) is { } bodyNamespace && bodyNamespace != ns)
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                "the namespace of the provided object does not match the namespace sent on the request"));
        }

        var name = StringOf(request["metadata"]?["name"]) ?? string.Empty;
        if (name.Length == 0)
        {
            return Invalid(name, "metadata.name: Required value: name or generateName is required");
        }

        if (!ObjectName().IsMatch(name) || name.Length > 253)
        {
            return Invalid(name, $"metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric " +
                                 "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " +
                                 "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        }

        var configMap = Normalized(request, ns, name, Guid.NewGuid().ToString(), "1", EksKubernetesObjects.Time(now));
        if (ConfigMapProblem(configMap, name, null) is { } problem)
        {
            return problem;
        }

        if (FindConfigMap(state, ns, name) is not null)
        {
            return (409, EksKubernetesObjects.Failure(409, "AlreadyExists", $"configmaps \"{name}\" already exists",
                new JsonObject { ["name"] = name, ["kind"] = "configmaps" }));
        }

        state.ConfigMaps.Add(new EksConfigMapRecord { Namespace = ns, Name = name, Object = configMap });
        PodsWaitingFor(state, ns, name, configMap);
        return (201, (JsonObject)configMap.DeepClone());
    }

    private static JsonObject ConfigMapList(EksState state, string ns)
    {
        var items = state.ConfigMaps.Where(c => c.Namespace == ns).OrderBy(c => c.Name, StringComparer.Ordinal).Select(c =>
        {
            // Items of a list carry no kind or apiVersion: the list's own say what they are.
            var item = (JsonObject)c.Object.DeepClone();
            item.Remove("kind");
            item.Remove("apiVersion");
            return (JsonNode?)item;
        });
        return new JsonObject
        {
            ["kind"] = "ConfigMapList",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["items"] = new JsonArray(items.ToArray()),
        };
    }

    /// <summary>Pods of running deployments that reference the new ConfigMap but started without it read it now.</summary>
    private static void PodsWaitingFor(EksState state, string ns, string name, JsonObject configMap)
    {
        foreach (var deployment in state.Deployments.Where(d => d.Namespace == ns && d.Pods is not null && !d.Pods.ConfigMaps.ContainsKey(name)))
        {
            if (EksKubernetesObjects.ConfigMapReferences(deployment.Object).Contains(name, StringComparer.Ordinal))
            {
                deployment.Pods!.ConfigMaps[name] = EksKubernetesObjects.ConfigMapData(configMap);
            }
        }
    }

    /// <summary>The object as the API server stores it: known fields only, metadata the server owns set by it.</summary>
    private static JsonObject Normalized(JsonObject source, string ns, string name, string uid, string resourceVersion, string? created)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = uid,
            ["resourceVersion"] = resourceVersion,
            ["creationTimestamp"] = created,
        };
        foreach (var kept in new[] { "labels", "annotations" })
        {
            if (source["metadata"]?[kept] is JsonObject values && values.Count > 0)
            {
                metadata[kept] = values.DeepClone();
            }
        }

        var result = new JsonObject { ["kind"] = "ConfigMap", ["apiVersion"] = "v1", ["metadata"] = metadata };
        foreach (var field in new[] { "immutable", "data", "binaryData" })
        {
            // data and binaryData are omitempty maps: the API server never answers an empty one.
            if (source[field] is { } value && value is not JsonObject { Count: 0 })
            {
                result[field] = value.DeepClone();
            }
        }

        return result;
    }

    /// <summary>400 when the body says it is something other than a v1 ConfigMap.</summary>
    private static (int Status, JsonObject Body)? TypeProblem(JsonObject body)
    {
        if (body["apiVersion"] is { } apiVersion && StringOf(apiVersion) != "v1")
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the API version in the data ({apiVersion.ToJsonString()}) does not match the expected API version (v1)"));
        }

        if (body["kind"] is { } kind && StringOf(kind) != "ConfigMap")
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                $"the kind in the data ({kind.ToJsonString()}) does not match the expected kind (ConfigMap)"));
        }

        return null;
    }

    /// <summary>What the API server refuses in a ConfigMap (400 for wrong types, 422 for invalid values), or null.</summary>
    private static (int Status, JsonObject Body)? ConfigMapProblem(JsonObject configMap, string name, JsonObject? before)
    {
        var size = 0L;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "data", "binaryData" })
        {
            var node = configMap[field];
            if (node is null)
            {
                continue;
            }

            if (node is not JsonObject map)
            {
                return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                    $"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal " +
                        $"{node.GetValueKind().ToString().ToLowerInvariant()} " +
                    $"into Go struct field ConfigMap.{field} of type map[string]{(field == "data" ? "string" : "[]uint8")}"));
            }

            foreach (var (key, value) in map)
            {
                if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
                {
                    return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                        $"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal " +
                            $"{value?.GetValueKind().ToString().ToLowerInvariant() ?? "null"} " +
                        $"into Go struct field ConfigMap.{field} of type {(field == "data" ? "string" : "[]uint8")}"));
                }

                if (field == "binaryData" && !IsBase64(text))
                {
                    return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                        $"ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data in binaryData[{key}]"));
                }

                if (!ConfigKey().IsMatch(key) || key.Length > 253 || key is "." or "..")
                {
                    return Invalid(name, $"{field}[{key}]: Invalid value: \"{key}\": a valid config key must consist of alphanumeric characters, " +
                                         "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
                }

                if (!keys.Add(key))
                {
                    return Invalid(name, $"data[{key}]: Invalid value: \"{key}\": duplicate of key present in binaryData");
                }

                size += key.Length + (field == "data" ? Encoding.UTF8.GetByteCount(text) : text.Length * 3L / 4);
            }
        }

        if (size > MaxConfigMapBytes)
        {
            return Invalid(name, $"[]: Too long: must have at most {MaxConfigMapBytes} bytes");
        }

        if (configMap["immutable"] is { } immutable
            && immutable.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
        {
            return (400, EksKubernetesObjects.Failure(400, "BadRequest",
                "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal into Go struct field ConfigMap.immutable of type bool"));
        }

        if (before?["immutable"] is JsonValue wasImmutable && wasImmutable.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            if (configMap["immutable"]?.GetValueKind() != System.Text.Json.JsonValueKind.True)
            {
                return Invalid(name, "immutable: Forbidden: field is immutable when `immutable` is set");
            }

            if (!JsonNode.DeepEquals(before["data"], configMap["data"]) || !JsonNode.DeepEquals(before["binaryData"], configMap["binaryData"]))
            {
                return Invalid(name, "data: Forbidden: field is immutable when `immutable` is set");
            }
        }

        return null;
    }

    private static (int Status, JsonObject Body) Invalid(string name, string detail) =>
        (422, EksKubernetesObjects.Failure(422, "Invalid", $"ConfigMap \"{name}\" is invalid: {detail}",
            new JsonObject { ["name"] = name, ["kind"] = "ConfigMap" }));

    private static bool IsBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    private static EksConfigMapRecord? FindConfigMap(EksState state, string ns, string name) =>
        state.ConfigMaps.FirstOrDefault(c => c.Namespace == ns && c.Name == name);

    [GeneratedRegex("^/api/v1/namespaces/(?<ns>[a-z0-9]([-a-z0-9]*[a-z0-9])?)/configmaps(/(?<name>[a-z0-9]([-.a-z0-9]*[a-z0-9])?))?$")]
    private static partial Regex ConfigMapPath();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex ObjectName();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex ConfigKey();
}
