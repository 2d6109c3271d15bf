using System.IO.Compression;
using System.Security.Cryptography;
using DisasterRecovery.Zstd;

namespace DisasterRecovery.Catalog;

/// <summary>
/// A write-only stream for one object of a backup, from <see cref="BackupWriter.OpenObject"/>. Bytes
/// are hashed (SHA-256, size), optionally compressed, hashed again as stored, and uploaded in parts
/// as they arrive. Call <see cref="CompleteAsync"/> when the data is all written: disposing without
/// completing abandons the object (aborts its upload), so an exception half-way never stores a
/// truncated object as if it were whole.
/// </summary>
public sealed class BackupObjectStream : Stream
{
    private readonly BackupWriter _owner;
    private readonly ObjectUpload _upload;
    private readonly Stream? _compressor;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _size;
    private bool _completed;
    private bool _abandoned;
    private bool _failed;

    internal BackupObjectStream(BackupWriter owner, string name, string key, BackupObjectOptions options, ObjectUpload upload, int zstdLevel)
    {
        _owner = owner;
        Name = name;
        Key = key;
        Options = options;
        _upload = upload;
        _compressor = options.Compression switch
        {
            Compression.Zstd => new ZstdFrameWriteStream(upload, zstdLevel, leaveOpen: true),
            Compression.Gzip => new GZipStream(upload, CompressionLevel.Optimal, leaveOpen: true),
            _ => null,
        };
    }

    /// <summary>The object's name in the manifest.</summary>
    public string Name { get; }

    /// <summary>The object's S3 key.</summary>
    public string Key { get; }

    public BackupObjectOptions Options { get; }

    /// <summary>Bytes written so far (before compression).</summary>
    public long BytesWritten => _size;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_completed && !_abandoned;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _size;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Write(ReadOnlySpan<byte> buffer) =>
        WriteAsync(buffer.ToArray(), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        try
        {
            _sha256.AppendData(buffer.Span);
            _size += buffer.Length;
            if (_compressor is not null)
            {
                await _compressor.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _upload.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Accepted and ignored: data goes to S3 in whole parts, and for good only at <see cref="CompleteAsync"/>.</summary>
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Finishes compression, uploads the rest and completes the object. Returns its manifest entry.</summary>
    public async Task<BackupObject> CompleteAsync(CancellationToken cancellationToken = default)
    {
        EnsureWritable();
        try
        {
            if (_compressor is not null)
            {
                await _compressor.DisposeAsync().ConfigureAwait(false);
            }

            var stored = await _upload.CompleteAsync(cancellationToken).ConfigureAwait(false);
            var sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset());
            var result = new BackupObject
            {
                Name = Name,
                Key = Key,
                Size = _size,
                Sha256 = sha256,
                StoredSize = stored.Size,
                StoredSha256 = stored.Sha256,
                VersionId = stored.VersionId,
                Compression = Options.Compression,
                ContentType = Options.ContentType,
                PartCount = stored.PartCount,
            };
            _completed = true;
            _owner.ObjectCompleted(this, result);
            return result;
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await AbandonAsync().ConfigureAwait(false);
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_completed && !_abandoned)
            {
                AbandonAsync().GetAwaiter().GetResult();
            }

            _sha256.Dispose();
            _upload.Dispose();
        }

        base.Dispose(disposing);
    }

    internal async Task AbandonAsync()
    {
        if (_completed || _abandoned)
        {
            return;
        }

        _abandoned = true;
        await _upload.AbortAsync().ConfigureAwait(false);
        if (_compressor is not null)
        {
            try
            {
                // Frees the compressor; the final frame it tries to write is refused by the aborted upload.
                await _compressor.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Abandoning: a failure to flush changes nothing.
            }
        }

        _owner.ObjectAbandoned(this);
    }

    private void EnsureWritable()
    {
        ObjectDisposedException.ThrowIf(_completed || _abandoned, this);
        if (_failed)
        {
            throw new InvalidOperationException($"object '{Name}' failed earlier; dispose it and write the backup again");
        }
    }
}
