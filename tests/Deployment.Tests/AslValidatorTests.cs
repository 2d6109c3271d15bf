using System.Text.Json.Nodes;
using DisasterRecovery.Deployment.Tests.Support;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>Every statemachines/*.asl.json through the pinned asl-validator, and proof that it rejects errors.</summary>
public sealed class AslValidatorTests
{
    private const string PinnedVersion = "4.0.0";

    private readonly AslValidator validator = new(DeploymentFiles.AslValidatorFolder);

    [Fact]
    public async Task StateMachineFiles_WhenCheckedByAslValidator_ShouldAllPass()
    {
        var files = Directory.GetFiles(RepositoryPaths.Of("statemachines"), "*.asl.json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);

        var failures = new List<string>();
        foreach (var file in files)
        {
            var (exitCode, output) = await validator.ValidateFileAsync(file);
            if (exitCode != 0)
            {
                failures.Add($"{Path.GetFileName(file)} (exit {exitCode}):\n{output}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task AslValidator_WhenNextNamesMissingState_ShouldRejectNamingTheTarget()
    {
        using var folder = new TemporaryFolder();
        var broken = folder.Write("broken.asl.json", """
            {
              "Comment": "Next points at a state that does not exist.",
              "StartAt": "Start",
              "States": {
                "Start": { "Type": "Pass", "Next": "Nowhere" },
                "Done": { "Type": "Succeed" }
              }
            }
            """);

        var (exitCode, output) = await validator.ValidateFileAsync(broken);

        Assert.Equal(1, exitCode);
        Assert.Contains("MISSING_TRANSITION_TARGET", output, StringComparison.Ordinal);
        Assert.Contains("Nowhere", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AslValidator_WhenFailStateCausePathUsesStatesFormat_ShouldAccept()
    {
        // Step Functions accepts an intrinsic function in a Fail state's CausePath; the validator must not reject it.
        using var folder = new TemporaryFolder();
        var definition = folder.Write("cause-path.asl.json", """
            {
              "StartAt": "Give Up",
              "States": {
                "Give Up": { "Type": "Fail", "Error": "Failed", "CausePath": "States.Format('{} failed', $.name)" }
              }
            }
            """);

        var (exitCode, output) = await validator.ValidateFileAsync(definition);

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task AslValidator_WhenNotInstalled_ShouldNameTheNpmCiCommand()
    {
        using var folder = new TemporaryFolder();
        var notInstalled = new AslValidator(folder.Path);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => notInstalled.ValidateFileAsync("any.asl.json"));

        Assert.Contains("npm ci --prefix tests/Deployment.Tests/asl-validator", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AslValidatorPackage_WhenRead_ShouldPinTheSameVersionInPackageJsonLockfileAndNodeModules()
    {
        var folder = DeploymentFiles.AslValidatorFolder;
        var installed = Path.Combine(folder, "node_modules", "asl-validator", "package.json");
        Assert.True(
            File.Exists(installed),
            $"asl-validator is not installed ({installed} is missing). From the repository's top folder run: {AslValidator.InstallCommand}");

        var declared = ReadJson(Path.Combine(folder, "package.json"))["dependencies"]?["asl-validator"]?.GetValue<string>();
        var locked = ReadJson(Path.Combine(folder, "package-lock.json"))["packages"]?["node_modules/asl-validator"]?["version"]?.GetValue<string>();
        var present = ReadJson(installed)["version"]?.GetValue<string>();

        Assert.Equal((PinnedVersion, PinnedVersion, PinnedVersion), (declared, locked, present));
    }

    private static JsonNode ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!;
}
