using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>A parameter no default can be right for is empty ("not configured") until a deployment gives it.</summary>
public sealed class TemplateParameterTests
{
    public static TheoryData<string> RequiredForProduction => [.. DeploymentParameters.RequiredForProduction];

    [Theory]
    [MemberData(nameof(RequiredForProduction))]
    public void Template_WhenParameterMustBeSetForProduction_ShouldDefaultToEmptyAndSaySo(string name)
    {
        var parameter = DeploymentFiles.Template.Parameters[name];

        Assert.NotNull(parameter);
        Assert.Equal("", TemplateChecks.Text(parameter["Default"]));
        Assert.Contains("not configured", TemplateChecks.Text(parameter["Description"]) ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Template_WhenParametersHaveDefaults_ShouldPointAtNoPlaceholderHost()
    {
        var placeholders = DeploymentFiles.Template.Parameters
            .Where(parameter => TemplateChecks.Text(parameter.Value?["Default"]) is { } value
                && (value.Contains(".invalid", StringComparison.OrdinalIgnoreCase) || value.Contains("example.", StringComparison.OrdinalIgnoreCase)))
            .Select(parameter => $"{parameter.Key}: {parameter.Value?["Default"]}");

        Assert.Empty(placeholders);
    }

    [Fact]
    public void ProductionValues_WhenListed_ShouldGiveEveryParameterThatMustBeSet()
    {
        Assert.All(DeploymentParameters.RequiredForProduction, name =>
        {
            Assert.True(DeploymentParameters.Production.TryGetValue(name, out var value) && value.Length > 0, $"{name} has no production value");
            Assert.True(DeploymentFiles.Template.Parameters.ContainsKey(name), $"{name} is not a parameter of template.yaml");
        });
    }
}
