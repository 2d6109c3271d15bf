using System.Buffers;
using System.IO.Hashing;
using System.Security.Cryptography;
using DisasterRecovery.Zstd;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Compresses SQL text into independent zstd frames (each with its content checksum) and collects the
/// frames of one segment in pooled memory until it is handed to the appender. One per worker; not
/// thread-safe. Raw text is compressed in blocks of <see cref="BlockSize"/>, so memory is a block plus
/// the compressed segment, whatever the table's size.
/// </summary>
internal sealed class FrameEncoder : IDisposable
{
    public const int BlockSize = 4 << 20;

    private readonly Compressor? _compressor;
    private readonly NativeZstd? _zstd;
    private readonly IntPtr _native;
    private readonly byte[] _raw = new byte[BlockSize];
    private readonly byte[] _compressed = new byte[Compressor.GetCompressBound(BlockSize)];
    private int _rawUsed;

    /// <summary>Compresses with libzstd, or with ZstdSharp when libzstd cannot be loaded.</summary>
    public FrameEncoder(int level)
        : this(level, NativeZstd.Default)
    {
    }

    /// <summary>Compresses with <paramref name="zstd"/>, or with ZstdSharp when it is null (the fallback, tested on its own).</summary>
    internal FrameEncoder(int level, NativeZstd? zstd)
    {
        _zstd = zstd;
        if (zstd is not null)
        {
            _native = zstd.CreateContext(level);
        }
        else
        {
            _compressor = new Compressor(level);
            _compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        }
    }

    /// <summary>"libzstd" or "ZstdSharp": which implementation compresses here.</summary>
    public static string Implementation => NativeZstd.Default is null ? "ZstdSharp" : "libzstd";

    /// <summary>The frames finished so far for the current segment.</summary>
    public SegmentBuffer Output { get; private set; } = new();

    /// <summary>Raw bytes taken for the current segment (compressed or waiting in the block).</summary>
    public long RawLength { get; private set; }

    /// <summary>Bytes of compressed output in the current segment so far.</summary>
    public long StoredLength => Output.Length;

    public void Write(ReadOnlySpan<byte> text)
    {
        RawLength += text.Length;
        while (!text.IsEmpty)
        {
            var take = Math.Min(text.Length, BlockSize - _rawUsed);
            text[..take].CopyTo(_raw.AsSpan(_rawUsed));
            _rawUsed += take;
            text = text[take..];
            if (_rawUsed == BlockSize)
            {
                FlushFrame();
            }
        }
    }

    /// <summary>Compresses what waits in the block into a frame.</summary>
    public void FlushFrame()
    {
        if (_rawUsed == 0)
        {
            return;
        }

        var written = _zstd is not null
            ? _zstd.Compress(_native, _raw.AsSpan(0, _rawUsed), _compressed)
            : _compressor!.Wrap(_raw.AsSpan(0, _rawUsed), _compressed);
        Output.Append(_compressed.AsSpan(0, written));
        _rawUsed = 0;
    }

    /// <summary>Ends the segment: flushes the block and hands over its frames; the encoder starts a new one.</summary>
    public SegmentBuffer TakeSegment(out long rawLength)
    {
        FlushFrame();
        var segment = Output;
        rawLength = RawLength;
        Output = new SegmentBuffer();
        RawLength = 0;
        return segment;
    }

    public void Dispose()
    {
        _compressor?.Dispose();
        _zstd?.FreeContext(_native);
        Output.Dispose();
    }
}

/// <summary>Compressed bytes of one segment in pooled 1 MiB blocks (no large copies, no large-object heap churn).</summary>
internal sealed class SegmentBuffer : IDisposable
{
    private const int BlockLength = 1 << 20;
    private readonly List<byte[]> _blocks = [];
    private int _lastUsed = BlockLength;

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        Length += data.Length;
        while (!data.IsEmpty)
        {
            if (_lastUsed == BlockLength)
            {
                _blocks.Add(ArrayPool<byte>.Shared.Rent(BlockLength));
                _lastUsed = 0;
            }

            var take = Math.Min(data.Length, BlockLength - _lastUsed);
            data[..take].CopyTo(_blocks[^1].AsSpan(_lastUsed));
            _lastUsed += take;
            data = data[take..];
        }
    }

    /// <summary>The bytes, block by block.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Blocks()
    {
        for (var i = 0; i < _blocks.Count; i++)
        {
            yield return _blocks[i].AsMemory(0, i == _blocks.Count - 1 ? _lastUsed : BlockLength);
        }
    }

    public string Sha256()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var block in Blocks())
        {
            sha.AppendData(block.Span);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        _blocks.Clear();
        Length = 0;
        _lastUsed = BlockLength;
    }
}

/// <summary>
/// Order-independent content hash of COPY text: rows are the lines; the hash is the count and the sum
/// mod 2^64 of XXH3-64 of each line (without its newline). A row split across reads is hashed incrementally.
/// </summary>
internal sealed class RowHasher
{
    private readonly XxHash3 _partial = new();
    private bool _hasPartial;

    public long Rows { get; private set; }

    public ulong Sum { get; private set; }

    /// <summary>Feeds text; returns the offset just after the last newline in it (0 when none).</summary>
    public int Add(ReadOnlySpan<byte> text)
    {
        var consumed = 0;
        var lastEnd = 0;
        while (true)
        {
            var newline = text[consumed..].IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var line = text.Slice(consumed, newline);
            ulong hash;
            if (_hasPartial)
            {
                _partial.Append(line);
                hash = _partial.GetCurrentHashAsUInt64();
                _partial.Reset();
                _hasPartial = false;
            }
            else
            {
                hash = XxHash3.HashToUInt64(line);
            }

            unchecked
            {
                Sum += hash;
            }

            Rows++;
            consumed += newline + 1;
            lastEnd = consumed;
        }

        if (consumed < text.Length)
        {
            _partial.Append(text[consumed..]);
            _hasPartial = true;
        }

        return lastEnd;
    }

    /// <summary>True when the text fed so far ends in the middle of a row.</summary>
    public bool InsideRow => _hasPartial;

    public static string Format(ulong sum) => "xxh3-sum:" + sum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
