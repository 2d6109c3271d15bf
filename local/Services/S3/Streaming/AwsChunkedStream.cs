using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DisasterRecovery.LocalS3.Http;

namespace DisasterRecovery.LocalS3.Streaming;

/// <summary>
/// Decodes an aws-chunked request body into the payload it carries, never keeping more than one small
/// buffer in memory. Wire format (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html):
/// <code>
/// hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;chunk-signature=sig]\r\n
/// [x-amz-checksum-xxx:value\r\n] [x-amz-trailer-signature:sig\r\n] \r\n
/// </code>
/// With a signature chain every chunk signature (and the trailer signature) is verified, not only the seed.
/// </summary>
internal sealed class AwsChunkedStream : Stream
{
    private const int MaxLineLength = 8 * 1024;
    private const string TrailerSignatureHeader = "x-amz-trailer-signature";

    private readonly Stream inner;
    private readonly ChunkSignatureChain? signatures;
    private readonly bool trailerIsSigned;
    private readonly byte[] buffer = new byte[16 * 1024];
    private int bufferStart;
    private int bufferEnd;
    private long remainingInChunk;
    private bool awaitingChunkEnd;
    private bool finished;
    private string? chunkSignature;
    private IncrementalHash? chunkHash;

    public AwsChunkedStream(Stream inner, ChunkSignatureChain? signatures, bool trailerIsSigned)
    {
        this.inner = inner;
        this.signatures = signatures;
        this.trailerIsSigned = trailerIsSigned;
    }

    /// <summary>Trailing headers (name lower-cased), available once the stream has been read to its end.</summary>
    public Dictionary<string, string> Trailers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (finished || destination.Length == 0)
        {
            return 0;
        }

        while (remainingInChunk == 0)
        {
            if (awaitingChunkEnd)
            {
                await ExpectLineEndAsync(cancellationToken);
                signatures?.VerifyChunk(chunkSignature, chunkHash!.GetHashAndReset());
                awaitingChunkEnd = false;
            }

            var header = await ReadLineAsync(allowEndOfStream: false, cancellationToken)
                ?? throw Malformed();
            var size = ParseChunkHeader(header, out chunkSignature);
            if (size == 0)
            {
                signatures?.VerifyChunk(chunkSignature, SHA256.HashData(ReadOnlySpan<byte>.Empty));
                await ReadTrailersAsync(cancellationToken);
                finished = true;
                return 0;
            }

            remainingInChunk = size;
            if (signatures is not null)
            {
                chunkHash ??= ChunkSignatureChain.NewChunkHash();
            }
        }

        var wanted = (int)Math.Min(destination.Length, remainingInChunk);
        int read;
        if (bufferEnd > bufferStart)
        {
            read = Math.Min(wanted, bufferEnd - bufferStart);
            buffer.AsSpan(bufferStart, read).CopyTo(destination.Span);
            bufferStart += read;
        }
        else
        {
            read = await inner.ReadAsync(destination[..wanted], cancellationToken);
            if (read == 0)
            {
                throw new S3Exception(S3Errors.IncompleteBody);
            }
        }

        chunkHash?.AppendData(destination.Span[..read]);
        remainingInChunk -= read;
        awaitingChunkEnd = remainingInChunk == 0;
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            chunkHash?.Dispose();
        }

        base.Dispose(disposing);
    }

    private static long ParseChunkHeader(string header, out string? signature)
    {
        signature = null;
        var parts = header.Split(';');
        if (!long.TryParse(parts[0].Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            throw Malformed();
        }

        foreach (var extension in parts.Skip(1))
        {
            var equals = extension.IndexOf('=');
            if (equals > 0 && extension[..equals].Trim() == "chunk-signature")
            {
                signature = extension[(equals + 1)..].Trim();
            }
        }

        return size;
    }

    private async Task ReadTrailersAsync(CancellationToken cancellationToken)
    {
        var canonicalTrailer = new StringBuilder();
        string? trailerSignature = null;
        while (true)
        {
            var line = await ReadLineAsync(allowEndOfStream: true, cancellationToken);
            if (string.IsNullOrEmpty(line))
            {
                break;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw Malformed();
            }

            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (name == TrailerSignatureHeader)
            {
                trailerSignature = value;
                continue;
            }

            Trailers[name] = value;
            canonicalTrailer.Append(name).Append(':').Append(value).Append('\n');
        }

        if (signatures is not null && trailerIsSigned)
        {
            signatures.VerifyTrailer(trailerSignature, canonicalTrailer.ToString());
        }
    }

    private async Task ExpectLineEndAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(allowEndOfStream: false, cancellationToken);
        if (line is null || line.Length != 0)
        {
            throw Malformed();
        }
    }

    /// <summary>Reads up to the next CRLF; null at a clean end of stream when allowed.</summary>
    private async Task<string?> ReadLineAsync(bool allowEndOfStream, CancellationToken cancellationToken)
    {
        var line = new List<byte>(96);
        while (true)
        {
            if (bufferStart == bufferEnd)
            {
                bufferStart = 0;
                bufferEnd = await inner.ReadAsync(buffer, cancellationToken);
                if (bufferEnd == 0)
                {
                    if (allowEndOfStream)
                    {
                        return line.Count == 0 ? null : Encoding.ASCII.GetString(line.ToArray());
                    }

                    throw new S3Exception(S3Errors.IncompleteBody);
                }
            }

            var b = buffer[bufferStart++];
            if (b == (byte)'\n' && line.Count > 0 && line[^1] == (byte)'\r')
            {
                line.RemoveAt(line.Count - 1);
                return Encoding.ASCII.GetString(line.ToArray());
            }

            line.Add(b);
            if (line.Count > MaxLineLength)
            {
                throw Malformed();
            }
        }
    }

    private static S3Exception Malformed() => new(S3Errors.IncompleteBody, S3Errors.MalformedChunkMessage);
}
