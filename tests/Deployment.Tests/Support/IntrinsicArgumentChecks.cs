using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// Proves, from the ASL alone, that no intrinsic function is called with a null argument (AWS documents none of them
/// for null) and that no Fail state's <c>CausePath</c>/<c>ErrorPath</c> selects something that may be null (AWS requires
/// a string there).
/// <para>
/// A must-analysis over the state graph: for every state, the set of paths of its input that are non-null on every way
/// there. Facts come from literals and intrinsic results written by Parameters/Result/ResultSelector, from the
/// context object (<c>$$.…</c>), from a Catch's error output (<c>Error</c>, and <c>Cause</c>, which every
/// integration these flows call fills), and from Choice rules: the branch a rule sends to knows what the rule tested
/// (<c>IsString: true</c>, <c>IsNull: false</c>, any comparison that matched) and what every earlier rule's failure
/// implies (<c>IsString: false</c> did not match: a string). Nothing is known of the execution's input nor of a task's
/// raw result. Paths the analysis cannot prove but the caller vouches for (a function's non-nullable output member,
/// a member AWS always returns) are passed as <c>trusted</c>, each with its reason.
/// </para>
/// </summary>
internal static class IntrinsicArgumentChecks
{
    /// <summary>Intrinsics whose result is never null (StringToJson and ArrayGetItem may return a null).</summary>
    private static readonly IReadOnlySet<string> NonNullResults = new HashSet<string>(StringComparer.Ordinal)
    {
        "States.Format", "States.JsonToString", "States.Array", "States.ArrayPartition", "States.ArrayContains", "States.ArrayRange",
        "States.ArrayLength", "States.ArrayUnique", "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
        "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID",
    };

    /// <summary>
    /// One line per problem in the machine: an intrinsic argument (or a Fail state's path) that may be null, or a null
    /// literal given to an intrinsic. <paramref name="usedTrust"/> collects the trusted paths that were needed.
    /// </summary>
    public static IReadOnlyList<string> Problems(string file, JsonObject machine, IReadOnlyDictionary<string, string> trusted, ISet<string>? usedTrust = null)
    {
        var problems = new List<string>();
        Analyse(file, machine, [], trusted, usedTrust ?? new HashSet<string>(StringComparer.Ordinal), problems);
        return problems;
    }

    private static void Analyse(string where, JsonObject machine, HashSet<string> startFacts, IReadOnlyDictionary<string, string> trusted,
        ISet<string> usedTrust, List<string> problems)
    {
        if (machine["States"] is not JsonObject states || TemplateChecks.Text(machine["StartAt"]) is not { } start)
        {
            problems.Add($"{where}: no States or StartAt");
            return;
        }

        // in[state] = facts true on every way into it; null = not reached yet (everything).
        var input = new Dictionary<string, HashSet<string>?>(StringComparer.Ordinal) { [start] = [.. startFacts] };
        var work = new Queue<string>([start]);
        while (work.TryDequeue(out var name))
        {
            if (states[name] is not JsonObject state || input[name] is not { } facts)
            {
                continue;
            }

            foreach (var (next, nextFacts) in Edges(state, facts))
            {
                if (!input.TryGetValue(next, out var known) || known is null)
                {
                    input[next] = nextFacts;
                    work.Enqueue(next);
                }
                else
                {
                    var before = known.Count;
                    known.IntersectWith(nextFacts);
                    if (known.Count != before)
                    {
                        work.Enqueue(next);
                    }
                }
            }
        }

        foreach (var (name, facts) in input)
        {
            if (states[name] is JsonObject state && facts is not null)
            {
                CheckState($"{where}: state '{name}'", state, facts, trusted, usedTrust, problems);
            }
        }
    }

    /// <summary>Where the state goes and what its input there is known to hold.</summary>
    private static IEnumerable<(string Next, HashSet<string> Facts)> Edges(JsonObject state, HashSet<string> facts)
    {
        var type = TemplateChecks.Text(state["Type"]);
        if (state["InputPath"] is { } inputPath && TemplateChecks.Text(inputPath) != "$")
        {
            facts = []; // Not analysed further: whatever it selects is unknown.
        }

        switch (type)
        {
            case "Choice":
                var rules = state["Choices"] as JsonArray ?? [];
                var failed = new HashSet<string>(facts, StringComparer.Ordinal);
                foreach (var rule in rules.OfType<JsonObject>())
                {
                    if (TemplateChecks.Text(rule["Next"]) is { } target)
                    {
                        yield return (target, [.. failed, .. Matched(rule)]);
                    }

                    failed.UnionWith(Unmatched(rule));
                }

                if (TemplateChecks.Text(state["Default"]) is { } fallback)
                {
                    yield return (fallback, failed);
                }

                yield break;
            case "Pass":
                var passResult = state["Parameters"] is JsonObject parameters ? Produced(parameters, facts)
                    : state.ContainsKey("Result") ? Literal(state["Result"])
                    : facts;
                foreach (var edge in Onward(state, Output(state, facts, passResult)))
                {
                    yield return edge;
                }

                yield break;
            case "Task" or "Map" or "Parallel":
                var taskResult = state["ResultSelector"] is JsonObject selector ? Produced(selector, []) : new HashSet<string>(["$"], StringComparer.Ordinal);
                foreach (var edge in Onward(state, Output(state, facts, taskResult)))
                {
                    yield return edge;
                }

                foreach (var catcher in (state["Catch"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (TemplateChecks.Text(catcher["Next"]) is { } target)
                    {
                        HashSet<string> error = new(["$", "$.Error", "$.Cause"], StringComparer.Ordinal);
                        yield return (target, AtResultPath(facts, error, catcher, "ResultPath"));
                    }
                }

                yield break;
            case "Wait":
                foreach (var edge in Onward(state, facts))
                {
                    yield return edge;
                }

                yield break;
            default:
                yield break; // Succeed, Fail: the end.
        }
    }

    private static IEnumerable<(string, HashSet<string>)> Onward(JsonObject state, HashSet<string> facts) =>
        TemplateChecks.Text(state["Next"]) is { } next ? [(next, facts)] : [];

    private static IEnumerable<(string Name, JsonObject Machine)> Branches(JsonObject state)
    {
        var index = 0;
        foreach (var branch in (state["Branches"] as JsonArray ?? []).OfType<JsonObject>())
        {
            yield return ($"branch {++index}", branch);
        }

        if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject items)
        {
            yield return ("items", items);
        }
    }

    /// <summary>The state's output: the result placed at ResultPath in the input, then OutputPath.</summary>
    private static HashSet<string> Output(JsonObject state, HashSet<string> input, HashSet<string> result)
    {
        var placed = AtResultPath(input, result, state, "ResultPath");
        if (state["OutputPath"] is not { } outputPath || TemplateChecks.Text(outputPath) is "$")
        {
            return placed;
        }

        if (TemplateChecks.Text(outputPath) is not { } selected || Normalized(selected) is not { } root)
        {
            return [];
        }

        return [.. placed.Where(p => p == root || p.StartsWith(root + ".", StringComparison.Ordinal)).Select(p => "$" + p[root.Length..])];
    }

    private static HashSet<string> AtResultPath(HashSet<string> input, HashSet<string> result, JsonObject owner, string field)
    {
        if (!owner.ContainsKey(field))
        {
            return [.. result];
        }

        if (owner[field] is null)
        {
            return [.. input]; // ResultPath null: the input goes on unchanged.
        }

        if (TemplateChecks.Text(owner[field]) is not { } text || Normalized(text) is not { } path)
        {
            return [];
        }

        if (path == "$")
        {
            return [.. result];
        }

        var facts = input.Where(p => p != path && !p.StartsWith(path + ".", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        facts.UnionWith(result.Select(r => path + r[1..]));
        for (var cut = path.LastIndexOf('.'); cut > 1; cut = path.LastIndexOf('.', cut - 1))
        {
            facts.Add(path[..cut]); // the objects the result was placed in exist
        }

        return facts;
    }

    /// <summary>The non-null paths of the object a Parameters/ResultSelector template builds from an input with <paramref name="facts"/>.</summary>
    private static HashSet<string> Produced(JsonObject template, HashSet<string> facts)
    {
        var produced = new HashSet<string>(["$"], StringComparer.Ordinal);
        AddProduced(template, "$", facts, produced);
        return produced;
    }

    private static void AddProduced(JsonObject template, string prefix, HashSet<string> facts, HashSet<string> produced)
    {
        foreach (var (key, value) in template)
        {
            if (key.EndsWith(".$", StringComparison.Ordinal))
            {
                var target = $"{prefix}.{key[..^2]}";
                var expression = TemplateChecks.Text(value) ?? string.Empty;
                if (expression.StartsWith("States.", StringComparison.Ordinal))
                {
                    if (NonNullResults.Contains(expression[..Math.Max(0, expression.IndexOf('(', StringComparison.Ordinal))]))
                    {
                        produced.Add(target);
                    }
                }
                else if (expression.StartsWith("$$.", StringComparison.Ordinal) || expression == "$" || IsIndefinite(expression))
                {
                    produced.Add(target);
                }
                else if (Normalized(expression) is { } source && facts.Contains(source))
                {
                    produced.Add(target);
                    produced.UnionWith(facts.Where(f => f.StartsWith(source + ".", StringComparison.Ordinal)).Select(f => target + f[source.Length..]));
                }
            }
            else if (value is JsonObject nested)
            {
                produced.Add($"{prefix}.{key}");
                AddProduced(nested, $"{prefix}.{key}", facts, produced);
            }
            else if (value is not null)
            {
                produced.Add($"{prefix}.{key}");
            }
        }
    }

    /// <summary>
    /// A path with a filter, a wildcard or a deep scan selects a list (an empty one when nothing matches), never null.
    /// </summary>
    private static bool IsIndefinite(string path) =>
        path.StartsWith('$')
        && (path.Contains("[?(", StringComparison.Ordinal) || path.Contains("[*]", StringComparison.Ordinal) || path.Contains("..", StringComparison.Ordinal));

    private static HashSet<string> Literal(JsonNode? value)
    {
        var facts = new HashSet<string>(StringComparer.Ordinal);
        void Add(JsonNode? node, string path)
        {
            if (node is null)
            {
                return;
            }

            facts.Add(path);
            foreach (var (key, member) in node as JsonObject ?? [])
            {
                Add(member, $"{path}.{key}");
            }
        }

        Add(value, "$");
        return facts;
    }

    /// <summary>What a Choice rule that matched says is non-null.</summary>
    private static HashSet<string> Matched(JsonObject rule)
    {
        if (rule["And"] is JsonArray all)
        {
            return [.. all.OfType<JsonObject>().SelectMany(Matched)];
        }

        if (rule["Or"] is JsonArray any)
        {
            return Intersection(any.OfType<JsonObject>().Select(Matched));
        }

        if (rule["Not"] is JsonObject inner)
        {
            return Unmatched(inner);
        }

        if (TemplateChecks.Text(rule["Variable"]) is not { } variable || Normalized(variable) is not { } path)
        {
            return [];
        }

        var (op, operand) = Comparison(rule);
        return op switch
        {
            "IsPresent" => [],
            "IsNull" => operand?.GetValueKind() == JsonValueKind.False ? [path] : [],
            "IsString" or "IsNumeric" or "IsBoolean" or "IsTimestamp" => operand?.GetValueKind() == JsonValueKind.True ? [path] : [],
            _ => [path], // any comparison that matched compared a value
        };
    }

    /// <summary>What a Choice rule that did not match says is non-null (the variable exists: a missing one is States.Runtime).</summary>
    private static HashSet<string> Unmatched(JsonObject rule)
    {
        if (rule["And"] is JsonArray all)
        {
            return Intersection(all.OfType<JsonObject>().Select(Unmatched));
        }

        if (rule["Or"] is JsonArray any)
        {
            return [.. any.OfType<JsonObject>().SelectMany(Unmatched)];
        }

        if (rule["Not"] is JsonObject inner)
        {
            return Matched(inner);
        }

        if (TemplateChecks.Text(rule["Variable"]) is not { } variable || Normalized(variable) is not { } path)
        {
            return [];
        }

        var (op, operand) = Comparison(rule);
        return op switch
        {
            "IsNull" => operand?.GetValueKind() == JsonValueKind.True ? [path] : [],
            "IsString" or "IsNumeric" or "IsBoolean" or "IsTimestamp" => operand?.GetValueKind() == JsonValueKind.False ? [path] : [],
            _ => [],
        };
    }

    private static (string? Operator, JsonNode? Operand) Comparison(JsonObject rule)
    {
        foreach (var (key, value) in rule)
        {
            if (key is not ("Variable" or "Next" or "Comment"))
            {
                return (key, value);
            }
        }

        return (null, null);
    }

    private static HashSet<string> Intersection(IEnumerable<HashSet<string>> sets)
    {
        HashSet<string>? result = null;
        foreach (var set in sets)
        {
            if (result is null)
            {
                result = [.. set];
            }
            else
            {
                result.IntersectWith(set);
            }
        }

        return result ?? [];
    }

    private static void CheckState(string where, JsonObject state, HashSet<string> facts, IReadOnlyDictionary<string, string> trusted,
        ISet<string> usedTrust, List<string> problems)
    {
        switch (TemplateChecks.Text(state["Type"]))
        {
            case "Pass":
                if (state["Parameters"] is JsonObject passParameters)
                {
                    CheckTemplate(where, "Parameters", passParameters, facts, trusted, usedTrust, problems);
                }

                break;
            case "Task" or "Map" or "Parallel":
                foreach (var (branchName, branch) in Branches(state))
                {
                    // A branch or an item starts from what it is given, of which nothing is known here.
                    Analyse($"{where} > {branchName}", branch, [], trusted, usedTrust, problems);
                }

                foreach (var field in new[] { "Parameters", "ItemSelector" })
                {
                    if (state[field] is JsonObject taskParameters)
                    {
                        CheckTemplate(where, field, taskParameters, facts, trusted, usedTrust, problems);
                    }
                }

                if (state["ResultSelector"] is JsonObject selector)
                {
                    CheckTemplate(where, "ResultSelector", selector, [], trusted, usedTrust, problems);
                }

                break;
            case "Fail":
                foreach (var field in new[] { "ErrorPath", "CausePath" })
                {
                    if (TemplateChecks.Text(state[field]) is { } expression)
                    {
                        CheckExpression($"{where}: {field}", expression, facts, trusted, usedTrust, problems);
                    }
                }

                break;
        }
    }

    private static void CheckTemplate(string where, string field, JsonObject template, HashSet<string> facts, IReadOnlyDictionary<string, string> trusted,
        ISet<string> usedTrust, List<string> problems)
    {
        foreach (var (key, value) in template)
        {
            if (key.EndsWith(".$", StringComparison.Ordinal)
                && TemplateChecks.Text(value) is { } expression
                && expression.StartsWith("States.", StringComparison.Ordinal))
            {
                CheckExpression($"{where}: {field}.{key}", expression, facts, trusted, usedTrust, problems);
            }
            else if (value is JsonObject nested)
            {
                CheckTemplate(where, $"{field}.{key}", nested, facts, trusted, usedTrust, problems);
            }
        }
    }

    /// <summary>A reference path must be non-null; an intrinsic must have no argument that may be null.</summary>
    private static void CheckExpression(string where, string expression, HashSet<string> facts, IReadOnlyDictionary<string, string> trusted,
        ISet<string> usedTrust, List<string> problems)
    {
        if (!expression.StartsWith("States.", StringComparison.Ordinal))
        {
            CheckPath(where, expression, facts, trusted, usedTrust, problems);
            return;
        }

        if (!TryParseCall(expression, out var function, out var arguments))
        {
            problems.Add($"{where}: cannot read the intrinsic {expression}");
            return;
        }

        foreach (var argument in arguments)
        {
            if (argument.StartsWith("States.", StringComparison.Ordinal))
            {
                CheckExpression(where, argument, facts, trusted, usedTrust, problems);
            }
            else if (argument == "null")
            {
                problems.Add($"{where}: {function} is given a null literal");
            }
            else if (argument.StartsWith('$'))
            {
                CheckPath($"{where}: {function} argument", argument, facts, trusted, usedTrust, problems);
            }
        }
    }

    private static void CheckPath(string where, string path, HashSet<string> facts, IReadOnlyDictionary<string, string> trusted,
        ISet<string> usedTrust, List<string> problems)
    {
        if (path == "$" || path.StartsWith("$$.", StringComparison.Ordinal))
        {
            return;
        }

        var normalized = Normalized(path);
        if (normalized is not null && facts.Contains(normalized))
        {
            return;
        }

        if (trusted.ContainsKey(path))
        {
            usedTrust.Add(path);
            return;
        }

        problems.Add($"{where} {path} may be null on some way to this state (guard it with a Choice, give it a non-null default, or trust it with a reason)");
    }

    /// <summary><c>$.a.b</c> as it is; null for paths the analysis does not follow (brackets, wildcards, filters).</summary>
    private static string? Normalized(string path)
    {
        if (path == "$")
        {
            return path;
        }

        return path.StartsWith("$.", StringComparison.Ordinal)
            && path.IndexOfAny(['[', '*', '?', '(', ' ']) < 0
            && !path.Contains("..", StringComparison.Ordinal)
            ? path.TrimEnd('.')
            : null;
    }

    /// <summary>Splits <c>States.F(a, 'b, c', States.G(d))</c> into its name and top-level arguments.</summary>
    internal static bool TryParseCall(string expression, out string function, out List<string> arguments)
    {
        arguments = [];
        var open = expression.IndexOf('(', StringComparison.Ordinal);
        function = open < 0 ? expression : expression[..open].Trim();
        if (open < 0 || !expression.TrimEnd().EndsWith(')'))
        {
            return false;
        }

        var body = expression.TrimEnd()[(open + 1)..^1];
        var current = new StringBuilder();
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (quoted)
            {
                current.Append(c);
                if (c == '\\' && i + 1 < body.Length)
                {
                    current.Append(body[++i]);
                }
                else if (c == '\'')
                {
                    quoted = false;
                }

                continue;
            }

            switch (c)
            {
                case '\'':
                    quoted = true;
                    current.Append(c);
                    break;
                case '(':
                    depth++;
                    current.Append(c);
                    break;
                case ')':
                    depth--;
                    current.Append(c);
                    break;
                case ',' when depth == 0:
                    arguments.Add(current.ToString().Trim());
                    current.Clear();
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            arguments.Add(last);
        }

        return !quoted && depth == 0;
    }
}
