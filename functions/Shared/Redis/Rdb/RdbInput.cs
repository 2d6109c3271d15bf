using System.Buffers.Binary;
using System.Globalization;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Dump;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// The primitives of the RDB format over a forward-only stream, through one 64 KB buffer: bytes, lengths, strings
/// (integer-encoded, raw, LZF), doubles and times. Knows the offset of every byte, keeps the CRC-64 of everything
/// consumed, and can capture the consumed bytes of one value (its DUMP payload) without a second copy.
/// </summary>
internal sealed class RdbInput
{
    private const int BufferSize = 64 * 1024;

    // The largest value a payload may carry: a RESTORE is one bulk string, and servers refuse bulk strings over
    // proto-max-bulk-len (512 MB by default). Also bounds what a damaged length can make the reader allocate.
    private const long MaxCapturedString = 512L << 20;

    // LZF's densest form: a 3-byte back reference expands to 264 bytes.
    private const long MaxLzfExpansion = 88;

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _position;
    private int _end;
    private long _bufferOffset;
    private int _foldedUpTo;
    private ulong _crc;
    private CaptureBuffer? _capture;

    public RdbInput(Stream stream)
    {
        _stream = stream;
        _length = stream.CanSeek ? stream.Length - stream.Position : null;
    }

    private readonly long? _length;

    /// <summary>The offset of the next byte to read, from the start of the file.</summary>
    public long Offset => _bufferOffset + _position;

    /// <summary>The CRC-64 of every byte consumed so far.</summary>
    public ulong Checksum
    {
        get
        {
            Fold();
            return _crc;
        }
    }

    public bool IsCapturing => _capture is not null;

    public void BeginCapture(byte typeByte)
    {
        Fold();
        _capture = new CaptureBuffer();
        _capture.Append(typeByte);
    }

    public CaptureBuffer EndCapture()
    {
        Fold();
        var capture = _capture ?? throw new InvalidOperationException("no capture in progress");
        _capture = null;
        return capture;
    }

    public byte ReadByte(string what)
    {
        if (_position == _end)
        {
            Fill(1, what);
        }

        return _buffer[_position++];
    }

    /// <summary>True when the stream has no byte left (used after the checksum).</summary>
    public bool AtEnd()
    {
        if (_position < _end)
        {
            return false;
        }

        Fold();
        _bufferOffset += _position;
        _position = _end = _foldedUpTo = 0;
        _end = _stream.Read(_buffer, 0, _buffer.Length);
        return _end == 0;
    }

    public ReadOnlySpan<byte> ReadSpan(int count, string what)
    {
        if (_end - _position < count)
        {
            Fill(count, what);
        }

        var span = _buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }

    public long ReadInt64LittleEndian(string what) => BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8, what));

    public int ReadInt32LittleEndian(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4, what));

    public double ReadBinaryDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(ReadSpan(8, what));

    public float ReadBinaryFloat(string what) => BinaryPrimitives.ReadSingleLittleEndian(ReadSpan(4, what));

    /// <summary>A double as the old ZSET type writes it: a length byte (253 NaN, 254 +inf, 255 -inf) and ASCII digits.</summary>
    public double ReadStringDouble(string what)
    {
        var at = Offset;
        var length = ReadByte(what);
        switch (length)
        {
            case 253: return double.NaN;
            case 254: return double.PositiveInfinity;
            case 255: return double.NegativeInfinity;
        }

        var text = ReadSpan(length, what);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new RdbFormatException(at, what + " (a number in ASCII)", "text that is not a number");
        }

        return value;
    }

    /// <summary>An RDB length; <paramref name="special"/> is true for the 0b11 prefix (an encoded string follows).</summary>
    public ulong ReadLength(string what, out bool special)
    {
        var at = Offset;
        var first = ReadByte(what);
        special = false;
        switch (first >> 6)
        {
            case 0:
                return (ulong)(first & 0x3f);
            case 1:
                return ((ulong)(first & 0x3f) << 8) | ReadByte(what);
            case 3:
                special = true;
                return (ulong)(first & 0x3f);
        }

        return first switch
        {
            0x80 => BinaryPrimitives.ReadUInt32BigEndian(ReadSpan(4, what)),
            0x81 => BinaryPrimitives.ReadUInt64BigEndian(ReadSpan(8, what)),
            _ => throw new RdbFormatException(at, what + " (a length)", $"the unknown length prefix 0x{first:x2}"),
        };
    }

    /// <summary>A plain length (an encoded-string prefix there is an error).</summary>
    public ulong ReadLength(string what)
    {
        var at = Offset;
        var length = ReadLength(what, out var special);
        if (special)
        {
            throw new RdbFormatException(at, what + " (a length)", "a string encoding prefix");
        }

        return length;
    }

    /// <summary>A length that must fit an int and be at most <paramref name="maximum"/>.</summary>
    public int ReadCount(string what, long maximum = int.MaxValue)
    {
        var at = Offset;
        var length = ReadLength(what);
        if (length > (ulong)maximum)
        {
            throw new RdbFormatException(at, $"{what} (at most {maximum})", length.ToString(CultureInfo.InvariantCulture));
        }

        return (int)length;
    }

    /// <summary>A string's bytes (integers as their decimal text, LZF decompressed).</summary>
    public byte[] ReadString(string what)
    {
        var at = Offset;
        var length = ReadLength(what, out var special);
        if (special)
        {
            return ReadEncodedString(at, (int)length, what, keep: true)!;
        }

        var bytes = new byte[CheckedLength(at, length, what, allocates: true)];
        ReadInto(bytes, what);
        return bytes;
    }

    /// <summary>Reads past a string, checking it (an LZF string must decompress to its declared length).</summary>
    public void SkipString(string what)
    {
        var at = Offset;
        var length = ReadLength(what, out var special);
        if (special)
        {
            ReadEncodedString(at, (int)length, what, keep: false);
            return;
        }

        Skip(CheckedLength(at, length, what, allocates: _capture is not null), what);
    }

    /// <summary>Reads past <paramref name="count"/> bytes (captured when capturing).</summary>
    public void Skip(long count, string what)
    {
        ReserveCapture(count);
        while (count > 0)
        {
            if (_position == _end)
            {
                Fill(1, what);
            }

            var take = (int)Math.Min(count, _end - _position);
            _position += take;
            count -= take;
        }
    }

    private void ReadInto(Span<byte> target, string what)
    {
        ReserveCapture(target.Length);
        while (target.Length > 0)
        {
            if (_position == _end)
            {
                Fill(1, what);
            }

            var take = Math.Min(target.Length, _end - _position);
            _buffer.AsSpan(_position, take).CopyTo(target);
            _position += take;
            target = target[take..];
        }
    }

    private byte[]? ReadEncodedString(long at, int encoding, string what, bool keep)
    {
        switch (encoding)
        {
            case 0:
                var small = (sbyte)ReadByte(what);
                return keep ? Decimal(small) : null;
            case 1:
                return keep ? Decimal(BinaryPrimitives.ReadInt16LittleEndian(ReadSpan(2, what))) : SkipAndNull(2, what);
            case 2:
                return keep ? Decimal(BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4, what))) : SkipAndNull(4, what);
            case 3:
                var compressedLength = CheckedLength(Offset, ReadLength(what + " (LZF compressed length)"), what, allocates: true);
                var lengthAt = Offset;
                var length = CheckedLength(lengthAt, ReadLength(what + " (LZF original length)"), what, allocates: keep, inFile: false);
                if (length > (compressedLength * MaxLzfExpansion) + 32)
                {
                    throw new RdbFormatException(lengthAt, $"{what}: an original length {compressedLength} compressed bytes can hold",
                        length.ToString(CultureInfo.InvariantCulture));
                }

                var dataAt = Offset;
                var compressed = new byte[compressedLength];
                ReadInto(compressed, what);
                var output = keep ? new byte[length] : null;
                var problem = keep ? Lzf.Decompress(compressed, output) : Lzf.Validate(compressed, length);
                if (problem is not null)
                {
                    throw new RdbFormatException(dataAt, what + " (LZF data)", problem);
                }

                return output;
            default:
                throw new RdbFormatException(at, what + " (a string)", $"the unknown string encoding {encoding}");
        }
    }

    private byte[]? SkipAndNull(int count, string what)
    {
        Skip(count, what);
        return null;
    }

    private static byte[] Decimal(long value) => System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// A string length, refused when it passes the end of a file of known length (a damaged length is caught where it
    /// is) or, when the bytes are to be held, when it is over what a RESTORE can carry.
    /// </summary>
    private int CheckedLength(long at, ulong length, string what, bool allocates, bool inFile = true)
    {
        var left = _length - Offset;
        if (inFile && left is not null && length > (ulong)left.Value)
        {
            throw new RdbFormatException(at, $"{what}: a length within the {left} bytes left in the file",
                length.ToString(CultureInfo.InvariantCulture));
        }

        if (length > (ulong)(allocates ? MaxCapturedString : Array.MaxLength))
        {
            throw new RdbFormatException(at, $"{what}: a length of at most {(allocates ? MaxCapturedString : Array.MaxLength)} bytes",
                length.ToString(CultureInfo.InvariantCulture));
        }

        return (int)length;
    }

    /// <summary>Sizes the capture for <paramref name="count"/> more bytes, after what was consumed before them.</summary>
    private void ReserveCapture(long count)
    {
        if (_capture is not null)
        {
            Fold();
            _capture.Reserve(count);
        }
    }

    /// <summary>Folds the consumed bytes into the checksum and the capture.</summary>
    private void Fold()
    {
        if (_position > _foldedUpTo)
        {
            var consumed = _buffer.AsSpan(_foldedUpTo, _position - _foldedUpTo);
            _crc = Crc64.Update(_crc, consumed);
            _capture?.Append(consumed);
            _foldedUpTo = _position;
        }
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available, or fails naming the end of the stream.</summary>
    private void Fill(int count, string what)
    {
        Fold();
        var remaining = _end - _position;
        if (_position > 0)
        {
            _buffer.AsSpan(_position, remaining).CopyTo(_buffer);
            _bufferOffset += _position;
            _position = 0;
            _foldedUpTo = 0;
            _end = remaining;
        }

        while (_end < count)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                throw new RdbFormatException(_bufferOffset + _end, what, "the end of the file");
            }

            _end += read;
        }
    }
}
