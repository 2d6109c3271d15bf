using System.Text.Json.Nodes;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// Checks of who may do what in the template: IAM policies, bucket policies, schedule names and the EKS access
/// entry. Each returns one line per problem.
/// </summary>
internal static class AccessChecks
{
    public const string BucketType = "AWS::S3::Bucket";
    public const string BucketPolicyType = "AWS::S3::BucketPolicy";
    public const string AccessEntryType = "AWS::EKS::AccessEntry";

    /// <summary>The Kubernetes group kubernetes/dr-flows-rbac.yaml binds to exactly the verbs the flows use.</summary>
    public const string FlowsKubernetesGroup = "technician-marketplace-dr-flows";

    /// <summary>The ASL resource of Step Functions' optimized EKS integration that calls the Kubernetes API.</summary>
    public const string EksCallResource = "arn:aws:states:::eks:call";

    /// <summary>
    /// What a state machine role needs for logging to CloudWatch Logs, as the Step Functions Developer Guide gives it
    /// ("Logging using CloudWatch Logs", IAM policies), on Resource "*": nothing more, nothing less.
    /// </summary>
    public static readonly IReadOnlySet<string> LogDeliveryActions = new SortedSet<string>(StringComparer.Ordinal)
    {
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    };

    /// <summary>
    /// Every bucket needs a bucket policy with a statement that denies <c>s3:*</c> to everyone, on the bucket and its
    /// objects, when <c>aws:SecureTransport</c> is false.
    /// </summary>
    public static IReadOnlyList<string> BucketsWithoutTlsOnlyPolicy(SamTemplate template)
    {
        var problems = new List<string>();
        var policies = template.Resources.Values.Where(resource => resource.Type == BucketPolicyType).ToList();
        foreach (var bucket in template.Resources.Values.Where(resource => resource.Type == BucketType))
        {
            var statements = policies
                .Where(policy => IsRef(policy.Properties["Bucket"], bucket.LogicalId))
                .SelectMany(policy => Statements(policy.Properties["PolicyDocument"]));
            if (!statements.Any(statement => DeniesPlainHttp(statement, bucket.LogicalId)))
            {
                problems.Add(
                    $"{bucket.LogicalId}: no {BucketPolicyType} with Bucket: !Ref {bucket.LogicalId} denies requests without TLS "
                    + $"(Effect: Deny, Principal: \"*\", Action: s3:*, Resource: [!GetAtt {bucket.LogicalId}.Arn, !Sub \"${{{bucket.LogicalId}.Arn}}/*\"], "
                    + "Condition: {Bool: {aws:SecureTransport: false}})");
            }
        }

        return problems;
    }

    /// <summary>Every AWS managed policy whose name ends in FullAccess, wherever a SAM resource or role lists policies.</summary>
    public static IReadOnlyList<string> FullAccessManagedPolicies(SamTemplate template)
    {
        var problems = new List<string>();
        var globals = template.Globals["Function"]?["Policies"];
        foreach (var (where, policies) in PolicyLists(template).Prepend(("Globals.Function.Policies", globals)))
        {
            foreach (var policy in policies as JsonArray ?? (policies is null ? [] : [policies.DeepClone()]))
            {
                var name = TemplateChecks.Text(policy) ?? policy?.ToJsonString() ?? "";
                if (name.Contains("FullAccess", StringComparison.Ordinal))
                {
                    problems.Add($"{where}: managed policy {name} grants every action of a service; list the actions the resource needs");
                }
            }
        }

        return problems;
    }

    /// <summary>Each state machine that logs has exactly <see cref="LogDeliveryActions"/> on Resource "*" and no other logs: action.</summary>
    public static IReadOnlyList<string> StateMachinesWithoutExactLogDelivery(SamTemplate template)
    {
        var problems = new List<string>();
        foreach (var machine in StateMachineChecks.StateMachines(template).Where(machine => machine.Properties["Logging"] is not null))
        {
            var logStatements = (machine.Properties["Policies"] as JsonArray ?? [])
                .SelectMany(policy => Statements(policy))
                .Where(statement => Actions(statement).Any(action => action.StartsWith("logs:", StringComparison.Ordinal)))
                .ToList();
            var granted = new SortedSet<string>(logStatements.SelectMany(Actions), StringComparer.Ordinal);
            if (!granted.SetEquals(LogDeliveryActions))
            {
                problems.Add(
                    $"{machine.LogicalId}: logs actions are [{string.Join(", ", granted)}]; Step Functions logging needs exactly "
                    + $"[{string.Join(", ", LogDeliveryActions)}]");
            }

            var misplaced = logStatements.Where(statement =>
                TemplateChecks.Text(statement["Resource"]) != "*" || TemplateChecks.Text(statement["Effect"]) != "Allow");
            foreach (var statement in misplaced)
            {
                problems.Add($"{machine.LogicalId}: the log-delivery statement must be Effect: Allow on Resource: \"*\" (as AWS documents it), not " +
                    $"{statement.ToJsonString()}");
            }
        }

        return problems;
    }

    /// <summary>
    /// Every ScheduleV2 event sets <c>OmitName: true</c> and no <c>Name</c>: SAM otherwise names the schedule after its
    /// logical id, and two stacks in one account and region collide on it.
    /// </summary>
    public static IReadOnlyList<string> SchedulesWithFixedNames(SamTemplate template)
    {
        var problems = new List<string>();
        foreach (var resource in template.Resources.Values)
        {
            foreach (var (eventName, node) in resource.Properties["Events"] as JsonObject ?? [])
            {
                if (TemplateChecks.Text(node?["Type"]) != "ScheduleV2")
                {
                    continue;
                }

                var properties = node!["Properties"] as JsonObject ?? [];
                if (properties["Name"] is not null)
                {
                    problems.Add($"{resource.LogicalId}.Events.{eventName}: sets Name; leave the name to CloudFormation (OmitName: true)");
                }
                else if (properties["OmitName"] is not JsonValue omit || !omit.TryGetValue<bool>(out var omitted) || !omitted)
                {
                    problems.Add($"{resource.LogicalId}.Events.{eventName}: no OmitName: true (SAM would name the schedule {resource.LogicalId}{eventName} " +
                        "in every stack)");
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// Every state machine whose ASL calls the Kubernetes API (<see cref="EksCallResource"/>) has an access entry for its
    /// SAM-generated role (<c>&lt;LogicalId&gt;Role</c>): STANDARD, in <see cref="FlowsKubernetesGroup"/>, on the cluster
    /// named by EksClusterName, and created only when EksClusterName is set.
    /// </summary>
    public static IReadOnlyList<string> FlowsWithoutClusterAccess(SamTemplate template)
    {
        var problems = new List<string>();
        var entries = template.Resources.Values.Where(resource => resource.Type == AccessEntryType).ToList();
        foreach (var machine in StateMachineChecks.StateMachines(template))
        {
            var uri = TemplateChecks.Text(machine.Properties["DefinitionUri"]);
            var path = uri is null ? null : Path.Combine(template.Directory, uri);
            if (path is null || !File.Exists(path) || !File.ReadAllText(path).Contains(EksCallResource, StringComparison.Ordinal))
            {
                continue;
            }

            var role = machine.LogicalId + "Role";
            var entry = entries.FirstOrDefault(entry => IsGetAttArn(entry.Properties["PrincipalArn"], role));
            if (entry is null)
            {
                problems.Add($"{machine.LogicalId}: calls {EksCallResource} but no {AccessEntryType} has PrincipalArn: !GetAtt {role}.Arn");
                continue;
            }

            var where = $"{entry.LogicalId} ({machine.LogicalId}'s access entry)";
            if (!IsRef(entry.Properties["ClusterName"], "EksClusterName"))
            {
                problems.Add($"{where}: ClusterName must be !Ref EksClusterName");
            }

            if (TemplateChecks.Text(entry.Properties["Type"]) != "STANDARD")
            {
                problems.Add($"{where}: Type must be STANDARD");
            }

            if (entry.Properties["KubernetesGroups"] is not JsonArray { Count: 1 } groups || TemplateChecks.Text(groups[0]) != FlowsKubernetesGroup)
            {
                problems.Add($"{where}: KubernetesGroups must be exactly [{FlowsKubernetesGroup}] (the group kubernetes/dr-flows-rbac.yaml binds)");
            }

            if (entry.Condition is null || !IsSetCondition(template.Conditions[entry.Condition], "EksClusterName"))
            {
                problems.Add($"{where}: needs a Condition that is !Not [!Equals [!Ref EksClusterName, \"\"]] (no access entry on a stack without a cluster)");
            }
        }

        return problems;
    }

    /// <summary>The statements of a policy document, or of a SAM inline policy <c>{Statement: [...]}</c>.</summary>
    public static IEnumerable<JsonObject> Statements(JsonNode? document) =>
        document?["Statement"] switch
        {
            JsonArray statements => statements.OfType<JsonObject>(),
            JsonObject statement => [statement],
            _ => [],
        };

    /// <summary>A statement's actions, whether one string or a list.</summary>
    public static IEnumerable<string> Actions(JsonObject statement) =>
        statement["Action"] switch
        {
            JsonArray actions => actions.Select(TemplateChecks.Text).OfType<string>(),
            var single => TemplateChecks.Text(single) is { } action ? [action] : [],
        };

    private static IEnumerable<(string Where, JsonNode? Policies)> PolicyLists(SamTemplate template)
    {
        foreach (var resource in template.Resources.Values)
        {
            if (resource.Properties["Policies"] is { } policies)
            {
                yield return ($"{resource.LogicalId}.Policies", policies);
            }

            if (resource.Properties["ManagedPolicyArns"] is { } arns)
            {
                yield return ($"{resource.LogicalId}.ManagedPolicyArns", arns);
            }
        }
    }

    private static bool DeniesPlainHttp(JsonObject statement, string bucket)
    {
        var principal = statement["Principal"];
        var everyone = TemplateChecks.Text(principal) == "*" || TemplateChecks.Text(principal?["AWS"]) == "*";
        var secureTransport = statement["Condition"]?["Bool"]?["aws:SecureTransport"];
        var whenPlainHttp = TemplateChecks.Text(secureTransport) == "false"
            || (secureTransport is JsonValue flag && flag.TryGetValue<bool>(out var value) && !value);
        var resources = statement["Resource"] as JsonArray ?? [];
        return TemplateChecks.Text(statement["Effect"]) == "Deny"
            && everyone
            && Actions(statement).Contains("s3:*")
            && whenPlainHttp
            && resources.Any(resource => IsGetAttArn(resource, bucket))
            && resources.Any(resource => TemplateChecks.Text(resource?["Fn::Sub"]) == $"${{{bucket}.Arn}}/*");
    }

    private static bool IsRef(JsonNode? node, string name) =>
        node is JsonObject { Count: 1 } mapping && TemplateChecks.Text(mapping["Ref"]) == name;

    private static bool IsGetAttArn(JsonNode? node, string resource) =>
        node is JsonObject { Count: 1 } mapping
        && ((mapping["Fn::GetAtt"] is JsonArray { Count: 2 } pair && TemplateChecks.Text(pair[0]) == resource && TemplateChecks.Text(pair[1]) == "Arn")
            || TemplateChecks.Text(mapping["Fn::Sub"]) == $"${{{resource}.Arn}}");

    /// <summary>Whether a condition is <c>!Not [!Equals [!Ref parameter, ""]]</c> (either order).</summary>
    private static bool IsSetCondition(JsonNode? condition, string parameter) =>
        condition?["Fn::Not"] is JsonArray { Count: 1 } negated
        && negated[0]?["Fn::Equals"] is JsonArray { Count: 2 } sides
        && ((IsRef(sides[0], parameter) && TemplateChecks.Text(sides[1]) == "") || (IsRef(sides[1], parameter) && TemplateChecks.Text(sides[0]) == ""));
}
