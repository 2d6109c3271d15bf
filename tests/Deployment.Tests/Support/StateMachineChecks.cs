using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// Checks of each <c>AWS::Serverless::StateMachine</c> against its ASL file (STYLE.md rules 3 and 5).
/// Each returns one line per problem.
/// </summary>
internal static partial class StateMachineChecks
{
    public const string StateMachineType = "AWS::Serverless::StateMachine";

    /// <summary>
    /// Each <c>DefinitionUri</c> is a file beside the template holding a JSON object with a <c>Comment</c>
    /// and a <c>TimeoutSeconds</c>, and every Task state in it (in Parallel branches and Maps too) has a <c>Retry</c>.
    /// </summary>
    public static IReadOnlyList<string> DefinitionProblems(SamTemplate template)
    {
        var problems = new List<string>();
        foreach (var machine in StateMachines(template))
        {
            if (ReadDefinition(template, machine, problems) is not { } definition)
            {
                continue;
            }

            var (file, json) = definition;
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(json);
            }
            catch (JsonException e)
            {
                problems.Add($"{file}: not valid JSON: {e.Message}");
                continue;
            }

            if (root is not JsonObject machineDefinition)
            {
                problems.Add($"{file}: not a JSON object");
                continue;
            }

            if (string.IsNullOrWhiteSpace(TemplateChecks.Text(machineDefinition["Comment"])))
            {
                problems.Add($"{file}: no top-level Comment");
            }

            if (machineDefinition["TimeoutSeconds"] is not JsonValue timeout || !timeout.TryGetValue<int>(out var seconds) || seconds <= 0)
            {
                problems.Add($"{file}: no top-level TimeoutSeconds (a positive integer)");
            }

            CheckTasksHaveRetry(machineDefinition["States"], file, "", problems);
        }

        return problems;
    }

    /// <summary>
    /// Every <c>${Name}</c> in an ASL file is a key of its <c>DefinitionSubstitutions</c>, and every key is used.
    /// An ASL file gets no pseudo parameters: <c>${AWS::Region}</c> would reach Step Functions as it is.
    /// </summary>
    public static IReadOnlyList<string> SubstitutionProblems(SamTemplate template)
    {
        var problems = new List<string>();
        foreach (var machine in StateMachines(template))
        {
            if (ReadDefinition(template, machine, problems) is not { } definition)
            {
                continue;
            }

            var (file, json) = definition;
            var substitutions = machine.Properties["DefinitionSubstitutions"] as JsonObject ?? [];
            var used = Placeholder().Matches(json).Select(match => match.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            foreach (var name in used.Order(StringComparer.Ordinal))
            {
                if (!substitutions.ContainsKey(name))
                {
                    problems.Add(name.StartsWith("AWS::", StringComparison.Ordinal)
                        ? $"{file}: ${{{name}}} is a pseudo parameter, which ASL files do not get; pass it in {machine.LogicalId}'s DefinitionSubstitutions"
                        : $"{file}: ${{{name}}} is not in {machine.LogicalId}'s DefinitionSubstitutions");
                }
            }

            foreach (var (name, _) in substitutions)
            {
                if (!used.Contains(name))
                {
                    problems.Add($"{machine.LogicalId}: DefinitionSubstitutions.{name} is not used in {file}");
                }
            }
        }

        return problems;
    }

    /// <summary>The template's state machines, in template order.</summary>
    public static IEnumerable<TemplateResource> StateMachines(SamTemplate template) =>
        template.Resources.Values.Where(resource => resource.Type == StateMachineType);

    private static (string File, string Json)? ReadDefinition(SamTemplate template, TemplateResource machine, List<string> problems)
    {
        if (TemplateChecks.Text(machine.Properties["DefinitionUri"]) is not { Length: > 0 } uri)
        {
            problems.Add($"{machine.LogicalId}: no DefinitionUri naming a local ASL file (STYLE.md rule 3: ASL lives in files)");
            return null;
        }

        var path = Path.Combine(template.Directory, uri);
        if (!File.Exists(path))
        {
            problems.Add($"{machine.LogicalId}: DefinitionUri {uri} does not exist (looked for {path})");
            return null;
        }

        return (uri, File.ReadAllText(path));
    }

    private static void CheckTasksHaveRetry(JsonNode? states, string file, string within, List<string> problems)
    {
        if (states is not JsonObject byName)
        {
            problems.Add($"{file}: {within}States is missing or not an object");
            return;
        }

        foreach (var (name, node) in byName)
        {
            var state = node as JsonObject;
            switch (TemplateChecks.Text(state?["Type"]))
            {
                case "Task" when state!["Retry"] is not JsonArray { Count: > 0 }:
                    problems.Add($"{file}: Task state '{within}{name}' has no Retry (STYLE.md rule 5)");
                    break;
                case "Parallel" when state!["Branches"] is JsonArray branches:
                    for (var i = 0; i < branches.Count; i++)
                    {
                        CheckTasksHaveRetry(branches[i]?["States"], file, $"{within}{name} > branch {i + 1} > ", problems);
                    }

                    break;
                case "Map":
                    var processor = state!["ItemProcessor"] ?? state["Iterator"];
                    CheckTasksHaveRetry(processor?["States"], file, $"{within}{name} > ", problems);
                    break;
            }
        }
    }

    [GeneratedRegex(@"\$\{([^}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
