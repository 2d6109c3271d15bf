using System.Text.Json.Nodes;
using DisasterRecovery.LocalTemplate;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>One finding of cfn-lint: its rule, level (Error, Warning, Informational), message and line.</summary>
internal sealed record CfnLintMatch(string RuleId, string Level, string Message, int Line)
{
    public override string ToString() => $"{RuleId} ({Level}) line {Line}: {Message}";
}

/// <summary>
/// AWS's CloudFormation linter, <c>cfn-lint</c> (pip install cfn-lint; 1.51 is what this project checks with), run
/// on PATH. It applies the SAM transform itself and checks every resource against CloudFormation's resource schemas.
/// </summary>
internal static class CfnLint
{
    public const string ExecutableName = "cfn-lint";

    /// <summary>Why a test that needs cfn-lint cannot run here, or null when it can.</summary>
    public static string? MissingReason =>
        ExternalTool.FindOnPath(ExecutableName) is null
            ? $"{ExecutableName} is not on PATH (it is not packaged in Debian: pip install cfn-lint)"
            : null;

    /// <summary>
    /// Lints a template with every rule, informational ones included. <paramref name="parameters"/> are given as a
    /// parameter file (cfn-lint checks them against the template's types, patterns and allowed values, and resolves
    /// references with them); a List-typed parameter's value is split at its commas. cfn-lint drops parameter values
    /// after its own SAM transform, so give them with a template the SAM translator has already transformed.
    /// </summary>
    public static async Task<IReadOnlyList<CfnLintMatch>> LintAsync(string templatePath, IReadOnlyDictionary<string, string>? parameters = null)
    {
        var executable = ExternalTool.FindOnPath(ExecutableName) ?? throw new InvalidOperationException(MissingReason);
        using var folder = new TemporaryFolder();
        List<string> arguments = ["--format", "json", "--include-checks", "I"];
        if (parameters is { Count: > 0 })
        {
            arguments.AddRange(["--parameter-files", folder.Write("parameters.json", ParameterFile(templatePath, parameters))]);
        }

        arguments.AddRange(["--", templatePath]);
        var run = await ExternalTool.RunAsync(executable, arguments, Path.GetDirectoryName(templatePath)!);

        // The exit code is a bit mask of the levels found (2 error, 4 warning, 8 informational); 1 is a failure to run.
        if ((run.ExitCode & 1) != 0 || JsonNode.Parse(run.Output) is not JsonArray matches)
        {
            throw new InvalidOperationException($"{ExecutableName} failed (exit {run.ExitCode}):\n{run.Error}{run.Output}");
        }

        return [.. matches.Select(match => new CfnLintMatch(
            match!["Rule"]!["Id"]!.GetValue<string>(),
            match["Level"]!.GetValue<string>(),
            match["Message"]!.GetValue<string>(),
            match["Location"]?["Start"]?["LineNumber"]?.GetValue<int>() ?? 0))];
    }

    /// <summary>CloudFormation's parameter file, <c>[{"ParameterKey", "ParameterValue"}]</c>, with lists as JSON arrays.</summary>
    private static string ParameterFile(string templatePath, IReadOnlyDictionary<string, string> parameters)
    {
        var declared = SamTemplate.Load(templatePath).Parameters;
        var file = new JsonArray();
        foreach (var (name, value) in parameters)
        {
            var isList = TemplateChecks.Text(declared[name]?["Type"])?.Contains("List", StringComparison.Ordinal) == true;
            file.Add(new JsonObject
            {
                ["ParameterKey"] = name,
                ["ParameterValue"] = isList ? new JsonArray([.. value.Split(',').Select(item => (JsonNode?)item)]) : value,
            });
        }

        return file.ToJsonString();
    }
}
