using System.Security.Cryptography;
using DisasterRecovery.Core;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Where a dump goes: ONE object written front to back. The dumper appends whole zstd frames (never
/// more than one writer at a time) and knows every offset itself, so any sequential writer will do:
/// a file, an S3 multipart upload, the catalog's <c>BackupObjectStream</c>.
/// </summary>
public interface IDumpSink
{
    /// <summary>Appends bytes at the end of the object.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Every byte was written: make the object durable and visible.</summary>
    Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>The dump failed: discard what was written so nothing can pass for a whole dump.</summary>
    Task AbortAsync(Exception reason);
}

/// <summary>
/// Where a dump is read back from: byte ranges of the one object, so tables can be fetched in parallel
/// (S3 ranged GETs; a file's offsets). Names are for error messages.
/// </summary>
public interface IDumpSource
{
    /// <summary>The backup the object belongs to ("local" for files).</summary>
    string BackupId { get; }

    /// <summary>The object's name in the manifest (e.g. dump.sql.zst).</summary>
    string ObjectName { get; }

    /// <summary>Where it is (S3 key or path).</summary>
    string Key { get; }

    /// <summary>Opens bytes [offset, offset + length).</summary>
    Task<Stream> OpenRangeAsync(long offset, long length, CancellationToken cancellationToken);
}

/// <summary>
/// Writes a dump to a file: to <c>path.partial</c> first, renamed to <c>path</c> only on completion, so
/// a failed dump never leaves a file under the final name.
/// </summary>
public sealed class FileDumpSink : IDumpSink, IAsyncDisposable
{
    private readonly string _path;
    private readonly string _partial;
    private readonly FileStream _stream;

    public FileDumpSink(string path)
    {
        _path = Path.GetFullPath(path);
        _partial = _path + ".partial";
        _stream = new FileStream(_partial, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => _stream.WriteAsync(data, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Move(_partial, _path, overwrite: true);
    }

    public async Task AbortAsync(Exception reason)
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Delete(_partial);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

/// <summary>Writes a dump into any stream (the catalog's object stream, /dev/null for a benchmark), with callbacks for the ends.</summary>
public sealed class StreamDumpSink(Stream stream, Func<CancellationToken, Task>? complete = null, Func<Exception, Task>? abort = null) : IDumpSink
{
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => stream.WriteAsync(data, cancellationToken);

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (complete is not null)
        {
            await complete(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task AbortAsync(Exception reason) => abort?.Invoke(reason) ?? Task.CompletedTask;
}

/// <summary>Reads a dump from a local file.</summary>
public sealed class FileDumpSource(string path, string? objectName = null, string backupId = "local") : IDumpSource
{
    public string BackupId { get; } = backupId;

    public string ObjectName { get; } = objectName ?? Path.GetFileName(path);

    public string Key { get; } = Path.GetFullPath(path);

    public Task<Stream> OpenRangeAsync(long offset, long length, CancellationToken cancellationToken)
    {
        if (!File.Exists(Key))
        {
            throw new BackupNotFoundException($"dump file '{Key}' does not exist");
        }

        var file = new FileStream(Key, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        if (offset + length > file.Length)
        {
            var size = file.Length;
            file.Dispose();
            throw new ChecksumMismatchException(BackupId, ObjectName, Key, $"the object is {size} bytes; the index expects at least {offset + length}");
        }

        file.Position = offset;
        return Task.FromResult<Stream>(new RangeStream(file, length));
    }
}

/// <summary>At most <c>length</c> bytes of an inner stream; owns it.</summary>
internal sealed class RangeStream(Stream inner, long length) : ReadOnlyStream
{
    private readonly long _length = length;
    private long _left = length;

    public override long Length => _length;

    public override long Position
    {
        get => _length - _left;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left == 0)
        {
            return 0;
        }

        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _left -= read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_left == 0)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
        _left -= read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>
/// Reads one segment of a dump and checks its SHA-256 and length as it goes; the last read throws
/// <see cref="ChecksumMismatchException"/> (naming the object) when the bytes are not the ones indexed.
/// </summary>
internal sealed class VerifiedSegmentStream(Stream inner, IDumpSource source, DumpSegment segment) : ReadOnlyStream
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _checked;

    public override long Length => segment.StoredLength;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        return Account(buffer[..read]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read]);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _sha.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> data)
    {
        _sha.AppendData(data);
        _read += data.Length;
        if (!_checked && (data.Length == 0 || _read >= segment.StoredLength))
        {
            _checked = true;
            if (_read != segment.StoredLength)
            {
                throw new ChecksumMismatchException(source.BackupId, source.ObjectName, source.Key,
                    $"{segment.Describe()} at offset {segment.Offset}: expected {segment.StoredLength} bytes, read {_read}");
            }

            var actual = Convert.ToHexStringLower(_sha.GetHashAndReset());
            if (!string.Equals(actual, segment.Sha256, StringComparison.Ordinal))
            {
                throw new ChecksumMismatchException(source.BackupId, source.ObjectName, source.Key,
                    $"{segment.Describe()} at offset {segment.Offset}: SHA-256 is {actual}, the index says {segment.Sha256}");
            }
        }

        return data.Length;
    }
}
