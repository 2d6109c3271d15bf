using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalCloud.Template;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// Checks of a template's own consistency: what <c>Ref</c>, <c>Fn::GetAtt</c>, <c>Fn::Sub</c> and
/// conditions name exists, and every Output says what it is. Each returns one line per problem.
/// </summary>
internal static partial class TemplateChecks
{
    /// <summary>CloudFormation's pseudo parameters: what <c>Ref</c> and <c>${}</c> may name besides resources and parameters.</summary>
    public static readonly IReadOnlySet<string> PseudoParameters = new HashSet<string>(StringComparer.Ordinal)
    {
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
        "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix",
    };

    /// <summary>Every <c>Ref</c>, <c>Fn::GetAtt</c> and <c>${X}</c> in <c>Fn::Sub</c> that names nothing in the template.</summary>
    public static IReadOnlyList<string> UndefinedReferences(SamTemplate template)
    {
        var problems = new List<string>();
        WalkReferences(template, template.Document, "", problems);
        return problems;
    }

    /// <summary>Every condition name used (resource and output <c>Condition</c>, <c>Fn::If</c>, <c>{"Condition": X}</c>) that is not defined.</summary>
    public static IReadOnlyList<string> UndefinedConditions(SamTemplate template)
    {
        var problems = new List<string>();
        void Require(string? name, string where)
        {
            if (name is not null && !template.Conditions.ContainsKey(name))
            {
                problems.Add($"{where}: condition '{name}' is not defined in Conditions");
            }
        }

        foreach (var resource in template.Resources.Values)
        {
            Require(resource.Condition, $"Resources.{resource.LogicalId}.Condition");
        }

        foreach (var (name, output) in template.Outputs)
        {
            Require(Text(output?["Condition"]), $"Outputs.{name}.Condition");
        }

        WalkConditionUses(template.Document, "", insideConditions: false, Require);
        return problems;
    }

    /// <summary>Every Output without a non-empty <c>Description</c> (STYLE.md rule 7).</summary>
    public static IReadOnlyList<string> OutputsWithoutDescription(SamTemplate template) =>
        [.. template.Outputs
            .Where(output => string.IsNullOrWhiteSpace(Text(output.Value?["Description"])))
            .Select(output => $"Outputs.{output.Key}: no Description")];

    /// <summary>The names in <c>${...}</c> placeholders of a <c>Fn::Sub</c> string, without <c>${!Literal}</c> escapes.</summary>
    public static IEnumerable<string> SubPlaceholders(string text) =>
        Placeholder().Matches(text).Select(match => match.Groups[1].Value.Trim()).Where(name => !name.StartsWith('!'));

    /// <summary>The text of a JSON string value, or null for anything else.</summary>
    public static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static void WalkReferences(SamTemplate template, JsonNode? node, string path, List<string> problems)
    {
        switch (node)
        {
            case JsonObject mapping:
                if (mapping.Count == 1)
                {
                    CheckIntrinsic(template, mapping, path, problems);
                }

                foreach (var (key, child) in mapping)
                {
                    WalkReferences(template, child, Join(path, key), problems);
                }

                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    WalkReferences(template, items[i], $"{path}[{i}]", problems);
                }

                break;
        }
    }

    private static void CheckIntrinsic(SamTemplate template, JsonObject mapping, string path, List<string> problems)
    {
        var (function, argument) = mapping.First();
        switch (function)
        {
            case "Ref" when Text(argument) is { } name:
                if (!IsResource(template, name) && !template.Parameters.ContainsKey(name) && !PseudoParameters.Contains(name))
                {
                    problems.Add($"{path}: Ref '{name}' is not a resource, parameter or pseudo parameter");
                }

                break;
            case "Fn::GetAtt":
                var target = argument is JsonArray { Count: > 0 } pair ? Text(pair[0]) : Text(argument)?.Split('.')[0];
                if (target is null || !IsResource(template, target))
                {
                    problems.Add($"{path}: Fn::GetAtt names '{target}', which is not a resource");
                }

                break;
            case "Fn::Sub":
                var (text, variables) = argument switch
                {
                    JsonArray { Count: 2 } form => (Text(form[0]), form[1] as JsonObject),
                    _ => (Text(argument), null),
                };
                if (text is null)
                {
                    problems.Add($"{path}: Fn::Sub needs a string or [string, {{variables}}]");
                    break;
                }

                foreach (var name in SubPlaceholders(text))
                {
                    if (variables?.ContainsKey(name) == true)
                    {
                        continue;
                    }

                    var dot = name.IndexOf('.', StringComparison.Ordinal);
                    if (dot > 0)
                    {
                        if (!IsResource(template, name[..dot]))
                        {
                            problems.Add($"{path}: Fn::Sub ${{{name}}} gets an attribute of '{name[..dot]}', which is not a resource");
                        }
                    }
                    else if (!IsResource(template, name) && !template.Parameters.ContainsKey(name) && !PseudoParameters.Contains(name))
                    {
                        problems.Add($"{path}: Fn::Sub ${{{name}}} is not a resource, parameter, pseudo parameter or Fn::Sub variable");
                    }
                }

                break;
        }
    }

    private static void WalkConditionUses(JsonNode? node, string path, bool insideConditions, Action<string?, string> require)
    {
        switch (node)
        {
            case JsonObject mapping:
                if (mapping.Count == 1)
                {
                    var (function, argument) = mapping.First();
                    if (function == "Fn::If" && argument is JsonArray { Count: > 0 } branches)
                    {
                        require(Text(branches[0]) ?? "(not a name)", $"{path}.Fn::If");
                    }
                    else if (function == "Condition" && insideConditions)
                    {
                        // Inside Conditions, {"Condition": X} refers to another condition. Elsewhere a
                        // "Condition" key is usually a policy's condition block and is left alone.
                        require(Text(argument) ?? "(not a name)", $"{path}.Condition");
                    }
                }

                foreach (var (key, child) in mapping)
                {
                    WalkConditionUses(child, Join(path, key), insideConditions || (path.Length == 0 && key == "Conditions"), require);
                }

                break;
            case JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    WalkConditionUses(items[i], $"{path}[{i}]", insideConditions, require);
                }

                break;
        }
    }

    /// <summary>
    /// A resource of the template, or one the SAM transform generates that templates may refer to: the execution
    /// role <c>&lt;LogicalId&gt;Role</c> of a function or state machine that sets no <c>Role</c> of its own, and the
    /// <c>&lt;LogicalId&gt;.Version</c> and <c>.Alias</c> of a function with <c>AutoPublishAlias</c>.
    /// </summary>
    private static bool IsResource(SamTemplate template, string name) =>
        template.Resources.ContainsKey(name)
        || (name.EndsWith("Role", StringComparison.Ordinal)
            && template.Resources.TryGetValue(name[..^"Role".Length], out var owner)
            && owner.Type is "AWS::Serverless::Function" or "AWS::Serverless::StateMachine"
            && owner.Properties["Role"] is null)
        || (name.Split('.') is [var function, "Version" or "Alias"]
            && template.Resources.TryGetValue(function, out var published)
            && published.Type == "AWS::Serverless::Function"
            && published.Properties["AutoPublishAlias"] is not null);

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    [GeneratedRegex(@"\$\{([^}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
