using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalTemplate;
using YamlDotNet.RepresentationModel;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>One Kubernetes API request a flow makes through eks:call, as RBAC sees it.</summary>
/// <param name="Where">The ASL file and state, for messages.</param>
/// <param name="Verb">The RBAC verb (GET of an object = get, PUT = update, PATCH = patch, …).</param>
/// <param name="ApiGroup">"" for the core group (/api/v1), else the group (/apis/&lt;group&gt;/&lt;version&gt;).</param>
/// <param name="Namespace">The namespace on the path.</param>
/// <param name="Resource">The resource, with its subresource: <c>deployments/scale</c>.</param>
/// <param name="Name">The object's name; null for a request on the collection (list, create).</param>
internal sealed record KubernetesRequest(string Where, string Verb, string ApiGroup, string Namespace, string Resource, string? Name);

/// <summary>
/// The flows' eks:call requests (read from the ASL files with the template's parameter defaults substituted) against the
/// Role and RoleBinding in <c>kubernetes/dr-flows-rbac.yaml</c>: every request allowed, nothing granted that no request
/// uses, every rule pinned to <c>resourceNames</c>, no wildcard, the Role bound to the flows' group.
/// </summary>
internal static partial class KubernetesRbacChecks
{
    /// <summary>The Kubernetes group the EKS access entry maps the state machines' role to.</summary>
    public const string FlowsGroup = "technician-marketplace-dr-flows";

    /// <summary>Every eks:call Task of every state machine in the template, with <c>${…}</c> replaced by the parameters' defaults.</summary>
    public static IReadOnlyList<KubernetesRequest> Requests(SamTemplate template, List<string> problems)
    {
        var requests = new List<KubernetesRequest>();
        foreach (var machine in StateMachineChecks.StateMachines(template))
        {
            var file = TemplateChecks.Text(machine.Properties["DefinitionUri"])!;
            var asl = Placeholder().Replace(File.ReadAllText(Path.Combine(template.Directory, file)), match =>
                Substitution(template, machine, match.Groups[1].Value) ?? match.Value);
            CollectRequests(JsonNode.Parse(asl)?["States"] as JsonObject, file, requests, problems);
        }

        return requests;
    }

    /// <summary>The RBAC verb, API group, resource and name of an eks:call Method and Path; null when the path is not a namespaced API path.</summary>
    public static KubernetesRequest? Request(string where, string method, string path)
    {
        var match = ApiPath().Match(path);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Success ? match.Groups["name"].Value : null;
        var verb = (method, name) switch
        {
            ("GET" or "HEAD", null) => "list",
            ("GET" or "HEAD", _) => "get",
            ("PUT", _) => "update",
            ("PATCH", _) => "patch",
            ("POST", _) => "create",
            ("DELETE", null) => "deletecollection",
            ("DELETE", _) => "delete",
            _ => method.ToLowerInvariant(),
        };
        var resource = match.Groups["resource"].Value + (match.Groups["sub"].Success ? "/" + match.Groups["sub"].Value : "");
        return new KubernetesRequest(where, verb, match.Groups["group"].Success ? match.Groups["group"].Value : "", match.Groups["ns"].Value, resource, name);
    }

    /// <summary>One line per disagreement between the manifest and the requests.</summary>
    public static IReadOnlyList<string> Problems(string manifestYaml, IReadOnlyList<KubernetesRequest> requests)
    {
        var problems = new List<string>();
        var documents = new YamlStream();
        documents.Load(new StringReader(manifestYaml));
        var objects = documents.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
        var roles = objects.Where(o => Scalar(o, "kind") == "Role").ToList();
        var bindings = objects.Where(o => Scalar(o, "kind") == "RoleBinding").ToList();
        if (objects.Any(o => Scalar(o, "kind") is "ClusterRole" or "ClusterRoleBinding"))
        {
            problems.Add("the manifest grants cluster-wide access (ClusterRole/ClusterRoleBinding); the flows need one namespace");
        }

        if (roles.Count != 1 || bindings.Count != 1)
        {
            problems.Add($"the manifest must hold one Role and one RoleBinding (it has {roles.Count} and {bindings.Count})");
            return problems;
        }

        var role = roles[0];
        var roleName = Scalar(Child(role, "metadata"), "name");
        var roleNamespace = Scalar(Child(role, "metadata"), "namespace");
        CheckBinding(bindings[0], roleName, roleNamespace, problems);

        var rules = (Child(role, "rules") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>().ToList() ?? [];
        var grants = new List<(int Rule, string Group, string Resource, string Name, string Verb)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var groups = List(rules[i], "apiGroups");
            var resources = List(rules[i], "resources");
            var names = List(rules[i], "resourceNames");
            var verbs = List(rules[i], "verbs");
            if (names.Count == 0)
            {
                problems.Add($"rule {i + 1}: no resourceNames (it would reach every object of {string.Join(", ", resources)} in the namespace)");
            }

            if (groups.Concat(resources).Concat(names).Concat(verbs).Contains("*"))
            {
                problems.Add($"rule {i + 1}: grants a wildcard (*)");
            }

            grants.AddRange(from g in groups from r in resources from n in names from v in verbs select (i + 1, g, r, n, v));
        }

        foreach (var request in requests)
        {
            if (request.Namespace != roleNamespace)
            {
                problems.Add($"{request.Where}: {request.Verb} {request.Resource} in namespace {request.Namespace}, but the Role is in {roleNamespace}");
            }
            else if (!grants.Any(g => g.Group == request.ApiGroup && g.Resource == request.Resource && g.Name == request.Name && g.Verb == request.Verb))
            {
                problems.Add($"{request.Where}: {request.Verb} {Describe(request.ApiGroup, request.Resource, request.Name)} is not granted by the Role");
            }
        }

        foreach (var grant in grants.Where(g => !requests.Any(r => r.ApiGroup == g.Group && r.Resource == g.Resource && r.Name == g.Name && r.Verb == g.Verb)))
        {
            problems.Add($"rule {grant.Rule}: grants {grant.Verb} {Describe(grant.Group, grant.Resource, grant.Name)}, which no flow uses");
        }

        return problems;
    }

    private static void CheckBinding(YamlMappingNode binding, string? roleName, string? roleNamespace, List<string> problems)
    {
        var metadata = Child(binding, "metadata");
        if (Scalar(metadata, "namespace") != roleNamespace)
        {
            problems.Add($"the RoleBinding is in namespace {Scalar(metadata, "namespace")}, the Role in {roleNamespace}");
        }

        var roleRef = Child(binding, "roleRef");
        if (Scalar(roleRef, "kind") != "Role" || Scalar(roleRef, "name") != roleName || Scalar(roleRef, "apiGroup") != "rbac.authorization.k8s.io")
        {
            problems.Add($"the RoleBinding's roleRef must be the Role {roleName} (rbac.authorization.k8s.io)");
        }

        var subjects = (Child(binding, "subjects") as YamlSequenceNode)?.Children.OfType<YamlMappingNode>().ToList() ?? [];
        if (subjects.Count != 1 || Scalar(subjects[0], "kind") != "Group" || Scalar(subjects[0], "name") != FlowsGroup ||
            Scalar(subjects[0], "apiGroup") != "rbac.authorization.k8s.io")
        {
            problems.Add($"the RoleBinding must bind exactly the Group {FlowsGroup} (rbac.authorization.k8s.io)");
        }
    }

    private static void CollectRequests(JsonObject? states, string file, List<KubernetesRequest> requests, List<string> problems)
    {
        foreach (var (name, node) in states ?? [])
        {
            if (node is not JsonObject state)
            {
                continue;
            }

            foreach (var branch in (state["Branches"] as JsonArray ?? []).OfType<JsonObject>())
            {
                CollectRequests(branch["States"] as JsonObject, file, requests, problems);
            }

            if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject items)
            {
                CollectRequests(items["States"] as JsonObject, file, requests, problems);
            }

            if (TemplateChecks.Text(state["Type"]) != "Task" || TemplateChecks.Text(state["Resource"]) != "arn:aws:states:::eks:call")
            {
                continue;
            }

            var where = $"{file}: state '{name}'";
            var parameters = state["Parameters"] as JsonObject;
            if (TemplateChecks.Text(parameters?["Method"]) is not { } method || TemplateChecks.Text(parameters?["Path"]) is not { } path)
            {
                problems.Add($"{where}: Method and Path must be literal (a path from the input cannot be checked against the RBAC manifest)");
                continue;
            }

            if (Request(where, method, path) is { } request)
            {
                requests.Add(request);
            }
            else
            {
                problems.Add($"{where}: {method} {path} is not a namespaced Kubernetes API path");
            }
        }
    }

    /// <summary>The parameter default a DefinitionSubstitution refers to (<c>!Ref Parameter</c>), or a literal value.</summary>
    private static string? Substitution(SamTemplate template, TemplateResource machine, string key)
    {
        var value = (machine.Properties["DefinitionSubstitutions"] as JsonObject)?[key];
        if (TemplateChecks.Text(value) is { } literal)
        {
            return literal;
        }

        return value is JsonObject reference && TemplateChecks.Text(reference["Ref"]) is { } parameter
            ? TemplateChecks.Text(template.Parameters[parameter]?["Default"])
            : null;
    }

    private static string Describe(string group, string resource, string? name) =>
        $"{(group.Length == 0 ? "" : group + "/")}{resource}{(name is null ? "" : " " + name)}";

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlNode? node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static List<string> List(YamlNode node, string key) =>
        (Child(node, key) as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() ?? [];

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^/(api/v1|apis/(?<group>[^/]+)/[^/]+)/namespaces/(?<ns>[^/]+)/(?<resource>[^/]+)(/(?<name>[^/]+)(/(?<sub>[^/]+))?)?$")]
    private static partial Regex ApiPath();
}
