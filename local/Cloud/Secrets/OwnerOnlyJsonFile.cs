using System.Text.Json;

namespace DisasterRecovery.LocalCloud.Secrets;

/// <summary>
/// A JSON document only its owner may read or write (mode 0600 on Unix), for state that holds secret values. Updates
/// work like <see cref="State.JsonStateFile{T}"/>: an exclusive lock file, read, change, write a temporary file (created
/// 0600, never widened) and rename it over the old one, so readers never see half a document and no update is lost.
/// Neither the document nor its values ever appear in an exception message.
/// </summary>
/// <typeparam name="T">The document type.</typeparam>
public sealed class OwnerOnlyJsonFile<T>
    where T : class, new()
{
    /// <summary>Read and write for the owner only.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly object _gate = new();

    /// <param name="path">The document's file; its folder is created on first write.</param>
    public OwnerOnlyJsonFile(string path) => Path = path;

    /// <summary>The document's file.</summary>
    public string Path { get; }

    /// <summary>The current document (a new, empty one when the file does not exist yet).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid document (the message names the file, not its content).</exception>
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
            // JsonException messages quote only the position, but the inner text is not passed on to be safe.
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
            using var fileLock = AcquireLock();
            var document = Read();
            var result = change(document);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            File.Delete(temporary); // a leftover of a crash keeps its old mode; start from a fresh 0600 file
            using (var stream = new FileStream(temporary, CreateOptions()))
            {
                JsonSerializer.Serialize(stream, document, Options);
            }

            File.Move(temporary, Path, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path, OwnerOnly);
            }

            return result;
        }
    }

    private static FileStreamOptions CreateOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }

    private FileStream AcquireLock()
    {
        var lockPath = Path + ".lock";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }
    }
}
