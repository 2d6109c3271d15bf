using System.Diagnostics;
using System.Text;

namespace DisasterRecovery.LocalRds.Postgres;

/// <summary>The outcome of one command.</summary>
internal sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr (or stdout), for an error message.</summary>
    public string Tail(int lines = 12)
    {
        var text = string.IsNullOrWhiteSpace(Error) ? Output : Error;
        return string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
    }
}

/// <summary>
/// Runs PostgreSQL's programs and file commands. When this process is root, cluster work runs as the
/// unprivileged service user through <c>runuser</c> (initdb and pg_ctl refuse root, and the files must
/// belong to the user the server runs as), exactly as local/servers does. No argument ever holds a secret.
/// </summary>
internal sealed class CommandRunner(string? serviceUser)
{
    /// <summary>The user commands run as with <c>asServiceUser</c>; null when that is simply this process's user.</summary>
    public string? ServiceUser { get; } = serviceUser;

    public async Task<CommandResult> RunAsync(
        string executable,
        IReadOnlyList<string> arguments,
        bool asServiceUser,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? standardInput = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            // The service user may not be able to enter this process's working folder.
            WorkingDirectory = "/",
        };
        if (asServiceUser && ServiceUser is not null)
        {
            info.FileName = "runuser";
            info.ArgumentList.Add("-u");
            info.ArgumentList.Add(ServiceUser);
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(executable);
        }
        else
        {
            info.FileName = executable;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Only the process this call started (and its children) is ended.
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"{Describe(executable, arguments)} did not finish within {timeout}");
        }

        return new CommandResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Runs a command that must succeed; otherwise throws with its exit code and output tail.</summary>
    public async Task<CommandResult> RunCheckedAsync(
        string executable,
        IReadOnlyList<string> arguments,
        bool asServiceUser,
        CancellationToken cancellationToken,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null,
        string? standardInput = null)
    {
        var result = await RunAsync(executable, arguments, asServiceUser, cancellationToken, timeout, environment, standardInput).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ClusterOperationException($"{Describe(executable, arguments)} failed with exit code {result.ExitCode}: {result.Tail()}");
        }

        return result;
    }

    private static string Describe(string executable, IReadOnlyList<string> arguments)
    {
        var text = new StringBuilder(Path.GetFileName(executable));
        foreach (var argument in arguments)
        {
            text.Append(' ').Append(argument);
        }

        return text.ToString();
    }
}

/// <summary>Real PostgreSQL or file work failed; becomes a failed/incompatible-restore status, never an RDS error.</summary>
internal sealed class ClusterOperationException(string message, Exception? inner = null) : Exception(message, inner);
