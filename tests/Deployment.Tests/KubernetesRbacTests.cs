using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>
/// kubernetes/dr-flows-rbac.yaml grants the flows' Kubernetes group exactly the requests the ASL files make with
/// eks:call (issue 11 §2.9): each one allowed, nothing more, every rule pinned to named objects.
/// </summary>
public sealed class KubernetesRbacTests
{
    private const string Manifest = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: { name: dr, namespace: production }
        rules:
          - { apiGroups: ["apps"], resources: ["deployments/scale"], resourceNames: ["backend"], verbs: ["get", "update"] }
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: { name: dr, namespace: production }
        subjects: [ { kind: Group, apiGroup: rbac.authorization.k8s.io, name: technician-marketplace-dr-flows } ]
        roleRef: { kind: Role, apiGroup: rbac.authorization.k8s.io, name: dr }
        """;

    [Fact]
    public void Manifest_WhenComparedWithTheFlowsEksCalls_ShouldGrantExactlyWhatTheyUse()
    {
        var problems = new List<string>();
        var requests = KubernetesRbacChecks.Requests(DeploymentFiles.Template, problems);

        problems.AddRange(KubernetesRbacChecks.Problems(File.ReadAllText(RepositoryPaths.Of("kubernetes", "dr-flows-rbac.yaml")), requests));

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.Equal(
            [
                "get  configmaps backend-database", "get  configmaps backend-redis", "get apps deployments backend",
                "update  configmaps backend-database", "update  configmaps backend-redis", "update apps deployments backend",
            ],
            requests.Select(r => $"{r.Verb} {r.ApiGroup} {r.Resource} {r.Name}").Distinct().Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Requests_WhenTheFlowsAreRead_ShouldUseNoPatch()
    {
        var requests = KubernetesRbacChecks.Requests(DeploymentFiles.Template, []);

        Assert.NotEmpty(requests);
        Assert.DoesNotContain(requests, r => r.Verb == "patch");
    }

    [Fact]
    public void Problems_WhenAFlowPatchesAndTheRoleGrantsAnUnusedVerb_ShouldReportBoth()
    {
        var requests = new[]
        {
            KubernetesRbacChecks.Request("f: state 'Read'", "GET", "/apis/apps/v1/namespaces/production/deployments/backend/scale")!,
            KubernetesRbacChecks.Request("f: state 'Stop'", "PATCH", "/apis/apps/v1/namespaces/production/deployments/backend/scale")!,
        };

        var problems = KubernetesRbacChecks.Problems(Manifest, requests);

        Assert.Equal(["f: state 'Stop': patch apps/deployments/scale backend is not granted by the Role",
                      "rule 1: grants update apps/deployments/scale backend, which no flow uses"], problems);
    }

    [Fact]
    public void Problems_WhenARuleHasNoResourceNamesOrAWildcardOrTheBindingNamesAnotherGroup_ShouldReportEach()
    {
        var manifest = Manifest
            .Replace(
                """resources: ["deployments/scale"], resourceNames: ["backend"], verbs: ["get", "update"]""",
                """resources: ["deployments/scale"], verbs: ["*"]""",
                StringComparison.Ordinal)
            .Replace("name: technician-marketplace-dr-flows", "name: everyone-else", StringComparison.Ordinal);

        var problems = KubernetesRbacChecks.Problems(manifest, []);

        Assert.Contains("rule 1: no resourceNames (it would reach every object of deployments/scale in the namespace)", problems);
        Assert.Contains("rule 1: grants a wildcard (*)", problems);
        Assert.Contains("the RoleBinding must bind exactly the Group technician-marketplace-dr-flows (rbac.authorization.k8s.io)", problems);
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/production/configmaps/backend-database", "get", "", "configmaps", "backend-database")]
    [InlineData("PUT", "/apis/apps/v1/namespaces/production/deployments/backend/scale", "update", "apps", "deployments/scale", "backend")]
    [InlineData("GET", "/api/v1/namespaces/production/configmaps", "list", "", "configmaps", null)]
    [InlineData("POST", "/api/v1/namespaces/production/configmaps", "create", "", "configmaps", null)]
    public void Request_WhenAPathIsMapped_ShouldGiveTheRbacVerbGroupResourceAndName(
        string method,
        string path,
        string verb,
        string group,
        string resource,
        string? name)
    {
        var request = KubernetesRbacChecks.Request("w", method, path)!;

        Assert.Equal((verb, group, "production", resource, name), (request.Verb, request.ApiGroup, request.Namespace, request.Resource, request.Name));
    }
}
