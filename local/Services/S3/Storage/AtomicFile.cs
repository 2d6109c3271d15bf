using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DisasterRecovery.LocalS3.Storage;

/// <summary>
/// Writes files so a reader (or a restart after a crash) sees either the old content or the new one,
/// never a torn file: write a temporary file in the same folder, flush it to disk, then rename over.
/// </summary>
internal static class AtomicFile
{
    public static void WriteJson<T>(string path, T value, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        WriteBytes(path, bytes);
    }

    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static T? ReadJson<T>(string path, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), typeInfo);
        }
        catch (Exception exception) when (exception is JsonException or FileNotFoundException or DirectoryNotFoundException)
        {
            return default;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover file is cleaned up on the next start.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
