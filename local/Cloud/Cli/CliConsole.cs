namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>
/// The CLI's surroundings: its streams, whether a person is at the terminal, the working folder and the environment.
/// The real process uses <see cref="System"/>; tests pass writers and variables of their own.
/// </summary>
public sealed class CliConsole
{
    private readonly Func<string, string?> _environment;

    public CliConsole(TextWriter output, TextWriter error, TextReader input, bool isInteractive, string currentDirectory, Func<string, string?> environment)
    {
        Output = output;
        Error = error;
        Input = input;
        IsInteractive = isInteractive;
        CurrentDirectory = currentDirectory;
        _environment = environment;
    }

    /// <summary>The process's own console.</summary>
    public static CliConsole System => new(
        Console.Out, Console.Error, Console.In, !Console.IsInputRedirected, Environment.CurrentDirectory, Environment.GetEnvironmentVariable);

    /// <summary>Results (JSON, tables, the execution trace).</summary>
    public TextWriter Output { get; }

    /// <summary>Errors, function log lines and prompts.</summary>
    public TextWriter Error { get; }

    public TextReader Input { get; }

    /// <summary>True when someone can answer a prompt (standard input is a terminal).</summary>
    public bool IsInteractive { get; }

    /// <summary>Where relative paths on the command line start from.</summary>
    public string CurrentDirectory { get; }

    /// <summary>An environment variable, or null.</summary>
    public string? Variable(string name) => _environment(name);
}
