using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace DisasterRecovery.Catalog;

/// <summary>
/// The bottom of the write path: a write-only stream that hashes the bytes it is given and uploads
/// them to one S3 key as they arrive. Up to one part it is a single conditional PUT; beyond that a
/// multipart upload with SHA-256 part checksums, at most one part uploading while the next fills, so
/// memory is two part buffers whatever the object's size.
/// </summary>
internal sealed class ObjectUpload : Stream
{
    private readonly IAmazonS3 _s3;
    private readonly ObjectWriteSettings _settings;
    private readonly string _key;
    private readonly string _contentType;
    private readonly int _partSize;
    private readonly Action<int, long, long>? _partUploaded;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<PartETag> _parts = [];
    private byte[] _filling;
    private int _filled;
    private byte[]? _spare;
    private Task<PartETag>? _inFlight;
    private byte[]? _inFlightBuffer;
    private string? _uploadId;
    private int _nextPart = 1;
    private long _stored;
    private bool _finished;

    public ObjectUpload(IAmazonS3 s3, ObjectWriteSettings settings, string key, string contentType, int partSize, Action<int, long, long>? partUploaded)
    {
        _s3 = s3;
        _settings = settings;
        _key = key;
        _contentType = contentType;
        _partSize = partSize;
        _partUploaded = partUploaded;
        _filling = new byte[partSize];
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _stored;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _sha256.AppendData(buffer.Span);
        _stored += buffer.Length;
        while (!buffer.IsEmpty)
        {
            var take = Math.Min(_partSize - _filled, buffer.Length);
            buffer.Span[..take].CopyTo(_filling.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _partSize)
            {
                await ShipFullPartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Uploads what is left and completes the object (never overwriting an existing key).</summary>
    public async Task<StoredObject> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        var sha256 = Convert.ToHexStringLower(_sha256.GetHashAndReset());
        if (_uploadId is null)
        {
            using var body = new MemoryStream(_filling, 0, _filled, writable: false);
            var put = new PutObjectRequest { Key = _key, InputStream = body, ContentType = _contentType, IfNoneMatch = "*", AutoCloseStream = false };
            _settings.ApplyTo(put);
            var response = await S3Failures.CallAsync(_settings.Bucket, () => _s3.PutObjectAsync(put, cancellationToken)).ConfigureAwait(false);
            return new StoredObject(_key, _stored, sha256, NullIfNullVersion(response.VersionId), 1);
        }

        if (_inFlight is not null)
        {
            _parts.Add(await _inFlight.ConfigureAwait(false));
            _inFlight = null;
        }

        if (_filled > 0)
        {
            _parts.Add(await UploadPartAsync(_filling, _filled, _nextPart++, cancellationToken).ConfigureAwait(false));
        }

        var complete = new CompleteMultipartUploadRequest
        {
            BucketName = _settings.Bucket,
            Key = _key,
            UploadId = _uploadId,
            PartETags = _parts,
            IfNoneMatch = "*",
        };
        var completed = await S3Failures.CallAsync(_settings.Bucket, () => _s3.CompleteMultipartUploadAsync(complete, cancellationToken)).ConfigureAwait(false);
        _uploadId = null;
        return new StoredObject(_key, _stored, sha256, NullIfNullVersion(completed.VersionId), _parts.Count);
    }

    /// <summary>Abandons the object: waits for the part in flight and aborts the multipart upload.</summary>
    public async Task AbortAsync()
    {
        _finished = true;
        if (_inFlight is not null)
        {
            try
            {
                await _inFlight.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The upload is being abandoned; its failure changes nothing.
            }

            _inFlight = null;
        }

        if (_uploadId is { } uploadId)
        {
            _uploadId = null;
            try
            {
                var abort = new AbortMultipartUploadRequest { BucketName = _settings.Bucket, Key = _key, UploadId = uploadId };
                await _s3.AbortMultipartUploadAsync(abort, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonS3Exception)
            {
                // Best effort: the bucket's AbortIncompleteMultipartUpload lifecycle rule removes what is left.
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _sha256.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static string? NullIfNullVersion(string? versionId) => string.IsNullOrEmpty(versionId) || versionId == "null" ? null : versionId;

    private async Task ShipFullPartAsync(CancellationToken cancellationToken)
    {
        if (_uploadId is null)
        {
            var create = new InitiateMultipartUploadRequest { Key = _key, ContentType = _contentType };
            _settings.ApplyTo(create);
            var created = await S3Failures.CallAsync(_settings.Bucket, () => _s3.InitiateMultipartUploadAsync(create, cancellationToken)).ConfigureAwait(false);
            _uploadId = created.UploadId;
        }

        if (_inFlight is not null)
        {
            _parts.Add(await _inFlight.ConfigureAwait(false));
            _spare = _inFlightBuffer;
            _inFlight = null;
        }

        _inFlightBuffer = _filling;
        _inFlight = UploadPartAsync(_filling, _filled, _nextPart++, cancellationToken);
        _filling = _spare ?? new byte[_partSize];
        _spare = null;
        _filled = 0;
    }

    private async Task<PartETag> UploadPartAsync(byte[] buffer, int length, int partNumber, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(buffer, 0, length, writable: false);
        var request = new UploadPartRequest
        {
            BucketName = _settings.Bucket,
            Key = _key,
            UploadId = _uploadId,
            PartNumber = partNumber,
            InputStream = body,
            PartSize = length,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        };
        var response = await _s3.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
        _partUploaded?.Invoke(partNumber, length, _stored);
        return new PartETag { PartNumber = partNumber, ETag = response.ETag, ChecksumSHA256 = response.ChecksumSHA256 };
    }
}

/// <summary>What was stored under a key.</summary>
internal sealed record StoredObject(string Key, long Size, string Sha256, string? VersionId, int PartCount);
