using System.Diagnostics;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Deployment.Tests;

/// <summary>
/// What `dotnet format` cannot check: no line of C# longer than .editorconfig's max_line_length (160 characters).
/// dotnet format never wraps a line, so this test is the rule's only enforcement.
/// </summary>
public sealed class SourceStyleTests
{
    private const int MaxLineLength = 160;

    [Fact]
    public void TrackedCSharpFiles_WhenRead_ShouldHaveNoLineOver160Characters()
    {
        var files = TrackedCSharpFiles();
        Assert.NotEmpty(files);

        var offenders = files
            .Where(file => File.Exists(RepositoryPaths.Of(file)))
            .SelectMany(file => LongLines(file, File.ReadAllText(RepositoryPaths.Of(file))))
            .ToList();

        Assert.True(
            offenders.Count == 0,
            $"{offenders.Count} line(s) over {MaxLineLength} characters; wrap them:\n{string.Join('\n', offenders)}");
    }

    [Fact]
    public void LongLines_WhenALineIsOverTheLimit_ShouldNameFileLineAndLength()
    {
        var text = "namespace A;\r\n" + new string('x', MaxLineLength) + "\n" + new string('y', MaxLineLength + 1) + "\n";

        var offenders = LongLines("src/A.cs", text);

        Assert.Equal(["src/A.cs:3 (161 characters)"], offenders);
    }

    /// <summary>"path:line (n characters)" for each line of <paramref name="text"/> over the limit (a CR before LF not counted).</summary>
    private static IEnumerable<string> LongLines(string path, string text) =>
        text.Split('\n')
            .Select((line, index) => (Number: index + 1, Length: line.TrimEnd('\r').Length))
            .Where(line => line.Length > MaxLineLength)
            .Select(line => $"{path}:{line.Number} ({line.Length} characters)");

    /// <summary>
    /// The repository's .cs files as git tracks them (relative paths with '/'); without git (an exported tree), every
    /// .cs file outside build outputs.
    /// </summary>
    private static List<string> TrackedCSharpFiles()
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(RepositoryPaths.Root);
        info.ArgumentList.Add("ls-files");
        info.ArgumentList.Add("-z");
        info.ArgumentList.Add("--");
        info.ArgumentList.Add("*.cs");
        try
        {
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            _ = stderr.Result;
            if (process.ExitCode == 0)
            {
                return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // git is not installed: fall through to the folder walk.
        }

        string[] skipped = ["bin", "obj", "node_modules", ".git", ".local-state"];
        return [.. Directory.EnumerateFiles(RepositoryPaths.Root, "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(file => !file.Split('/').Any(part => skipped.Contains(part, StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)];
    }
}
