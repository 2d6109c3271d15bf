namespace DisasterRecovery.Core.Logging;

/// <summary>
/// The phases a backup, restore or verification goes through, each logged once as it is entered: one JSON line
/// <c>{"message": "phase", "phase": "restore-copy", ...}</c>. Operators read where a run was when it stopped; the crash test
/// reads where it killed one.
/// </summary>
public static class JobPhase
{
    /// <summary>The log line's message; its <c>phase</c> field is one of the constants below.</summary>
    public const string Message = "phase";

    /// <summary>Opening the job's connections (and sweeping expired temporaries of its kind).</summary>
    public const string Connect = "connect";

    /// <summary>pg_dump's schema and the parallel COPY out of the source.</summary>
    public const string Dump = "dump";

    /// <summary>The last objects (the dump's index) written to the catalog.</summary>
    public const string Upload = "upload";

    /// <summary>The manifest and the catalog's index entry written: the backup becomes listed.</summary>
    public const string Commit = "commit";

    /// <summary>Table data loaded into the temporary database.</summary>
    public const string RestoreCopy = "restore-copy";

    /// <summary>Indexes, constraints and the rest of post-data built in the temporary database.</summary>
    public const string IndexBuild = "index-build";

    /// <summary>The temporary database renamed to the target (an existing target renamed away first).</summary>
    public const string Rename = "rename";

    /// <summary>Every table's rows and content hash compared with the dump's index, and the integrity SQL.</summary>
    public const string VerifyCompare = "verify-compare";

    /// <summary>A temporary database dropped.</summary>
    public const string Drop = "drop";

    /// <summary>Logs that the run enters <paramref name="phase"/> (Info), with any extra fields.</summary>
    public static void Enter(JsonLogger? logger, string phase, params (string Name, object? Value)[] fields)
    {
        if (logger is null)
        {
            return;
        }

        var all = new (string Name, object? Value)[fields.Length + 1];
        all[0] = ("phase", phase);
        fields.CopyTo(all, 1);
        logger.Write(LogLevel.Info, Message, all);
    }
}
