using System.Text.Json;
using System.Text.Json.Nodes;
using DisasterRecovery.LocalStepFunctions.Errors;
using DisasterRecovery.LocalStepFunctions.Json;
using DisasterRecovery.LocalStepFunctions.Paths;
using DisasterRecovery.LocalStepFunctions.Processing;

namespace DisasterRecovery.LocalStepFunctions.Model;

/// <summary>
/// Parses ASL JSON into the immutable model and validates it the way the Step Functions API does on
/// CreateStateMachine, collecting every problem (with the state and field it concerns) instead of stopping
/// at the first, so a definition can be fixed in one pass.
/// </summary>
internal sealed partial class StateMachineParser
{
    private static readonly HashSet<string> CommonFields = ["Type", "Comment", "InputPath", "OutputPath", "Next", "End", "QueryLanguage"];

    private static readonly Dictionary<string, HashSet<string>> FieldsByType = new(StringComparer.Ordinal)
    {
        ["Pass"] = [.. CommonFields, "Parameters", "Result", "ResultPath"],
        ["Task"] = [.. CommonFields, "Resource", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch",
            "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials"],
        ["Choice"] = ["Type", "Comment", "InputPath", "OutputPath", "Choices", "Default", "QueryLanguage"],
        ["Wait"] = [.. CommonFields, "Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
        ["Succeed"] = ["Type", "Comment", "InputPath", "OutputPath", "QueryLanguage"],
        ["Fail"] = ["Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath", "QueryLanguage"],
        ["Parallel"] = [.. CommonFields, "Branches", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch"],
        ["Map"] = [.. CommonFields, "ItemProcessor", "Iterator", "ItemsPath", "ItemSelector", "Parameters", "MaxConcurrency",
            "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath", "ResultSelector", "ResultPath", "Retry", "Catch", "Label"],
    };

    /// <summary>Fields that are valid ASL but need AWS services this local engine does not emulate.</summary>
    private static readonly Dictionary<string, string> UnsupportedFields = new(StringComparer.Ordinal)
    {
        ["ItemReader"] = "Distributed Map ItemReader (reading items from S3) is not supported by the local engine",
        ["ItemBatcher"] = "Distributed Map ItemBatcher is not supported by the local engine",
        ["ResultWriter"] = "Distributed Map ResultWriter (writing results to S3) is not supported by the local engine",
        ["Assign"] = "workflow variables (Assign) are not supported by the local engine",
        ["Arguments"] = "Arguments is a JSONata field; the local engine runs the JSONPath query language only",
        ["Output"] = "Output is a JSONata field; the local engine runs the JSONPath query language only",
    };

    private readonly List<ValidationError> _errors = [];

    public static StateMachine Parse(string definitionJson)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(definitionJson, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            throw new AslValidationException([new ValidationError("/", null, null, "The definition is not valid JSON: " + ex.Message)]);
        }

        var parser = new StateMachineParser();
        var machine = parser.ParseMachine(root, string.Empty, isRoot: true);
        if (parser._errors.Count > 0 || machine is null)
        {
            throw new AslValidationException(parser._errors);
        }

        return machine;
    }

    private StateMachine? ParseMachine(JsonNode? node, string location, bool isRoot)
    {
        var at = location.Length == 0 ? "/" : location;
        if (node is not JsonObject obj)
        {
            Report(at, null, null, "A state machine must be a JSON object");
            return null;
        }

        HashSet<string> allowed = isRoot
            ? ["Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"]
            : ["Comment", "StartAt", "States", "ProcessorConfig"];
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key))
            {
                Report($"{location}/{key}", null, key, $"Field '{key}' is not supported at the top of a {(isRoot ? "state machine" : "branch")}");
            }
        }

        CheckQueryLanguage(obj, location, null);
        var startAt = ReadString(obj, "StartAt", location, null, required: true);
        var timeout = isRoot ? ReadInteger(obj, "TimeoutSeconds", location, null, minimum: 1) : null;
        ReadString(obj, "Comment", location, null);

        var states = new Dictionary<string, State>(StringComparer.Ordinal);
        var transitions = new List<(string Location, string State, string Field, string Target)>();
        if (!obj.TryGetPropertyValue("States", out var statesNode) || statesNode is not JsonObject statesObj || statesObj.Count == 0)
        {
            Report($"{location}/States", null, "States", "Field 'States' is required and must be a non-empty object");
        }
        else
        {
            foreach (var (name, stateNode) in statesObj)
            {
                if (name.Length is 0 or > 80)
                {
                    Report($"{location}/States/{name}", name, null, "A state name must be 1 to 80 characters long");
                }

                var state = ParseState(name, stateNode, $"{location}/States/{name}", transitions);
                if (state is not null)
                {
                    states[name] = state;
                }
            }
        }

        if (startAt is not null && statesNode is JsonObject declared && !declared.ContainsKey(startAt))
        {
            Report($"{location}/StartAt", null, "StartAt", $"StartAt '{startAt}' does not name a state");
        }

        foreach (var (transitionLocation, state, field, target) in transitions)
        {
            if (statesNode is JsonObject declaredStates && !declaredStates.ContainsKey(target))
            {
                Report(transitionLocation, state, field, $"State '{state}': {field} '{target}' does not name a state in the same scope");
            }
        }

        if (startAt is not null && states.ContainsKey(startAt) && states.Count == (statesNode as JsonObject)?.Count)
        {
            ReportUnreachable(startAt, states, location);
        }

        return startAt is null || states.Count == 0 ? null : new StateMachine(
            obj.TryGetPropertyValue("Comment", out var comment) && JsonValues.TryGetString(comment, out var text) ? text : null,
            startAt, states, (int?)timeout);
    }

    private void ReportUnreachable(string startAt, Dictionary<string, State> states, string location)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { startAt };
        var queue = new Queue<string>([startAt]);
        while (queue.Count > 0)
        {
            var state = states[queue.Dequeue()];
            foreach (var target in Successors(state))
            {
                if (states.ContainsKey(target) && reached.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }

        foreach (var name in states.Keys.Where(n => !reached.Contains(n)))
        {
            Report($"{location}/States/{name}", name, null, $"State '{name}' is not reachable from StartAt '{startAt}'");
        }
    }

    private static IEnumerable<string> Successors(State state)
    {
        if (state.Next is not null)
        {
            yield return state.Next;
        }

        if (state is ChoiceState choice)
        {
            foreach (var rule in choice.Choices)
            {
                yield return rule.Next;
            }

            if (choice.Default is not null)
            {
                yield return choice.Default;
            }
        }

        if (state is RecoverableState recoverable)
        {
            foreach (var catcher in recoverable.Catch)
            {
                yield return catcher.Next;
            }
        }
    }

    private State? ParseState(string name, JsonNode? node, string location, List<(string, string, string, string)> transitions)
    {
        if (node is not JsonObject obj)
        {
            Report(location, name, null, $"State '{name}' must be a JSON object");
            return null;
        }

        var type = ReadString(obj, "Type", location, name, required: true);
        if (type is null)
        {
            return null;
        }

        if (!FieldsByType.TryGetValue(type, out var allowed))
        {
            Report($"{location}/Type", name, "Type", $"State '{name}' has unknown Type '{type}' (expected one of {string.Join(", ", FieldsByType.Keys)})");
            return null;
        }

        foreach (var (key, _) in obj)
        {
            if (UnsupportedFields.TryGetValue(key, out var why))
            {
                Report($"{location}/{key}", name, key, $"State '{name}': {why}");
            }
            else if (!allowed.Contains(key))
            {
                Report($"{location}/{key}", name, key, $"State '{name}': field '{key}' is not supported by a {type} state");
            }
        }

        CheckQueryLanguage(obj, location, name);
        ReadString(obj, "Comment", location, name);
        var hasTransition = type is not ("Choice" or "Succeed" or "Fail");
        string? next = null;
        var end = false;
        if (hasTransition)
        {
            next = ReadString(obj, "Next", location, name);
            end = ReadBoolean(obj, "End", location, name) ?? false;
            if (next is not null && end)
            {
                Report($"{location}/Next", name, "Next", $"State '{name}' has both Next and End: true; use exactly one");
            }
            else if (next is null && !end)
            {
                Report(location, name, "Next", $"State '{name}' must have either Next or End: true");
            }

            if (next is not null)
            {
                transitions.Add(($"{location}/Next", name, "Next", next));
            }
        }

        var inputPath = ReadPath(obj, "InputPath", location, name);
        var outputPath = ReadPath(obj, "OutputPath", location, name);
        return type switch
        {
            "Pass" => new PassState
            {
                Name = name, Next = next, End = end, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj),
                Parameters = ReadTemplate(obj, "Parameters", location, name),
                ResultPath = ReadResultPath(obj, "ResultPath", location, name),
                HasResult = obj.ContainsKey("Result"),
                Result = obj.TryGetPropertyValue("Result", out var result) ? result : null,
            },
            "Task" => ParseTask(name, obj, location, next, end, inputPath, outputPath, transitions),
            "Choice" => ParseChoice(name, obj, location, inputPath, outputPath, transitions),
            "Wait" => ParseWait(name, obj, location, next, end, inputPath, outputPath),
            "Succeed" => new SucceedState { Name = name, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj) },
            "Fail" => ParseFail(name, obj, location),
            "Parallel" => ParseParallel(name, obj, location, next, end, inputPath, outputPath, transitions),
            _ => ParseMap(name, obj, location, next, end, inputPath, outputPath, transitions),
        };
    }

    private TaskState ParseTask(string name, JsonObject obj, string location, string? next, bool end,
        JsonPathExpression? inputPath, JsonPathExpression? outputPath, List<(string, string, string, string)> transitions)
    {
        var timeout = ReadInteger(obj, "TimeoutSeconds", location, name, minimum: 1);
        var timeoutPath = ReadReferencePath(obj, "TimeoutSecondsPath", location, name);
        var heartbeat = ReadInteger(obj, "HeartbeatSeconds", location, name, minimum: 1);
        var heartbeatPath = ReadReferencePath(obj, "HeartbeatSecondsPath", location, name);
        ExclusivePair(obj, "TimeoutSeconds", "TimeoutSecondsPath", location, name);
        ExclusivePair(obj, "HeartbeatSeconds", "HeartbeatSecondsPath", location, name);
        if (timeout is not null && heartbeat is not null && heartbeat >= timeout)
        {
            Report($"{location}/HeartbeatSeconds", name, "HeartbeatSeconds",
                $"State '{name}': HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})");
        }

        return new TaskState
        {
            Name = name, Next = next, End = end, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj),
            Resource = ReadString(obj, "Resource", location, name, required: true) ?? string.Empty,
            Parameters = ReadTemplate(obj, "Parameters", location, name),
            ResultSelector = ReadTemplate(obj, "ResultSelector", location, name),
            ResultPath = ReadResultPath(obj, "ResultPath", location, name),
            Retry = ReadRetry(obj, location, name),
            Catch = ReadCatch(obj, location, name, transitions),
            TimeoutSeconds = (int?)timeout,
            TimeoutSecondsPath = timeoutPath,
            HeartbeatSeconds = (int?)heartbeat,
            HeartbeatSecondsPath = heartbeatPath,
        };
    }

    private ChoiceState ParseChoice(string name, JsonObject obj, string location, JsonPathExpression? inputPath,
        JsonPathExpression? outputPath, List<(string, string, string, string)> transitions)
    {
        var rules = new List<ChoiceRule>();
        if (!obj.TryGetPropertyValue("Choices", out var choices) || choices is not JsonArray array || array.Count == 0)
        {
            Report($"{location}/Choices", name, "Choices", $"State '{name}': Choices is required and must be a non-empty array");
        }
        else
        {
            for (var i = 0; i < array.Count; i++)
            {
                var ruleLocation = $"{location}/Choices/{i}";
                if (array[i] is not JsonObject rule)
                {
                    Report(ruleLocation, name, "Choices", $"State '{name}': each Choice Rule must be an object");
                    continue;
                }

                var ruleNext = ReadString(rule, "Next", ruleLocation, name);
                if (ruleNext is null)
                {
                    Report($"{ruleLocation}/Next", name, "Next", $"State '{name}': Choice Rule {i} needs a Next field");
                }
                else
                {
                    transitions.Add(($"{ruleLocation}/Next", name, "Next", ruleNext));
                }

                var condition = ParseCondition(rule, ruleLocation, name, topLevel: true);
                if (condition is not null && ruleNext is not null)
                {
                    rules.Add(new ChoiceRule(condition, ruleNext));
                }
            }
        }

        var defaultState = ReadString(obj, "Default", location, name);
        if (defaultState is not null)
        {
            transitions.Add(($"{location}/Default", name, "Default", defaultState));
        }

        return new ChoiceState
        {
            Name = name, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj),
            Choices = rules, Default = defaultState,
        };
    }

    private WaitState ParseWait(string name, JsonObject obj, string location, string? next, bool end,
        JsonPathExpression? inputPath, JsonPathExpression? outputPath)
    {
        var present = new[] { "Seconds", "Timestamp", "SecondsPath", "TimestampPath" }.Where(obj.ContainsKey).ToList();
        if (present.Count != 1)
        {
            Report(
                location,
                name,
                "Seconds",
                $"State '{name}': a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath (found {present.Count})");
        }

        DateTimeOffset? timestamp = null;
        var timestampText = ReadString(obj, "Timestamp", location, name);
        if (timestampText is not null)
        {
            if (Timestamps.TryParse(timestampText, out var parsed))
            {
                timestamp = parsed;
            }
            else
            {
                Report(
                    $"{location}/Timestamp",
                    name,
                    "Timestamp",
                    $"State '{name}': Timestamp '{timestampText}' is not an RFC 3339 timestamp (e.g. 2016-03-14T01:59:00Z)");
            }
        }

        return new WaitState
        {
            Name = name, Next = next, End = end, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj),
            Seconds = ReadInteger(obj, "Seconds", location, name, minimum: 0),
            Timestamp = timestamp,
            SecondsPath = ReadReferencePath(obj, "SecondsPath", location, name),
            TimestampPath = ReadReferencePath(obj, "TimestampPath", location, name),
        };
    }

    private FailState ParseFail(string name, JsonObject obj, string location)
    {
        ExclusivePair(obj, "Error", "ErrorPath", location, name);
        ExclusivePair(obj, "Cause", "CausePath", location, name);
        return new FailState
        {
            Name = name, Comment = ReadComment(obj),
            Error = ReadString(obj, "Error", location, name),
            Cause = ReadString(obj, "Cause", location, name),
            ErrorPath = ReadDynamicString(obj, "ErrorPath", location, name),
            CausePath = ReadDynamicString(obj, "CausePath", location, name),
        };
    }

    private ParallelState ParseParallel(string name, JsonObject obj, string location, string? next, bool end,
        JsonPathExpression? inputPath, JsonPathExpression? outputPath, List<(string, string, string, string)> transitions)
    {
        var branches = new List<StateMachine>();
        if (!obj.TryGetPropertyValue("Branches", out var branchesNode) || branchesNode is not JsonArray array || array.Count == 0)
        {
            Report($"{location}/Branches", name, "Branches", $"State '{name}': Branches is required and must be a non-empty array");
        }
        else
        {
            for (var i = 0; i < array.Count; i++)
            {
                var branch = ParseMachine(array[i], $"{location}/Branches/{i}", isRoot: false);
                if (branch is not null)
                {
                    branches.Add(branch);
                }
            }
        }

        return new ParallelState
        {
            Name = name, Next = next, End = end, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj),
            Branches = branches,
            Parameters = ReadTemplate(obj, "Parameters", location, name),
            ResultSelector = ReadTemplate(obj, "ResultSelector", location, name),
            ResultPath = ReadResultPath(obj, "ResultPath", location, name),
            Retry = ReadRetry(obj, location, name),
            Catch = ReadCatch(obj, location, name, transitions),
        };
    }

    private MapState ParseMap(string name, JsonObject obj, string location, string? next, bool end,
        JsonPathExpression? inputPath, JsonPathExpression? outputPath, List<(string, string, string, string)> transitions)
    {
        ExclusivePair(obj, "ItemProcessor", "Iterator", location, name);
        ExclusivePair(obj, "ItemSelector", "Parameters", location, name);
        ExclusivePair(obj, "MaxConcurrency", "MaxConcurrencyPath", location, name);
        ExclusivePair(obj, "ToleratedFailureCount", "ToleratedFailureCountPath", location, name);
        ExclusivePair(obj, "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", location, name);
        var processorField = obj.ContainsKey("ItemProcessor") ? "ItemProcessor" : "Iterator";
        StateMachine? processor = null;
        if (!obj.TryGetPropertyValue(processorField, out var processorNode))
        {
            Report($"{location}/ItemProcessor", name, "ItemProcessor", $"State '{name}': a Map state needs an ItemProcessor (or the legacy Iterator)");
        }
        else
        {
            processor = ParseMachine(processorNode, $"{location}/{processorField}", isRoot: false);
        }

        var percentage = ReadNumber(obj, "ToleratedFailurePercentage", location, name);
        if (percentage is < 0 or > 100)
        {
            Report($"{location}/ToleratedFailurePercentage", name, "ToleratedFailurePercentage",
                $"State '{name}': ToleratedFailurePercentage must be between 0 and 100");
        }

        // Parameters is the pre-2022 name of ItemSelector; both select each iteration's input.
        var selectorField = obj.ContainsKey("ItemSelector") ? "ItemSelector" : "Parameters";
        return new MapState
        {
            Name = name, Next = next, End = end, InputPath = inputPath, OutputPath = outputPath, Comment = ReadComment(obj),
            ItemProcessor = processor ?? new StateMachine(null, string.Empty, new Dictionary<string, State>(), null),
            ItemsPath = ReadReferencePath(obj, "ItemsPath", location, name) ?? ReferencePath.Root,
            ItemSelector = ReadTemplate(obj, selectorField, location, name),
            MaxConcurrency = (int)(ReadInteger(obj, "MaxConcurrency", location, name, minimum: 0) ?? 0),
            MaxConcurrencyPath = ReadReferencePath(obj, "MaxConcurrencyPath", location, name),
            ToleratedFailureCount = (int?)ReadInteger(obj, "ToleratedFailureCount", location, name, minimum: 0),
            ToleratedFailureCountPath = ReadReferencePath(obj, "ToleratedFailureCountPath", location, name),
            ToleratedFailurePercentage = percentage,
            ToleratedFailurePercentagePath = ReadReferencePath(obj, "ToleratedFailurePercentagePath", location, name),
            ResultSelector = ReadTemplate(obj, "ResultSelector", location, name),
            ResultPath = ReadResultPath(obj, "ResultPath", location, name),
            Retry = ReadRetry(obj, location, name),
            Catch = ReadCatch(obj, location, name, transitions),
        };
    }
}
