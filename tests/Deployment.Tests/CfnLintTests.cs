using DisasterRecovery.Deployment.Tests.Support;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>template.yaml through AWS's CloudFormation linter (which runs the SAM transform first), and proof that it catches errors.</summary>
public sealed class CfnLintTests
{
    [SkippableFact]
    public async Task CfnLint_WhenTemplateHasItsDefaults_ShouldFindNothing()
    {
        Skip.If(CfnLint.MissingReason is not null, CfnLint.MissingReason);

        var matches = await CfnLint.LintAsync(DeploymentFiles.TemplatePath);

        Assert.True(matches.Count == 0, "cfn-lint template.yaml:\n" + string.Join('\n', matches));
    }

    [SkippableFact]
    public async Task CfnLint_WhenTransformedWithProductionValues_ShouldFindNothing()
    {
        Skip.If(CfnLint.MissingReason is not null, CfnLint.MissingReason);
        using var folder = new TemporaryFolder();
        var transformed = await WriteTransformedAsync(folder, DeploymentParameters.Production);

        var matches = await CfnLint.LintAsync(transformed, DeploymentParameters.Production);

        Assert.True(matches.Count == 0, "cfn-lint, production parameters, on template.yaml as transformed:\n" + string.Join('\n', matches));
    }

    [SkippableFact]
    public async Task CfnLint_WhenResourceHasMisspeltProperty_ShouldReportAnErrorOnItsLine()
    {
        Skip.If(CfnLint.MissingReason is not null, CfnLint.MissingReason);
        using var folder = new TemporaryFolder();
        var broken = folder.Write("template.yaml", """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Topic:
                Type: AWS::SNS::Topic
                Properties:
                  TopicNmae: alerts
            """);

        var matches = await CfnLint.LintAsync(broken);

        var match = Assert.Single(matches);
        Assert.Equal(("E3002", "Error", 6), (match.RuleId, match.Level, match.Line));
        Assert.Contains("TopicNmae", match.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task CfnLint_WhenParameterValueIsNotAllowed_ShouldReportItNamingTheParameter()
    {
        Skip.If(CfnLint.MissingReason is not null, CfnLint.MissingReason);
        using var folder = new TemporaryFolder();
        var transformed = await WriteTransformedAsync(folder, DeploymentParameters.Production);
        var parameters = new Dictionary<string, string>(DeploymentParameters.Production) { ["RegionRole"] = "secondary" };

        var matches = await CfnLint.LintAsync(transformed, parameters);

        var match = Assert.Single(matches);
        Assert.Equal(("E2900", "Error"), (match.RuleId, match.Level));
        Assert.Contains("'secondary' is not one of ['primary', 'dr']", match.Message, StringComparison.Ordinal);
    }

    /// <summary>template.yaml as CloudFormation receives it after the SAM transform, written to a file.</summary>
    private static async Task<string> WriteTransformedAsync(TemporaryFolder folder, IReadOnlyDictionary<string, string> parameters)
    {
        var result = await SamTranslator.TransformAsync(DeploymentFiles.TemplatePath, parameters);
        Assert.True(result.Template is not null, "the SAM translator refused template.yaml:\n" + string.Join('\n', result.Errors));
        return folder.Write("transformed.json", result.Template.ToJsonString());
    }
}
