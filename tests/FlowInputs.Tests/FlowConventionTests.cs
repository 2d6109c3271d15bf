using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DisasterRecovery.LocalTemplate;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.FlowInputs.Tests;

/// <summary>
/// The convention every statemachines/*.asl.json follows: its first state is <c>Check the input</c> (CheckFlowInput with the
/// flow's file stem), refusals end in <c>Input refused</c>, the flow has an input record, its sample in events/ and
/// its schedules' inputs pass, and its state machine may invoke the function.
/// </summary>
public sealed partial class FlowConventionTests
{
    private static readonly Lazy<SamTemplate> Template = new(() => SamTemplate.Load(RepositoryPaths.Of("template.yaml")));

    public static TheoryData<string> Flows() => new(FlowFiles());

    private static List<string> FlowFiles() =>
    [
        .. Directory.GetFiles(RepositoryPaths.Of("statemachines"), "*.asl.json").Order(StringComparer.Ordinal)
            .Select(file => Path.GetFileName(file)[..^".asl.json".Length]),
    ];

    [Fact]
    public void Flows_WhenListed_ShouldEachHaveAnInputRecord()
    {
        var files = FlowFiles();

        Assert.Contains("point-in-time-recovery", files);
        Assert.Equal(files, FlowInputCheck.Flows.Select(k => k.Flow).Where(files.Contains).ToList());
        Assert.All(files, flow => FlowInputCheck.For(flow));
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void FirstState_WhenRead_ShouldCheckTheInputWithTheFlowsNameAndFailAsInputRefused(string flow)
    {
        var machine = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of("statemachines", flow + ".asl.json")))!.AsObject();
        var states = machine["States"]!.AsObject();

        Assert.Equal("Check the input", machine["StartAt"]!.GetValue<string>());
        var check = states["Check the input"]!.AsObject();
        Assert.Equal("arn:aws:states:::lambda:invoke", check["Resource"]!.GetValue<string>());
        Assert.Equal("${CheckFlowInputFunctionArn}", check["Parameters"]!["FunctionName"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["flow"] = flow, ["input.$"] = "$" }, check["Parameters"]!["Payload"]), check.ToJsonString());
        Assert.True(check.ContainsKey("ResultPath") && check["ResultPath"] is null, "ResultPath must be null: the input goes on unchanged");
        Assert.Contains("Lambda.ServiceException", check["Retry"]![0]!["ErrorEquals"]!.AsArray().Select(e => e!.GetValue<string>()));
        var catcher = check["Catch"]!.AsArray().Single()!;
        Assert.Equal(("States.ALL", "$", "Input refused"),
            (catcher["ErrorEquals"]![0]!.GetValue<string>(), catcher["ResultPath"]!.GetValue<string>(), catcher["Next"]!.GetValue<string>()));
        Assert.True(states.ContainsKey(check["Next"]!.GetValue<string>()), $"{flow}: Check the input goes on to a missing state");
        var refused = states["Input refused"]!.AsObject();
        Assert.Equal(("Fail", "$.Error", "$.Cause"),
            (refused["Type"]!.GetValue<string>(), refused["ErrorPath"]!.GetValue<string>(), refused["CausePath"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void Sample_WhenReadFromEvents_ShouldExistAndPassItsCheck(string flow)
    {
        var sample = RepositoryPaths.Of("events", flow + ".json");
        Assert.True(File.Exists(sample), $"every flow has a sample input: events/{flow}.json does not exist");

        FlowInputCheck.Check(flow, JsonDocument.Parse(File.ReadAllBytes(sample)).RootElement);
    }

    [Theory]
    [MemberData(nameof(Flows))]
    public void StateMachine_WhenReadFromTheTemplate_ShouldBeAllowedToInvokeTheCheckAndItsSchedulesInputsShouldPass(string flow)
    {
        var machine = Template.Value.Resources.Values.Single(r =>
            r.Type == "AWS::Serverless::StateMachine" && r.Properties["DefinitionUri"]?.GetValue<string>() == $"statemachines/{flow}.asl.json");

        var substitution = machine.Properties["DefinitionSubstitutions"]!["CheckFlowInputFunctionArn"]!.ToJsonString();
        Assert.Equal("""{"Fn::GetAtt":["CheckFlowInputFunction","Arn"]}""", substitution);
        Assert.Contains(machine.Properties["Policies"]!.AsArray(), policy =>
            policy?["LambdaInvokePolicy"]?["FunctionName"]?.ToJsonString() == """{"Ref":"CheckFlowInputFunction"}""");

        foreach (var (name, schedule) in (machine.Properties["Events"]?.AsObject() ?? []).Where(e => e.Value?["Type"]?.GetValue<string>() == "ScheduleV2"))
        {
            // Both ways a deployment resolves it: with the parameters' defaults, and with a production value for each.
            foreach (var input in ScheduleInputs(schedule!["Properties"]!["Input"]))
            {
                var error = Record.Exception(() => FlowInputCheck.Check(flow, JsonDocument.Parse(input).RootElement));
                Assert.True(error is null, $"{flow}: schedule {name}'s input {input}: {error?.Message}");
            }
        }
    }

    /// <summary>A schedule's Input: <c>{}</c> when absent, the text, or a <c>Fn::Sub</c> with each parameter as its default and as a set value.</summary>
    private static IEnumerable<string> ScheduleInputs(JsonNode? input)
    {
        if (input is null)
        {
            yield return "{}";
        }
        else if (input is JsonValue text)
        {
            yield return text.GetValue<string>();
        }
        else
        {
            var template = input["Fn::Sub"]!.GetValue<string>();
            var parameters = Template.Value.Parameters;
            yield return Substitution().Replace(template, m => parameters[m.Groups[1].Value]?["Default"]?.ToString() ?? string.Empty);
            yield return Substitution().Replace(template, _ => "https://api.example.com/health");
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Substitution();
}
