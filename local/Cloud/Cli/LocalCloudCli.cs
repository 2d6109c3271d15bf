using System.CommandLine;
using System.CommandLine.Help;
using DisasterRecovery.LocalCloud.Functions;
using DisasterRecovery.LocalCloud.Stack;

namespace DisasterRecovery.LocalCloud.Cli;

/// <summary>
/// The local cloud's front door (<c>local/dr</c>): parses the command line with System.CommandLine and hands each
/// command to <see cref="Commands"/>. Exit codes: 0 success, 1 the execution, invocation or drill failed, 2 the
/// request itself was wrong (usage, unknown machine or function, unreadable input, template problem).
/// </summary>
public static class LocalCloudCli
{
    /// <summary>The command did what was asked and it succeeded.</summary>
    public const int Success = 0;

    /// <summary>The execution, invocation or drill ran and failed.</summary>
    public const int Failure = 1;

    /// <summary>The request could not be carried out: usage, unknown names, unreadable files, template problems.</summary>
    public const int UsageError = 2;

    /// <summary>The command people type, which the usage lines show.</summary>
    public const string Name = "local/dr";

    /// <summary>Runs one command line.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var options = new GlobalOptions();
        // A RootCommand takes the process's name (LocalCloud) for its usage line; people type local/dr.
        var root = new Command(Name, "local/dr: runs template.yaml's state machines and functions on this machine (the local cloud).")
        {
            new HelpOption(),
            new VersionOption(),
        };
        options.AddTo(root);
        var commands = new Commands(options, console);
        foreach (var command in commands.All())
        {
            root.Subcommands.Add(command);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await console.Error.WriteLineAsync($"local/dr: {error.Message}").ConfigureAwait(false);
            }

            await console.Error.WriteLineAsync("Run 'local/dr --help' or 'local/dr <command> --help' for usage.").ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration { Output = console.Output, Error = console.Error, EnableDefaultExceptionHandler = false },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (
            e is LocalCloudException or LocalEmulation.EmulatorUnavailableException or StackLoadException or FunctionNotFoundException
                or ArgumentException or InvalidDataException)
        {
            await console.Error.WriteLineAsync($"local/dr: error: {e.Message}").ConfigureAwait(false);
            return UsageError;
        }
    }
}

/// <summary>Options every command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Template { get; } = new("--template")
    {
        Description = "The SAM template (default: template.yaml at the repository root).",
        Recursive = true,
    };

    public Option<string?> StateDirectory { get; } = new("--state-dir")
    {
        Description = "The local cloud's state folder (default: $DR_STATE_DIR/cloud, else <repo>/.local-state/cloud).",
        Recursive = true,
    };

    public Option<string[]> ParameterOverrides { get; } = new("--parameter-overrides")
    {
        Description = "Template parameter values, as sam deploy takes them: Key=Value ...",
        Recursive = true,
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string?> Region { get; } = new("--region")
    {
        Description = "Region in ARNs (default: from RegionRole: primary → us-east-1, dr → us-west-2).",
        Recursive = true,
    };

    public Option<string?> StackName { get; } = new("--stack-name")
    {
        Description = "Stack name in generated names (default: samconfig.toml's stack_name).",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show function errors' stack traces (by default a function error shows as errorType: errorMessage).",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Options.Add(Template);
        root.Options.Add(StateDirectory);
        root.Options.Add(ParameterOverrides);
        root.Options.Add(Region);
        root.Options.Add(StackName);
        root.Options.Add(Verbose);
    }
}
