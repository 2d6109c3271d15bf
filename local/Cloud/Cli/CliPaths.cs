using System.Text.Json;
using System.Text.Json.Nodes;

namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>Where the repository, the template and the state folder are, and how input files are read.</summary>
internal sealed class CliPaths
{
    /// <summary>Set by local/dr to the repository it lives in.</summary>
    public const string RepositoryVariable = "DR_REPO_ROOT";

    /// <summary>The state folder local/servers also uses; the local cloud keeps its state in its <c>cloud</c> subfolder.</summary>
    public const string StateVariable = "DR_STATE_DIR";

    private static readonly JsonSerializerOptions PrettyOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly CliConsole _console;

    public CliPaths(CliConsole console, string? template, string? stateDirectory)
    {
        _console = console;
        RepositoryRoot = FindRepositoryRoot(console);
        TemplatePath = template is null ? Path.Combine(RepositoryRoot, "template.yaml") : Path.GetFullPath(template, console.CurrentDirectory);
        StateDirectory = stateDirectory is not null
            ? Path.GetFullPath(stateDirectory, console.CurrentDirectory)
            : Path.Combine(console.Variable(StateVariable) is { Length: > 0 } state ? Path.GetFullPath(state, console.CurrentDirectory)
                : Path.Combine(RepositoryRoot, ".local-state"), "cloud");
    }

    public string RepositoryRoot { get; }

    public string TemplatePath { get; }

    public string StateDirectory { get; }

    /// <summary>
    /// Reads a JSON file named on the command line: relative to the working folder, else to the repository (so
    /// <c>--input events/x.json</c> works from anywhere). Invalid JSON is reported with the file, line and position.
    /// </summary>
    /// <exception cref="LocalCloudException">Missing file or invalid JSON.</exception>
    public string ReadJsonFile(string path, string what)
    {
        var candidates = Path.IsPathRooted(path)
            ? new[] { path }
            : new[] { Path.GetFullPath(path, _console.CurrentDirectory), Path.GetFullPath(path, RepositoryRoot) };
        var found = candidates.FirstOrDefault(File.Exists)
            ?? throw new LocalCloudException($"{what} file '{path}' does not exist (looked for {string.Join(" and ", candidates.Distinct())})");
        var text = File.ReadAllText(found);
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new LocalCloudException(
                $"{what} file {path} is not valid JSON: line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}: {FirstSentence(e.Message)}", e);
        }

        return text;
    }

    /// <summary>Pretty-prints JSON text (or returns it unchanged when it is not JSON).</summary>
    public static string Pretty(string? json)
    {
        if (json is null)
        {
            return "null";
        }

        try
        {
            return JsonNode.Parse(json)?.ToJsonString(PrettyOptions) ?? "null";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return cut > 0 ? message[..cut] : message;
    }

    private static string FindRepositoryRoot(CliConsole console)
    {
        if (console.Variable(RepositoryVariable) is { Length: > 0 } given)
        {
            return Path.GetFullPath(given, console.CurrentDirectory);
        }

        foreach (var start in new[] { AppContext.BaseDirectory, console.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "template.yaml")) && Directory.Exists(Path.Combine(dir.FullName, "local", "Cloud")))
                {
                    return dir.FullName;
                }
            }
        }

        return console.CurrentDirectory;
    }
}
