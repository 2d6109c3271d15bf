using System.Diagnostics;
using System.Text;
using DisasterRecovery.Core;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Finds and runs the PostgreSQL client programs (pg_dump, psql). Their output is streamed, never
/// collected whole; their error output is kept only as a bounded tail for the error message.
/// </summary>
public sealed class PostgresTools
{
    /// <summary>Folders searched after <c>PG_BIN_DIR</c> and before PATH.</summary>
    public static readonly IReadOnlyList<string> KnownFolders = ["/opt/postgresql/bin", "/usr/lib/postgresql/15/bin", "/usr/pgsql-15/bin"];

    private readonly string? _folder;

    /// <summary>Programs from <paramref name="folder"/>, or when null from PG_BIN_DIR, the known folders, then PATH.</summary>
    public PostgresTools(string? folder = null)
    {
        _folder = folder ?? Environment.GetEnvironmentVariable("PG_BIN_DIR");
    }

    /// <summary>The full path of a program; <see cref="PostgresToolException"/> when it is nowhere.</summary>
    public string Find(string program)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(_folder))
        {
            candidates.Add(Path.Combine(_folder, program));
        }

        candidates.AddRange(KnownFolders.Select(folder => Path.Combine(folder, program)));
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            candidates.Add(Path.Combine(folder, program));
        }

        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new PostgresToolException(
            $"{program} not found (looked in PG_BIN_DIR, {string.Join(", ", KnownFolders)} and PATH); install the PostgreSQL 15 client tools");
    }

    /// <summary>The first line of <c>program --version</c>, e.g. "pg_dump (PostgreSQL) 15.18".</summary>
    public async Task<string> VersionAsync(string program, CancellationToken cancellationToken)
    {
        await using var process = Start(program, ["--version"], new Dictionary<string, string>(), redirectInput: false);
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
        return output.Trim();
    }

    /// <summary>Starts a program with a libpq environment; stdout (and stdin when asked) are pipes.</summary>
    public ToolProcess Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, bool redirectInput)
    {
        var info = new ProcessStartInfo(Find(program))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Nothing from a psqlrc or a service file may change what runs.
        info.Environment["PSQLRC"] = "/dev/null";
        info.Environment.Remove("PGSERVICE");
        info.Environment.Remove("PGOPTIONS");
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        try
        {
            return new ToolProcess(program, Process.Start(info)!);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PostgresToolException($"{program} could not be started: {e.Message}", e);
        }
    }
}

/// <summary>A running client program: its pipes, a bounded tail of its error output, and a checked exit.</summary>
public sealed class ToolProcess : IAsyncDisposable
{
    private const int StderrTailChars = 4000;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    internal ToolProcess(string program, Process process)
    {
        Program = program;
        _process = process;
        _stderrPump = PumpStderrAsync();
    }

    public string Program { get; }

    public StreamReader StandardOutput => _process.StandardOutput;

    public Stream Output => _process.StandardOutput.BaseStream;

    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>The last few thousand characters the program wrote to stderr.</summary>
    public string ErrorTail
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString().Trim();
            }
        }
    }

    /// <summary>Waits for exit; <see cref="PostgresToolException"/> with the error tail when the exit code is not 0.</summary>
    public async Task WaitForSuccessAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await _stderrPump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }

        if (_process.ExitCode != 0)
        {
            throw new PostgresToolException($"{Program} failed with exit code {_process.ExitCode}: {ErrorTail}");
        }
    }

    /// <summary>Ends the program now (and anything it started); safe to call when it already exited.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await _stderrPump.ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[4096];
        var reader = _process.StandardError;
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, read);
                if (_stderr.Length > StderrTailChars * 2)
                {
                    _stderr.Remove(0, _stderr.Length - StderrTailChars);
                }
            }
        }
    }
}
