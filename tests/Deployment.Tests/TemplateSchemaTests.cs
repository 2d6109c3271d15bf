using System.Text.Json.Nodes;
using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>template.yaml against the official SAM schema, and proof that the validator catches errors.</summary>
public sealed class TemplateSchemaTests
{
    [Fact]
    public async Task Template_WhenValidatedAgainstSamSchema_ShouldHaveNoErrors()
    {
        var schema = await SamSchema.SharedAsync();

        var errors = schema.Validate(DeploymentFiles.Template.Document);

        Assert.True(errors.Count == 0, $"template.yaml fails the SAM schema ({DeploymentFiles.SamSchemaPath}):\n{string.Join('\n', errors)}");
    }

    [Fact]
    public async Task Template_WhenFunctionHasUnknownProperty_ShouldFailNamingThePath()
    {
        var schema = await SamSchema.SharedAsync();
        var document = DeploymentFiles.Template.Document.DeepClone().AsObject();
        var function = FirstResourceOfType(document, "AWS::Serverless::Function");
        function.Value["Properties"]!.AsObject()["HandlerTypo"] = "HealthCheck";

        var errors = schema.Validate(document);

        Assert.Contains(errors, error =>
            error.Contains($"Resources.{function.Key}.Properties.HandlerTypo", StringComparison.Ordinal)
            && error.Contains("NoAdditionalPropertiesAllowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Template_WhenStateMachineScheduleHasMisspeltProperty_ShouldFailNamingThePath()
    {
        var schema = await SamSchema.SharedAsync();
        var document = DeploymentFiles.Template.Document.DeepClone().AsObject();
        var stateMachine = FirstResourceOfType(document, "AWS::Serverless::StateMachine");
        stateMachine.Value["Properties"]!.AsObject()["Events"] = new JsonObject
        {
            ["Nightly"] = new JsonObject
            {
                ["Type"] = "ScheduleV2",
                ["Properties"] = new JsonObject { ["ScheduleExpresion"] = "rate(1 day)" },
            },
        };

        var errors = schema.Validate(document);

        Assert.Contains(errors, error =>
            error.Contains($"Resources.{stateMachine.Key}.Properties.Events.Nightly.Properties.ScheduleExpresion", StringComparison.Ordinal)
            && error.Contains("NoAdditionalPropertiesAllowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SamSchema_WhenFileIsMissing_ShouldSayWhereItLooked()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-folder", "sam.schema.json");

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => SamSchema.LoadAsync(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    private static KeyValuePair<string, JsonObject> FirstResourceOfType(JsonObject document, string type)
    {
        foreach (var (logicalId, resource) in document["Resources"]!.AsObject())
        {
            if (resource?["Type"]?.GetValue<string>() == type)
            {
                return new(logicalId, resource.AsObject());
            }
        }

        throw new InvalidOperationException($"template.yaml has no {type} to break on purpose");
    }
}
