using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalTemplate;
using DisasterRecovery.TestSupport.AwsModels;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// Judges every integration Task of a state machine (in Parallel branches and Map processors too) against AWS's own
/// models (botocore) and the documented optimized integrations (<see cref="IntegrationContracts"/>):
/// <list type="bullet">
/// <item>the resource exists (the service, the action in its camelCase spelling);</item>
/// <item>every Parameters field (<c>.$</c> stripped) is a member of the request, recursively through literal objects
/// and arrays, literal values have the member's JSON type, and every required member is given;</item>
/// <item>every path read from the result exists in the response: the ResultSelector's paths, and, where the raw or
/// selected result is placed with ResultPath, every later reference to it anywhere in the machine (Choice variables,
/// <c>.$</c> paths and intrinsic arguments, InputPath, OutputPath, ItemsPath, Wait and Fail paths);</item>
/// <item>every Retry/Catch error name can be raised: a <c>States.*</c> name, an error the service's model defines in
/// Step Functions' spelling or its generic <c>&lt;Service&gt;.&lt;Service&gt;Exception</c>, and for lambda:invoke the
/// documented Lambda names or a function exception type of <c>functions/Shared/Core/Errors.cs</c>.</item>
/// </list>
/// Each problem is one line naming the file, the state and the member. "Later" means reachable through Next, Default,
/// Choices and Catch; a result placed at <c>$</c> is followed only into the states directly after it, because any state
/// may replace the whole input again. JSONata states have their Arguments checked like Parameters (a <c>{% … %}</c>
/// value is computed, so not judged); their results (Output, Assign) are not followed.
/// </summary>
internal sealed partial class SdkIntegrationChecker(BotocoreModels models, IReadOnlySet<string> functionErrors)
{
    private const string StatesResourcePrefix = "arn:aws:states:::";

    /// <summary>The exception types a function can raise as errorType (the classes of <c>functions/Shared/Core/Errors.cs</c>).</summary>
    public static IReadOnlySet<string> FunctionErrorNames(string errorsSourceFile) =>
        ExceptionClass().Matches(File.ReadAllText(errorsSourceFile)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>Every state machine of the template whose DefinitionUri is a readable JSON file (the other checks report the rest).</summary>
    public IReadOnlyList<string> TemplateProblems(SamTemplate template)
    {
        var problems = new List<string>();
        foreach (var machine in StateMachineChecks.StateMachines(template))
        {
            if (TemplateChecks.Text(machine.Properties["DefinitionUri"]) is not { Length: > 0 } uri
                || Path.Combine(template.Directory, uri) is var path && !File.Exists(path))
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject definition)
                {
                    problems.AddRange(DefinitionProblems(uri, definition));
                }
            }
            catch (JsonException)
            {
                // StateMachineDefinitionTests reports a file that is not JSON.
            }
        }

        return problems;
    }

    /// <summary>The problems of one ASL definition; <paramref name="file"/> names it in each line.</summary>
    public IReadOnlyList<string> DefinitionProblems(string file, JsonObject definition)
    {
        var problems = new List<string>();
        var states = new List<StateNode>();
        var namespaces = 0;
        Flatten(definition["States"], definition["StartAt"], string.Empty, 0, states, ref namespaces);

        var writers = new List<Writer>();
        foreach (var state in states)
        {
            var context = new StateContext(file, state, problems);
            var resource = TemplateChecks.Text(state.Definition["Resource"]);
            IntegrationContract? contract = null;
            if (TemplateChecks.Text(state.Definition["Type"]) == "Task" && resource?.StartsWith(StatesResourcePrefix, StringComparison.Ordinal) == true)
            {
                (contract, var resourceProblem) = IntegrationContracts.For(resource, models, functionErrors);
                if (resourceProblem is not null)
                {
                    context.Add(resourceProblem);
                }
                else
                {
                    CheckParameters(context, contract!);
                    CheckResultSelector(context, contract!);
                }
            }

            CheckErrorNames(context, contract);
            writers.AddRange(WritersOf(state, contract));
        }

        foreach (var state in states)
        {
            foreach (var (path, field, isOutputPath) in References(state.Definition))
            {
                CheckReference(new StateContext(file, state, problems), writers, path, field, isOutputPath);
            }
        }

        return problems;
    }

    private static void CheckParameters(StateContext context, IntegrationContract contract)
    {
        // JSONPath states pass Parameters; JSONata states pass Arguments, whose "{% … %}" values are computed.
        var where = context.State.Definition.ContainsKey("Arguments") ? "Arguments" : "Parameters";
        if (context.State.Definition[where] is not JsonObject parameters)
        {
            if (contract.Input.Required.Count > 0)
            {
                context.Add($"{contract.Label} has no {where}, but {contract.Input.Name} requires " +
                    $"{string.Join(", ", contract.Input.Required.Order(StringComparer.Ordinal))}");
            }

            return;
        }

        CheckFields(context, contract, parameters, contract.Input, where, topLevel: true);
    }

    private static void CheckFields(StateContext context, IntegrationContract contract, JsonObject given, ModelShape shape, string where, bool topLevel)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in given)
        {
            var isPathField = key.EndsWith(".$", StringComparison.Ordinal);
            var dynamic = isPathField || IsJsonataExpression(value);
            var field = isPathField ? key[..^2] : key;
            present.Add(field);
            var at = $"{where}.{field}";
            if (topLevel && contract.TopLevelFields is { } documented && !documented.Contains(field))
            {
                context.Add($"{at} is not a parameter {contract.Label} documents (it documents {string.Join(", ", documented.Order(StringComparer.Ordinal))})");
                continue;
            }

            if (!shape.Members.TryGetValue(field, out var member))
            {
                context.Add($"{at} is not a member of {contract.Label}'s {shape.Name}{Suggestion(field, shape)}");
                continue;
            }

            if (dynamic)
            {
                continue;
            }

            if (topLevel && contract.LiteralValues?.GetValueOrDefault(field) is { } allowed && value is JsonValue literal
                && literal.TryGetValue<string>(out var text) && !allowed.Contains(text))
            {
                var accepted = string.Join(", ", allowed.Order(StringComparer.Ordinal));
                context.Add($"{at} is '{text}', which {contract.Label} does not accept (documented: {accepted})");
            }

            CheckValue(context, contract, value, member, at);
        }

        foreach (var required in shape.Required.Where(r => !present.Contains(r)).Order(StringComparer.Ordinal))
        {
            context.Add($"{where}.{required} is required by {contract.Label}'s {shape.Name} but not given");
        }
    }

    private static void CheckValue(StateContext context, IntegrationContract contract, JsonNode? value, ModelShape shape, string path)
    {
        if (IsJsonataExpression(value))
        {
            return;
        }

        switch (shape.Type)
        {
            case "any":
                return;
            case "structure" when value is JsonObject nested:
                CheckFields(context, contract, nested, shape, path, topLevel: false);
                return;
            case "list" when value is JsonArray items:
                for (var i = 0; i < items.Count; i++)
                {
                    CheckValue(context, contract, items[i], shape.Item!, $"{path}[{i}]");
                }

                return;
            case "map" when value is JsonObject entries:
                foreach (var (key, entry) in entries.Where(e => !e.Key.EndsWith(".$", StringComparison.Ordinal)))
                {
                    CheckValue(context, contract, entry, shape.Item!, $"{path}.{key}");
                }

                return;
        }

        if (!HasJsonTypeOf(value, shape))
        {
            context.Add($"{path} is {JsonKind(value)}, but {contract.Label} takes {Article(shape)} there");
        }
    }

    private void CheckResultSelector(StateContext context, IntegrationContract contract)
    {
        if (context.State.Definition["ResultSelector"] is JsonObject selector)
        {
            CheckSelectorPaths(context, contract, selector, "ResultSelector");
        }
    }

    private void CheckSelectorPaths(StateContext context, IntegrationContract contract, JsonObject selector, string where)
    {
        foreach (var (key, value) in selector)
        {
            if (key.EndsWith(".$", StringComparison.Ordinal) && value is JsonValue text && text.TryGetValue<string>(out var expression))
            {
                foreach (var reference in AslPaths.ReferencesIn(expression))
                {
                    if (AslPaths.Parse(reference) is { } steps && Resolve(contract.Output, steps, 0) is { Failure: { } failure })
                    {
                        context.Add($"{where}.{key} reads {reference} from the result of {contract.Label}, but {failure}");
                    }
                }
            }
            else if (value is JsonObject nested)
            {
                CheckSelectorPaths(context, contract, nested, $"{where}.{key}");
            }
        }
    }

    private static void CheckErrorNames(StateContext context, IntegrationContract? contract)
    {
        foreach (var kind in new[] { "Retry", "Catch" })
        {
            if (context.State.Definition[kind] is not JsonArray rules)
            {
                continue;
            }

            foreach (var name in rules.SelectMany(r => r?["ErrorEquals"] as JsonArray ?? []).Select(TemplateChecks.Text).OfType<string>())
            {
                if (name.StartsWith("States.", StringComparison.Ordinal))
                {
                    if (!IntegrationContracts.StatesErrors.Contains(name))
                    {
                        context.Add($"{kind} matches {name}, which is not an error the States language defines");
                    }
                }
                else if (contract?.ErrorAllowed(name) is { } why)
                {
                    context.Add($"{kind} matches {name}, which {why}");
                }
            }
        }
    }

    /// <summary>Where a state puts data, and what is known about its shape.</summary>
    private IEnumerable<Writer> WritersOf(StateNode state, IntegrationContract? contract)
    {
        var definition = state.Definition;
        var type = TemplateChecks.Text(definition["Type"]);
        if (type is "Task" or "Pass" or "Parallel" or "Map")
        {
            // An absent ResultPath is "$"; null discards the result.
            var resultPath = definition.ContainsKey("ResultPath") ? TemplateChecks.Text(definition["ResultPath"]) : "$";
            if (resultPath is not null && AslPaths.Parse(resultPath) is { } steps)
            {
                var data = contract is null ? DataShape.Unknown
                    : definition["ResultSelector"] is JsonObject selector ? Selected(selector, contract.Output, contract.Label)
                    : new KnownData(contract.Output, $"the result of {contract.Label} ({contract.Output})");
                yield return new Writer(state, steps, data, DirectOnly: steps.Count == 0);
            }
        }

        foreach (var rule in definition["Catch"] as JsonArray ?? [])
        {
            // The error output ({Error, Cause}) goes where the catcher says, by default replacing the input.
            var resultPath = rule is JsonObject catcher && catcher.ContainsKey("ResultPath") ? TemplateChecks.Text(catcher["ResultPath"]) : "$";
            if (resultPath is not null && AslPaths.Parse(resultPath) is { } steps)
            {
                yield return new Writer(state, steps, DataShape.Unknown, DirectOnly: steps.Count == 0);
            }
        }
    }

    private DataShape Selected(JsonObject selector, ModelShape output, string label)
    {
        var fields = new Dictionary<string, DataShape>(StringComparer.Ordinal);
        foreach (var (key, value) in selector)
        {
            if (key.EndsWith(".$", StringComparison.Ordinal))
            {
                var expression = TemplateChecks.Text(value);
                fields[key[..^2]] = expression is not null && expression.StartsWith('$') && AslPaths.Parse(expression) is { } steps
                    && Resolve(output, steps, 0) is { Shape: { } shape }
                        ? new KnownData(shape, $"{expression} of the result of {label} ({shape})")
                        : DataShape.Unknown;
            }
            else
            {
                fields[key] = value is JsonObject nested ? Selected(nested, output, label) : DataShape.Unknown;
            }
        }

        return new SelectedData(fields, $"the ResultSelector of {label}");
    }

    private static void CheckReference(StateContext context, List<Writer> writers, string reference, string field, bool isOutputPath)
    {
        if (AslPaths.Parse(reference) is not { } path)
        {
            return;
        }

        var candidates = writers
            .Where(w => w.State.Namespace == context.State.Namespace && AslPaths.StartsWith(path, w.Path) && Reaches(w, context.State, isOutputPath))
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var longest = candidates.Max(w => w.Path.Count);
        var nearest = candidates.Where(w => w.Path.Count == longest).ToList();
        if (nearest.Any(w => w.Data is UnknownData))
        {
            return;
        }

        var failures = new List<string>();
        foreach (var writer in nearest)
        {
            if (Follow(writer.Data, path, longest) is { } failure)
            {
                failures.Add($"{writer.State.Label} puts {writer.Data.Source} at {AslPaths.Describe(writer.Path)}, where {failure}");
            }
            else
            {
                return;
            }
        }

        context.Add($"{field} reads {reference}, but {string.Join("; and ", failures)}");
    }

    /// <summary>Null when <paramref name="path"/> from <paramref name="from"/> on exists in the data; otherwise why not.</summary>
    private static string? Follow(DataShape data, IReadOnlyList<PathStep> path, int from)
    {
        switch (data)
        {
            case KnownData known:
                return Resolve(known.Shape, path, from).Failure;
            case SelectedData selected when from < path.Count:
                var step = path[from];
                if (step.IsIndex || !selected.Fields.TryGetValue(step.Field!, out var field))
                {
                    return $"it selects only {string.Join(", ", selected.Fields.Keys)}, not {step}";
                }

                return field is UnknownData ? null : Follow(field, path, from + 1);
            default:
                return null;
        }
    }

    /// <summary>Follows <paramref name="path"/> from <paramref name="from"/> through a model shape.</summary>
    private static (ModelShape? Shape, string? Failure) Resolve(ModelShape shape, IReadOnlyList<PathStep> path, int from)
    {
        var current = shape;
        for (var i = from; i < path.Count; i++)
        {
            if (current.IsAny)
            {
                return (ModelShape.Any, null);
            }

            var step = path[i];
            if (step.IsIndex)
            {
                if (current.Type != "list")
                {
                    return (null, $"{AslPaths.Describe(path.Take(i))} is a {current}, not a list");
                }

                current = current.Item!;
            }
            else if (current.Type == "map")
            {
                current = current.Item!;
            }
            else if (current.IsStructure)
            {
                if (!current.Members.TryGetValue(step.Field!, out var member))
                {
                    return (null, $"{current.Name} has no member {step.Field}{Suggestion(step.Field!, current)}");
                }

                current = member;
            }
            else
            {
                return (null, $"{AslPaths.Describe(path.Take(i))} is a {current}, which has no member {step.Field}");
            }
        }

        return (current, null);
    }

    private static string Suggestion(string field, ModelShape shape)
    {
        var near = shape.Members.Keys.FirstOrDefault(m => string.Equals(m, field, StringComparison.OrdinalIgnoreCase));
        if (near is not null)
        {
            return $" (did you mean {near}? Step Functions spells members as the AWS SDK for Java v2 does)";
        }

        var members = string.Join(", ", shape.Members.Keys.Order(StringComparer.Ordinal).Take(40));
        return $" (members: {members}{(shape.Members.Count > 40 ? ", …" : string.Empty)})";
    }

    private static bool Reaches(Writer writer, StateNode reader, bool isOutputPath)
    {
        if (isOutputPath && writer.State == reader)
        {
            return true;
        }

        if (writer.DirectOnly)
        {
            return writer.State.Next.Contains(reader);
        }

        var seen = new HashSet<StateNode>();
        var pending = new Stack<StateNode>(writer.State.Next);
        while (pending.TryPop(out var state))
        {
            if (state == reader)
            {
                return true;
            }

            if (seen.Add(state))
            {
                foreach (var next in state.Next)
                {
                    pending.Push(next);
                }
            }
        }

        return false;
    }

    /// <summary>Every data path a state reads from its input (not its ResultSelector, which reads the result).</summary>
    private static IEnumerable<(string Path, string Field, bool IsOutputPath)> References(JsonObject state)
    {
        foreach (var name in new[] { "InputPath", "ItemsPath", "SecondsPath", "TimestampPath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
                     "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "ErrorPath", "CausePath" })
        {
            foreach (var path in AslPaths.ReferencesIn(TemplateChecks.Text(state[name]) ?? string.Empty))
            {
                yield return (path, name, false);
            }
        }

        if (TemplateChecks.Text(state["OutputPath"]) is { } outputPath)
        {
            yield return (outputPath, "OutputPath", true);
        }

        foreach (var name in new[] { "Parameters", "ItemSelector" })
        {
            if (state[name] is JsonObject template)
            {
                foreach (var reference in TemplateReferences(template, name))
                {
                    yield return (reference.Path, reference.Field, false);
                }
            }
        }

        var index = 0;
        foreach (var rule in state["Choices"] as JsonArray ?? [])
        {
            index++;
            foreach (var reference in ChoiceReferences(rule as JsonObject, $"Choices[{index}]"))
            {
                yield return (reference.Path, reference.Field, false);
            }
        }
    }

    private static IEnumerable<(string Path, string Field)> TemplateReferences(JsonObject template, string where)
    {
        foreach (var (key, value) in template)
        {
            if (key.EndsWith(".$", StringComparison.Ordinal) && TemplateChecks.Text(value) is { } expression)
            {
                foreach (var path in AslPaths.ReferencesIn(expression))
                {
                    yield return (path, $"{where}.{key}");
                }
            }
            else if (value is JsonObject nested)
            {
                foreach (var reference in TemplateReferences(nested, $"{where}.{key}"))
                {
                    yield return reference;
                }
            }
            else if (value is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is JsonObject item)
                    {
                        foreach (var reference in TemplateReferences(item, $"{where}.{key}[{i}]"))
                        {
                            yield return reference;
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<(string Path, string Field)> ChoiceReferences(JsonObject? rule, string where)
    {
        if (rule is null)
        {
            yield break;
        }

        foreach (var (key, value) in rule)
        {
            if ((key == "Variable" || (key.EndsWith("Path", StringComparison.Ordinal) && key != "ResultPath")) && TemplateChecks.Text(value) is { } path)
            {
                yield return (path, $"{where}.{key}");
            }
            else if (key is "And" or "Or" && value is JsonArray nested)
            {
                for (var i = 0; i < nested.Count; i++)
                {
                    foreach (var reference in ChoiceReferences(nested[i] as JsonObject, $"{where}.{key}[{i + 1}]"))
                    {
                        yield return reference;
                    }
                }
            }
            else if (key == "Not")
            {
                foreach (var reference in ChoiceReferences(value as JsonObject, $"{where}.Not"))
                {
                    yield return reference;
                }
            }
        }
    }

    /// <summary>
    /// The states of one States map and, recursively, of its Parallel branches (same data as the Parallel's input) and
    /// Map processors (their own data: each item). Edges: Next, Default, Choices, Catch, and a Parallel or Map into its
    /// branches' first states.
    /// </summary>
    private static StateNode? Flatten(JsonNode? statesNode, JsonNode? startAt, string prefix, int ns, List<StateNode> all, ref int namespaces)
    {
        if (statesNode is not JsonObject states)
        {
            return null;
        }

        var byName = new Dictionary<string, StateNode>(StringComparer.Ordinal);
        foreach (var (name, node) in states)
        {
            if (node is JsonObject definition)
            {
                var state = new StateNode(prefix + name, definition, ns);
                byName[name] = state;
                all.Add(state);
            }
        }

        foreach (var (name, state) in byName)
        {
            var definition = state.Definition;
            var targets = new List<string?> { TemplateChecks.Text(definition["Next"]), TemplateChecks.Text(definition["Default"]) };
            targets.AddRange((definition["Choices"] as JsonArray ?? []).Select(c => TemplateChecks.Text(c?["Next"])));
            targets.AddRange((definition["Catch"] as JsonArray ?? []).Select(c => TemplateChecks.Text(c?["Next"])));
            state.Next.AddRange(targets.OfType<string>().Select(byName.GetValueOrDefault).OfType<StateNode>());

            switch (TemplateChecks.Text(definition["Type"]))
            {
                case "Parallel":
                    var branches = definition["Branches"] as JsonArray ?? [];
                    for (var i = 0; i < branches.Count; i++)
                    {
                        if (Flatten(
                            branches[i]?["States"],
                            branches[i]?["StartAt"],
                            $"{prefix}{name} > branch {i + 1} > ",
                            ns,
                            all,
                            ref namespaces) is { } first)
                        {
                            state.Next.Add(first);
                        }
                    }

                    break;
                case "Map":
                    var processor = definition["ItemProcessor"] ?? definition["Iterator"];
                    Flatten(processor?["States"], processor?["StartAt"], $"{prefix}{name} > ", ++namespaces, all, ref namespaces);
                    break;
            }
        }

        return TemplateChecks.Text(startAt) is { } start ? byName.GetValueOrDefault(start) : null;
    }

    private static bool IsJsonataExpression(JsonNode? value) =>
        value is JsonValue text && text.TryGetValue<string>(out var expression)
        && expression.StartsWith("{%", StringComparison.Ordinal) && expression.EndsWith("%}", StringComparison.Ordinal);

    private static bool HasJsonTypeOf(JsonNode? value, ModelShape shape)
    {
        var kind = value?.GetValueKind();
        return shape.Type switch
        {
            "string" or "blob" => kind == JsonValueKind.String,
            "timestamp" => kind is JsonValueKind.String or JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" or "long" => kind == JsonValueKind.Number && long.TryParse(value!.ToJsonString(), out _),
            "double" or "float" => kind == JsonValueKind.Number,
            "structure" or "map" => kind == JsonValueKind.Object,
            "list" => kind == JsonValueKind.Array,
            _ => true,
        };
    }

    private static string JsonKind(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };

    private static string Article(ModelShape shape) => shape.Type switch
    {
        "integer" or "long" => "an integer",
        "structure" => $"an object ({shape.Name})",
        "list" => "an array",
        "map" => "an object (map)",
        "timestamp" => "a timestamp",
        _ => "a " + shape.Type,
    };

    [GeneratedRegex(@"\bsealed\s+class\s+(\w+Exception)\b", RegexOptions.CultureInvariant)]
    private static partial Regex ExceptionClass();

    private sealed class StateNode(string label, JsonObject definition, int ns)
    {
        public string Label { get; } = label;

        public JsonObject Definition { get; } = definition;

        /// <summary>Which data the state sees: 0 for the machine's, one per Map processor.</summary>
        public int Namespace { get; } = ns;

        public List<StateNode> Next { get; } = [];
    }

    private sealed record Writer(StateNode State, IReadOnlyList<PathStep> Path, DataShape Data, bool DirectOnly);

    /// <summary>One line per problem: "file: state 'Name': …".</summary>
    private sealed record StateContext(string File, StateNode State, List<string> Problems)
    {
        public void Add(string problem) => Problems.Add($"{File}: state '{State.Label}': {problem}");
    }

    private abstract record DataShape(string Source)
    {
        public static DataShape Unknown { get; } = new UnknownData();
    }

    private sealed record UnknownData() : DataShape("data of no known shape");

    private sealed record KnownData(ModelShape Shape, string Source) : DataShape(Source);

    private sealed record SelectedData(IReadOnlyDictionary<string, DataShape> Fields, string Source) : DataShape(Source);
}
