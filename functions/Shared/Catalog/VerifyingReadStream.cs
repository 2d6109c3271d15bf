using System.IO.Compression;
using System.Security.Cryptography;
using Amazon.Runtime;
using DisasterRecovery.Core;
using DisasterRecovery.Zstd;
using ZstdSharp;

namespace DisasterRecovery.Catalog;

/// <summary>
/// Reads one backup object and checks it against its manifest entry while it is read: the stored bytes'
/// size and SHA-256, and (for compressed objects) the decompressed bytes' size and SHA-256. The check
/// completes when the end is reached: the final read throws <see cref="ChecksumMismatchException"/>
/// instead of returning 0 if anything differs. A consumer must treat nothing as good before that.
/// </summary>
public sealed class VerifyingReadStream : ReadOnlyStream
{
    private readonly BackupId _backupId;
    private readonly BackupObject _object;
    private readonly IDisposable? _owner;
    private readonly HashingReadStream _stored;
    private readonly Stream _decoded;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _size;
    private bool _verified;
    private ChecksumMismatchException? _failure;

    internal VerifyingReadStream(BackupId backupId, BackupObject obj, Stream storedBytes, IDisposable? owner)
    {
        _backupId = backupId;
        _object = obj;
        _owner = owner;
        _stored = new HashingReadStream(storedBytes);
        _decoded = obj.Compression switch
        {
            Compression.Zstd => ZstdReadStream.Open(_stored, leaveOpen: true),
            Compression.Gzip => new GZipStream(_stored, CompressionMode.Decompress, leaveOpen: true),
            _ => _stored,
        };
    }

    /// <summary>True once the whole object was read and matched its manifest entry.</summary>
    public bool Verified => _verified;

    public override long Length => _object.Size;

    public override long Position
    {
        get => _size;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ThrowIfFailed();
        if (_verified || buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        try
        {
            read = _decoded.Read(buffer);
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damaged(e);
        }

        if (read > 0)
        {
            Account(buffer[..read]);
            return read;
        }

        while (_stored.Read(new byte[8192]) > 0)
        {
            // Trailing stored bytes after the compressed data still count towards the stored checksum.
        }

        VerifyAtEnd();
        return 0;
    }

    /// <summary>A read failed because the bytes are bad (they do not decompress, or S3's own checksum refused them).</summary>
    private static bool IsDamage(Exception e) => e is InvalidDataException or ZstdException or AmazonClientException;

    private ChecksumMismatchException Damaged(Exception e) => Fail(
        e is AmazonClientException
            ? $"S3's response checksum does not match the bytes received: {e.Message}"
            : $"the stored bytes do not decompress as {CatalogJsonNames(_object.Compression)}: {e.Message}",
        e);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed();
        if (_verified || buffer.IsEmpty)
        {
            return 0;
        }

        int read;
        try
        {
            read = await _decoded.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDamage(e))
        {
            throw Damaged(e);
        }

        if (read > 0)
        {
            Account(buffer.Span[..read]);
            return read;
        }

        var drain = new byte[8192];
        while (await _stored.ReadAsync(drain, cancellationToken).ConfigureAwait(false) > 0)
        {
            // As above: read the stored stream to its very end before judging it.
        }

        VerifyAtEnd();
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The SDK checks S3's own response checksum when its stream is disposed and throws there on a
            // mismatch. The verdict that counts is ours (thrown by the final read), and an exception from
            // Dispose would replace it, so disposal stays quiet.
            if (!ReferenceEquals(_decoded, _stored))
            {
                Quietly(_decoded.Dispose);
            }

            Quietly(_stored.Dispose);
            Quietly(() => _owner?.Dispose());
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }

    private static void Quietly(Action dispose)
    {
        try
        {
            dispose();
        }
        catch (AmazonClientException)
        {
            // See Dispose.
        }
    }

    private static string CatalogJsonNames(Compression compression) => compression.ToString().ToLowerInvariant();

    private void Account(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _size += data.Length;
        if (_size > _object.Size)
        {
            throw Fail($"more than the manifest's {_object.Size} bytes");
        }

        if (_stored.BytesRead > _object.StoredSize)
        {
            throw Fail($"more than the manifest's {_object.StoredSize} stored bytes");
        }
    }

    private void VerifyAtEnd()
    {
        var storedSha = _stored.HashHex();
        if (_stored.BytesRead != _object.StoredSize)
        {
            throw Fail($"stored size is {_stored.BytesRead} bytes, the manifest says {_object.StoredSize}");
        }

        if (!string.Equals(storedSha, _object.StoredSha256, StringComparison.Ordinal))
        {
            throw Fail($"stored SHA-256 is {storedSha}, the manifest says {_object.StoredSha256}");
        }

        var sha = Convert.ToHexStringLower(_sha256.GetHashAndReset());
        if (_size != _object.Size)
        {
            throw Fail($"size is {_size} bytes, the manifest says {_object.Size}");
        }

        if (!string.Equals(sha, _object.Sha256, StringComparison.Ordinal))
        {
            throw Fail($"SHA-256 is {sha}, the manifest says {_object.Sha256}");
        }

        _verified = true;
    }

    private ChecksumMismatchException Fail(string problem, Exception? inner = null)
    {
        _failure = new ChecksumMismatchException(_backupId.Value, _object.Name, _object.Key, problem, inner);
        return _failure;
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new ChecksumMismatchException(_failure.BackupId, _failure.ObjectName, _failure.Key, _failure.Problem);
        }
    }

    /// <summary>Counts and hashes the stored bytes as they pass.</summary>
    private sealed class HashingReadStream(Stream inner) : ReadOnlyStream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long BytesRead { get; private set; }

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            _hash.AppendData(buffer[..read]);
            BytesRead += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _hash.AppendData(buffer.Span[..read]);
            BytesRead += read;
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
