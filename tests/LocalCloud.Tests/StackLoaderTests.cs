using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalCloud.Schedules;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Tests;

public sealed class StackLoaderTests
{
    private const string FunctionArn = "arn:aws:lambda:us-east-1:000000000000:function:technician-marketplace-dr-HealthCheckFunction";

    [Fact]
    public void Load_WhenRepositoryTemplate_ShouldMapHealthCheckFunctionToItsAssemblyWithMergedEnvironment()
    {
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings());

        var function = stack.Functions.Single(f => f.LogicalId == "HealthCheckFunction");
        Assert.Equal("HealthCheck", function.Handler);
        Assert.Equal(FunctionArn, function.Arn);
        Assert.Equal(TimeSpan.FromSeconds(60), function.Timeout);
        Assert.Equal(256, function.MemorySize);
        Assert.Equal("production", function.Environment["DR_ENVIRONMENT"]);
        Assert.Equal("primary", function.Environment["DR_REGION_ROLE"]);
        Assert.Equal("HealthCheckEntryPoint", FunctionCatalog.FindEntryPoint(function.LogicalId, function.Handler).Name);
    }

    [Fact]
    public void Load_WhenRepositoryTemplate_ShouldResolveDefinitionSubstitutionsToLocalArns()
    {
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings());

        var machine = stack.StateMachines.Single(m => m.LogicalId == "ServiceHealthStateMachine");
        Assert.Equal("technician-marketplace-dr-service-health", machine.Name);
        Assert.Equal("arn:aws:states:us-east-1:000000000000:stateMachine:technician-marketplace-dr-service-health", machine.Arn);
        Assert.Equal(FunctionArn, machine.Substitutions["HealthCheckFunctionArn"]);
        Assert.Equal("arn:aws:sns:us-east-1:000000000000:technician-marketplace-dr-AlertTopic", machine.Substitutions["AlertTopicArn"]);
        var definition = JsonNode.Parse(machine.Definition)!;
        Assert.Equal(FunctionArn, definition["States"]!["Check Service Health"]!["Parameters"]!["FunctionName"]!.GetValue<string>());
        Assert.Equal(stack.Topics.Single(t => t.LogicalId == "AlertTopic").Arn,
            definition["States"]!["Alert On-Call That The Service Is Unhealthy"]!["Parameters"]!["TopicArn"]!.GetValue<string>());
        Assert.DoesNotContain("${", machine.Definition, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenRepositoryTemplate_ShouldReadTheScheduleV2EventWithItsSubstitutedInput()
    {
        // The primary environment as deployed: the URL is required in production and given at deploy time.
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings
        {
            ConfigEnvironment = "primary",
            ParameterOverrides = new Dictionary<string, string> { ["ServiceHealthUrl"] = "https://api.technician-marketplace.com/health" },
        });

        var schedule = stack.Schedules.Single(s => s.TargetLogicalId == "ServiceHealthStateMachine");
        Assert.Equal((ScheduleTargetKind.StateMachine, "EveryFiveMinutes", "ScheduleV2"), (schedule.TargetKind, schedule.EventName, schedule.EventType));
        Assert.Equal(TimeSpan.FromMinutes(5), Assert.IsType<RateExpression>(schedule.Expression).Interval);
        Assert.True(schedule.Enabled);
        var input = TestCloud.Json(schedule.Input);
        Assert.Equal("https://api.technician-marketplace.com/health", input["url"]!.GetValue<string>());
        Assert.Equal(200, input["expectedStatus"]!.GetValue<int>());
    }

    [Fact]
    public void Load_WhenRegionRoleIsDr_ShouldDisableTheScheduleAndUseTheDrRegion()
    {
        var stack = StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings
        {
            ParameterOverrides = new Dictionary<string, string> { ["RegionRole"] = "dr", ["ServiceHealthUrl"] = "http://127.0.0.1:1/health" },
        });

        var schedule = stack.Schedules.Single(s => s.TargetLogicalId == "ServiceHealthStateMachine");
        Assert.Equal("us-west-2", stack.Region);
        Assert.False(schedule.Enabled);
        Assert.Equal("http://127.0.0.1:1/health", TestCloud.Json(schedule.Input)["url"]!.GetValue<string>());
        Assert.All(stack.Functions, f =>
            Assert.StartsWith("arn:aws:lambda:us-west-2:000000000000:function:technician-marketplace-dr-", f.Arn, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_WhenOverrideIsNotAnAllowedValue_ShouldNameTheParameterAndItsAllowedValues()
    {
        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings
        {
            ParameterOverrides = new Dictionary<string, string> { ["RegionRole"] = "secondary" },
        }));

        Assert.Contains("Parameters.RegionRole", error.Message, StringComparison.Ordinal);
        Assert.Contains("[primary, dr]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenOverrideNamesNoParameter_ShouldListTheTemplatesParameters()
    {
        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(TestCloud.RepositoryTemplate, new StackSettings
        {
            ParameterOverrides = new Dictionary<string, string> { ["Environment"] = "dev" },
        }));

        Assert.Contains("'Environment'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(it has: EnvironmentName, RegionRole, ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenSubstitutionUsesAnUnknownResource_ShouldNameTheResourceAndProperty()
    {
        using var folder = new TempFolder();
        folder.Write("machine.asl.json", """{"StartAt":"Done","States":{"Done":{"Type":"Pass","Result":"${Target}","End":true}}}""");
        var template = folder.Write("template.yaml", """
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: machine.asl.json
                  DefinitionSubstitutions:
                    Target: !GetAtt MissingFunction.Arn
            """);

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("Machine: DefinitionSubstitutions.Target", error.Message, StringComparison.Ordinal);
        Assert.Contains("'MissingFunction' is not a resource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenDefinitionUsesAPlaceholderWithNoSubstitution_ShouldNameThePlaceholder()
    {
        using var folder = new TempFolder();
        folder.Write("machine.asl.json", """{"StartAt":"Done","States":{"Done":{"Type":"Pass","Result":"${Forgotten}","End":true}}}""");
        var template = folder.Write("template.yaml", """
            Resources:
              Machine:
                Type: AWS::Serverless::StateMachine
                Properties:
                  DefinitionUri: machine.asl.json
            """);

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("Machine: machine.asl.json uses ${Forgotten}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenScheduleExpressionIsInvalid_ShouldNameTheEventAndProperty()
    {
        using var folder = new TempFolder();
        var template = folder.Write("template.yaml", """
            Resources:
              Probe:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: ProbeFunction
                  Events:
                    Nightly:
                      Type: Schedule
                      Properties:
                        Schedule: cron(0 2 * * * *)
            """);

        var error = Assert.Throws<StackLoadException>(() => StackLoader.Load(template, new StackSettings()));

        Assert.Contains("Probe: Events.Nightly: Properties.Schedule", error.Message, StringComparison.Ordinal);
        Assert.Contains("exactly one of day-of-month", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindEntryPoint_WhenHandlerNamesNoReferencedAssembly_ShouldListTheFunctionAssemblies()
    {
        var error = Assert.Throws<FunctionNotFoundException>(() => FunctionCatalog.FindEntryPoint("RestoreFunction", "RestoreSnapshot"));

        Assert.Contains("RestoreFunction: Handler 'RestoreSnapshot'", error.Message, StringComparison.Ordinal);
        Assert.Contains("HealthCheck", error.Message, StringComparison.Ordinal);
    }
}
