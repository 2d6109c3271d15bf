using System.Text.Json;

namespace DisasterRecovery.LocalEmulation;

/// <summary>
/// One JSON document under the state folder that several local-cloud processes may update (a CLI run while a drill
/// runs): updates take an exclusive lock file, read, change, write a temporary file and rename it over the old one,
/// so a reader never sees half a document and no update is lost. With <c>ownerOnly</c> (state that holds secret
/// values) the document, its temporary files and its lock are created mode 0600 and never widened. Errors name the
/// file and the position, never its content.
/// </summary>
public sealed class JsonStateFile<T>
    where T : class, new()
{
    /// <summary>Read and write for the owner only.</summary>
    public const UnixFileMode OwnerOnlyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly object _gate = new();
    private readonly bool _ownerOnly;

    /// <param name="path">The document's file; its folder is created on first write.</param>
    /// <param name="ownerOnly">Create every file of the document mode 0600 (for secret values).</param>
    public JsonStateFile(string path, bool ownerOnly = false)
    {
        Path = path;
        _ownerOnly = ownerOnly && !OperatingSystem.IsWindows();
    }

    /// <summary>The document's file.</summary>
    public string Path { get; }

    /// <summary>The current document (a new, empty one when the file does not exist yet).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid document (the message names the file and position, not content).</exception>
    public T Read()
    {
        if (!File.Exists(Path))
        {
            return new T();
        }

        try
        {
            using var stream = File.OpenRead(Path);
            return JsonSerializer.Deserialize<T>(stream, Options) ?? new T();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{Path} is not a valid state file (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); move it away to start afresh");
        }
    }

    /// <summary>Reads, changes and writes the document atomically with respect to other updaters.</summary>
    public TResult Update<TResult>(Func<T, TResult> change)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            using var fileLock = Open(Path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, waitForLock: true);
            var document = Read();
            var result = change(document);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            File.Delete(temporary); // a crash's leftover keeps its old mode; start from a fresh file
            using (var stream = Open(temporary, FileMode.Create, FileAccess.Write, waitForLock: false))
            {
                JsonSerializer.Serialize(stream, document, Options);
            }

            File.Move(temporary, Path, overwrite: true);
            if (_ownerOnly && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, OwnerOnlyMode);
            }

            return result;
        }
    }

    private FileStream Open(string path, FileMode mode, FileAccess access, bool waitForLock)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (_ownerOnly && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyMode;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (waitForLock && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }
    }
}
