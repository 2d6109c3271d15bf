namespace DisasterRecovery.Deployment.Tests.Support;

/// <summary>
/// The npm package asl-validator, pinned in asl-validator/package.json and installed beside it by
/// <c>npm ci</c>. Version 4.0.0 has no JSON output: it prints one line per file (✓ valid, ✕ invalid
/// with the errors) and exits 0 (valid), 1 (invalid) or 2 (could not run).
/// </summary>
internal sealed class AslValidator
{
    /// <summary>What to run, from the repository's top folder, when node_modules is missing.</summary>
    public const string InstallCommand = "npm ci --prefix tests/Deployment.Tests/asl-validator";

    public AslValidator(string packageFolder)
    {
        PackageFolder = packageFolder;
    }

    /// <summary>The folder with package.json, package-lock.json and (once installed) node_modules.</summary>
    public string PackageFolder { get; }

    /// <summary>The command npm links for the package.</summary>
    public string Executable => Path.Combine(PackageFolder, "node_modules", ".bin", "asl-validator");

    /// <summary>Validates one ASL file: <c>asl-validator --json-path FILE</c>.</summary>
    /// <exception cref="InvalidOperationException">The validator is not installed; the message says how to install it.</exception>
    public async Task<(int ExitCode, string Output)> ValidateFileAsync(string aslPath)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException(
                $"asl-validator is not installed: {Executable} does not exist. From the repository's top folder run: {InstallCommand}");
        }

        var run = await ExternalTool.RunAsync(Executable, ["--json-path", aslPath], PackageFolder);
        return (run.ExitCode, (run.Output + run.Error).Trim());
    }
}
