using System.Text.Json.Nodes;
using DisasterRecovery.LocalCloud.Cli;
using DisasterRecovery.LocalCloud.Stack;
using DisasterRecovery.LocalStepFunctions.Time;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.LocalCloud.Tests;

/// <summary>A throw-away folder: a test's state folder or a template of its own.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "localcloud-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Writes a file below the folder and returns its full path.</summary>
    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still closing a file; the temp folder is cleaned up by the OS eventually.
        }
    }
}

/// <summary>Builds local clouds for tests: over the repository's template.yaml or over a template a test writes.</summary>
public static class TestCloud
{
    /// <summary>The repository's own template.</summary>
    public static string RepositoryTemplate => RepositoryPaths.Of("template.yaml");

    /// <summary>A local cloud over <paramref name="templatePath"/> with a fresh virtual clock (2025-01-01) and its own state folder.</summary>
    public static LocalCloudHost Create(string templatePath, string stateDirectory, VirtualTimeProvider? clock = null,
        IReadOnlyDictionary<string, string>? overrides = null) =>
        LocalCloudHost.Create(new LocalCloudOptions
        {
            TemplatePath = templatePath,
            StateDirectory = stateDirectory,
            Settings = new StackSettings { ParameterOverrides = overrides ?? new Dictionary<string, string>() },
            Clock = clock ?? new VirtualTimeProvider(),
            Random = new Random(7),
        });

    /// <summary>
    /// Writes a small template with the probe function and the given state machines (ASL JSON per logical id) and
    /// returns its path. The topic AlertTopic exists; substitutions ProbeArn and TopicArn are available.
    /// </summary>
    public static string WriteTemplate(TempFolder folder, IReadOnlyDictionary<string, string> machines, string extraResources = "")
    {
        var yaml = new System.Text.StringBuilder("""
            AWSTemplateFormatVersion: "2010-09-09"
            Transform: AWS::Serverless-2016-10-31
            Resources:
              AlertTopic:
                Type: AWS::SNS::Topic
              ProbeFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: ProbeFunction
                  Runtime: dotnet10
                  Timeout: 30
                  Environment:
                    Variables:
                      PROBE_MODE: test

            """);
        foreach (var (id, asl) in machines)
        {
            folder.Write($"statemachines/{id}.asl.json", asl);
            yaml.Append($"""
                  {id}:
                    Type: AWS::Serverless::StateMachine
                    Properties:
                      DefinitionUri: statemachines/{id}.asl.json
                      DefinitionSubstitutions:
                        ProbeArn: !GetAtt ProbeFunction.Arn
                        TopicArn: !Ref AlertTopic

                """);
        }

        yaml.Append(extraResources);
        return folder.Write("template.yaml", yaml.ToString());
    }

    /// <summary>Parses JSON text that must be an object.</summary>
    public static JsonObject Json(string? text) =>
        JsonNode.Parse(text ?? "null") as JsonObject ?? throw new InvalidOperationException($"not a JSON object: {text}");
}

/// <summary>Runs the CLI's entry method with captured streams.</summary>
public sealed class CliRun
{
    private CliRun(int exitCode, string output, string error)
    {
        ExitCode = exitCode;
        Output = output;
        Error = error;
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string Error { get; }

    /// <summary>Runs local/dr's entry method with the given state folder (DR_STATE_DIR) and, optionally, standard input.</summary>
    public static async Task<CliRun> RunAsync(string stateRoot, string? input, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var environment = new Dictionary<string, string?>
        {
            [CliPaths.StateVariable] = stateRoot,
            [CliPaths.RepositoryVariable] = RepositoryPaths.Root,
        };
        var console = new CliConsole(output, error, new StringReader(input ?? string.Empty), input is not null, Path.GetTempPath(),
            name => environment.GetValueOrDefault(name));
        var code = await LocalCloudCli.RunAsync(args, console);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
