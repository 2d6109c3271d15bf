using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>What the SAM translator made of a template: the CloudFormation template, or its errors.</summary>
internal sealed record SamTransformResult(JsonObject? Template, IReadOnlyList<string> Errors)
{
    /// <summary>The transformed template's resources; fails the test with the translator's errors when there is none.</summary>
    public JsonObject Resources =>
        Template?["Resources"] as JsonObject
        ?? throw new Xunit.Sdk.XunitException("the SAM translator refused the template:\n" + string.Join('\n', Errors));

    /// <summary>The transformed resources of one CloudFormation type, by logical id.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonObject>> ResourcesOfType(string type) =>
        [.. Resources
            .Where(resource => TemplateChecks.Text(resource.Value?["Type"]) == type)
            .Select(resource => new KeyValuePair<string, JsonObject>(resource.Key, resource.Value!.AsObject()))];
}

/// <summary>
/// The AWS SAM translator (Python package aws-sam-translator; 1.110 is what this project checks with): the code
/// behind the <c>AWS::Serverless-2016-10-31</c> transform that CloudFormation runs on <c>sam deploy</c>. It runs
/// through sam-transform/transform.py with python3 from PATH, on the template as <c>sam package</c> leaves it.
/// </summary>
internal static class SamTranslator
{
    private const int Refused = 1;
    private const int NotInstalled = 3;

    private static readonly ConcurrentDictionary<string, Lazy<Task<SamTransformResult>>> Transformed = new(StringComparer.Ordinal);

    /// <summary>The helper script beside this test project's sources.</summary>
    public static string ScriptPath => RepositoryPaths.Of("tests", "Deployment.Tests", "sam-transform", "transform.py");

    /// <summary>
    /// Transforms a template. <paramref name="inlineDefinitions"/> puts each state machine's ASL file in
    /// <c>Definition</c> instead of packaging it to S3. Skips the calling test when python3 or the translator is absent.
    /// </summary>
    public static Task<SamTransformResult> TransformAsync(
        string templatePath, IReadOnlyDictionary<string, string>? parameters = null, bool inlineDefinitions = false)
    {
        // Each run takes seconds; tests that ask for the same transform of the same file share one.
        var key = string.Join(
            '\n',
            [templatePath, inlineDefinitions.ToString(), .. (parameters ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}")]);
        return Transformed.GetOrAdd(key, _ => new Lazy<Task<SamTransformResult>>(() => RunAsync(templatePath, parameters, inlineDefinitions))).Value;
    }

    private static async Task<SamTransformResult> RunAsync(string templatePath, IReadOnlyDictionary<string, string>? parameters, bool inlineDefinitions)
    {
        var python = ExternalTool.FindOnPath("python3");
        Skip.If(python is null, "python3 is not on PATH, so the SAM translator (pip install aws-sam-translator) cannot run");

        List<string> arguments = [ScriptPath, templatePath];
        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            arguments.Add("--parameter");
            arguments.Add($"{name}={value}");
        }

        if (inlineDefinitions)
        {
            arguments.Add("--inline-definitions");
        }

        var run = await ExternalTool.RunAsync(python!, arguments, Path.GetDirectoryName(templatePath)!);
        var output = run.ExitCode is 0 or Refused or NotInstalled ? JsonNode.Parse(run.Output) as JsonObject : null;
        Skip.If(run.ExitCode == NotInstalled, $"the SAM translator cannot run here: {output?["missing"]}");
        return run.ExitCode switch
        {
            0 when output?["template"] is JsonObject template => new SamTransformResult(template, []),
            Refused when output?["errors"] is JsonArray errors => new SamTransformResult(null, [.. errors.Select(error => error!.GetValue<string>())]),
            _ => throw new InvalidOperationException($"{ScriptPath} failed (exit {run.ExitCode}):\n{run.Error}{run.Output}"),
        };
    }
}
