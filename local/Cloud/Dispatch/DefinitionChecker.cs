using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Emulators;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Dispatch;

/// <summary>
/// Checks a state machine's Task states against what the local cloud can run, the way Step Functions validates a
/// definition when it is created: unknown resources, actions and parameters are refused before anything runs, each
/// problem naming the state and the field.
/// </summary>
public static class DefinitionChecker
{
    /// <summary>Every problem found (empty when the machine can run locally).</summary>
    public static IReadOnlyList<string> Problems(StateMachineDefinition machine, LoadedStack stack, ServiceEmulatorRegistry emulators)
    {
        var problems = new List<string>();
        var definition = JsonNode.Parse(machine.Definition) as JsonObject ?? [];
        CheckStates(definition, "", stack, emulators, problems);
        return problems;
    }

    /// <summary>Throws when the machine cannot run locally.</summary>
    /// <exception cref="StackLoadException">Listing every problem.</exception>
    public static void Require(StateMachineDefinition machine, LoadedStack stack, ServiceEmulatorRegistry emulators)
    {
        var problems = Problems(machine, stack, emulators);
        if (problems.Count > 0)
        {
            throw new StackLoadException(
                $"{machine.LogicalId} ({machine.DefinitionSource}) cannot run in the local cloud:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", problems));
        }
    }

    private static void CheckStates(JsonObject machine, string location, LoadedStack stack, ServiceEmulatorRegistry emulators, List<string> problems)
    {
        if (machine["States"] is not JsonObject states)
        {
            return;
        }

        foreach (var (name, node) in states)
        {
            if (node is not JsonObject state)
            {
                continue;
            }

            var here = $"{location}/States/{name}";
            switch (state["Type"]?.GetValue<string>())
            {
                case "Task":
                    CheckTask(state, here, stack, emulators, problems);
                    break;
                case "Parallel" when state["Branches"] is JsonArray branches:
                    for (var i = 0; i < branches.Count; i++)
                    {
                        if (branches[i] is JsonObject branch)
                        {
                            CheckStates(branch, $"{here}/Branches[{i}]", stack, emulators, problems);
                        }
                    }

                    break;
                case "Map":
                    if ((state["ItemProcessor"] ?? state["Iterator"]) is JsonObject processor)
                    {
                        CheckStates(processor, $"{here}/ItemProcessor", stack, emulators, problems);
                    }

                    break;
            }
        }
    }

    private static void CheckTask(JsonObject state, string here, LoadedStack stack, ServiceEmulatorRegistry emulators, List<string> problems)
    {
        if (state["Resource"] is not JsonValue resourceValue || !resourceValue.TryGetValue<string>(out var resource))
        {
            return; // The ASL parser already reported it.
        }

        var baseResource = resource;
        foreach (var suffix in new[] { ".waitForTaskToken", ".sync:2", ".sync" })
        {
            if (baseResource.EndsWith(suffix, StringComparison.Ordinal))
            {
                if (suffix != ".waitForTaskToken" && !(suffix == ".sync" && baseResource == TaskResource.EcsRunTask + suffix))
                {
                    problems.Add($"{here}/Resource: the {suffix} integration pattern is not emulated locally ('{resource}')");
                    return;
                }

                baseResource = baseResource[..^suffix.Length];
            }
        }

        var parameters = state["Parameters"];
        switch (TaskResource.Classify(baseResource))
        {
            case LambdaFunctionResource function:
                if (stack.FindFunction(function.FunctionArn) is null)
                {
                    problems.Add($"{here}/Resource: '{function.FunctionArn}' is not a function of this template (functions: {FunctionArns(stack)})");
                }

                break;
            case LambdaInvokeResource:
                CheckParameters(LocalTaskDispatcher.LambdaInvokeShape, parameters, here, problems);
                if (parameters?["FunctionName"] is JsonValue name && name.TryGetValue<string>(out var functionName) && stack.FindFunction(functionName) is null)
                {
                    problems.Add($"{here}/Parameters/FunctionName: '{functionName}' is not a function of this template (functions: {FunctionArns(stack)})");
                }

                break;
            case SnsPublishResource:
                CheckParameters(emulators.Find("sns")!.InputShape("publish")!, parameters, here, problems);
                break;
            case EksCallResource when emulators.Find("eks")?.InputShape("call") is { } eksCall:
                CheckParameters(eksCall, parameters, here, problems);
                break;
            case EcsRunTaskResource when emulators.Find("ecs")?.InputShape("runTask") is { } runTask:
                CheckParameters(runTask, parameters, here, problems);
                break;
            case AwsSdkResource sdk:
                var emulator = emulators.Find(sdk.Service);
                if (emulator is null)
                {
                    problems.Add($"{here}/Resource: the local cloud has no emulator for the '{sdk.Service}' service ('{resource}'); it emulates: {emulators.Describe()}");
                    break;
                }

                var shape = emulator.InputShape(sdk.Action);
                if (shape is null)
                {
                    problems.Add($"{here}/Resource: the {sdk.Service} emulator has no action '{sdk.Action}' (actions: {string.Join(", ", emulator.Actions.Order(StringComparer.Ordinal))})");
                    break;
                }

                CheckParameters(shape, parameters, here, problems);
                break;
            default:
                problems.Add($"{here}/Resource: '{resource}' is not something the local cloud runs (it runs function ARNs, arn:aws:states:::lambda:invoke, " +
                             "arn:aws:states:::sns:publish, arn:aws:states:::eks:call, arn:aws:states:::ecs:runTask(.sync) " +
                             $"and arn:aws:states:::aws-sdk: for {emulators.Describe()})");
                break;
        }
    }

    private static void CheckParameters(StructureShape shape, JsonNode? parameters, string here, List<string> problems)
    {
        var found = new List<string>();
        shape.ValidateTemplate(parameters ?? new JsonObject(), string.Empty, found);
        problems.AddRange(found.Select(p => $"{here}/Parameters: {p}"));
    }

    private static string FunctionArns(LoadedStack stack) => StackLoader.Names(stack.Functions.Select(f => f.Arn));
}
