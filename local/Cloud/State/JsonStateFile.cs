using System.Text.Json;

namespace DisasterRecovery.LocalCloud.State;

/// <summary>
/// One JSON document under the state folder that several local-cloud processes may update (a CLI run while a drill
/// runs): updates take an exclusive lock file, read, change, write a temporary file and rename it over the old one,
/// so a reader never sees half a document and no update is lost.
/// </summary>
public sealed class JsonStateFile<T>
    where T : class, new()
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private readonly object _gate = new();

    /// <param name="path">The document's file; its folder is created on first write.</param>
    public JsonStateFile(string path) => Path = path;

    /// <summary>The document's file.</summary>
    public string Path { get; }

    /// <summary>The current document (a new, empty one when the file does not exist yet).</summary>
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
            throw new InvalidDataException($"{Path} is not a valid state file ({e.Message}); move it away to start afresh", e);
        }
    }

    /// <summary>Reads, changes and writes the document atomically with respect to other updaters.</summary>
    public TResult Update<TResult>(Func<T, TResult> change)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using var fileLock = AcquireLock();
            var document = Read();
            var result = change(document);
            var temporary = $"{Path}.{Environment.ProcessId}.tmp";
            using (var stream = File.Create(temporary))
            {
                JsonSerializer.Serialize(stream, document, Options);
            }

            File.Move(temporary, Path, overwrite: true);
            return result;
        }
    }

    private FileStream AcquireLock()
    {
        var lockPath = Path + ".lock";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
        }
    }
}
