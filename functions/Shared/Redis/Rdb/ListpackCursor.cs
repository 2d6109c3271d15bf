using System.Buffers.Binary;
using System.Globalization;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// Walks a listpack (Redis 7's compact encoding of lists, hashes, sets, sorted sets and stream nodes), checking each
/// entry's encoding, its length and the back-length that follows it. Header: total bytes (u32 LE) and element count
/// (u16 LE, 65535 when unknown); entries; the end byte 0xFF.
/// </summary>
internal ref struct ListpackCursor
{
    private const int HeaderSize = 6;
    private readonly EncodedBlob _blob;
    private int _position;

    public ListpackCursor(EncodedBlob blob)
    {
        _blob = blob;
        var bytes = blob.Bytes;
        if (bytes.Length < HeaderSize + 1)
        {
            throw blob.Problem(0, "a listpack header and end byte", $"{bytes.Length} bytes");
        }

        var total = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (total != bytes.Length)
        {
            throw blob.Problem(0, $"the listpack's total length {bytes.Length}", total.ToString(CultureInfo.InvariantCulture));
        }

        if (bytes[^1] != 0xFF)
        {
            throw blob.Problem(bytes.Length - 1, "the listpack end byte 0xFF", $"0x{bytes[^1]:x2}");
        }

        DeclaredCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        _position = HeaderSize;
    }

    /// <summary>The header's element count, or 65535 when the listpack holds more than it can say.</summary>
    public int DeclaredCount { get; }

    /// <summary>The entries read so far.</summary>
    public int Count { get; private set; }

    /// <summary>Reads the next entry; false at the end byte (after checking the header's count).</summary>
    public bool Next(out ListpackEntry entry)
    {
        var bytes = _blob.Bytes;
        var start = _position;
        if (start >= bytes.Length)
        {
            throw _blob.Problem(start, "a listpack entry or the end byte");
        }

        var b = bytes[start];
        if (b == 0xFF)
        {
            if (start != bytes.Length - 1)
            {
                throw _blob.Problem(start, "the end byte last");
            }

            if (DeclaredCount != ushort.MaxValue && DeclaredCount != Count)
            {
                throw _blob.Problem(4, $"the element count {Count}", DeclaredCount.ToString(CultureInfo.InvariantCulture));
            }

            entry = default;
            return false;
        }

        int headerLength;
        long dataLength;
        long integer = 0;
        var isInteger = true;
        if ((b & 0x80) == 0)
        {
            headerLength = 1;
            dataLength = 0;
            integer = b & 0x7f;
        }
        else if ((b & 0xC0) == 0x80)
        {
            headerLength = 1;
            dataLength = b & 0x3f;
            isInteger = false;
        }
        else if ((b & 0xE0) == 0xC0)
        {
            headerLength = 2;
            dataLength = 0;
            Need(start, 2);
            var raw = ((b & 0x1f) << 8) | bytes[start + 1];
            integer = raw >= 1 << 12 ? raw - (1 << 13) : raw;
        }
        else if ((b & 0xF0) == 0xE0)
        {
            headerLength = 2;
            Need(start, 2);
            dataLength = ((b & 0x0f) << 8) | bytes[start + 1];
            isInteger = false;
        }
        else
        {
            switch (b)
            {
                case 0xF0:
                    headerLength = 5;
                    Need(start, 5);
                    dataLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(start + 1)..]);
                    isInteger = false;
                    break;
                case 0xF1:
                    headerLength = 3;
                    Need(start, 3);
                    integer = BinaryPrimitives.ReadInt16LittleEndian(bytes[(start + 1)..]);
                    dataLength = 0;
                    break;
                case 0xF2:
                    headerLength = 4;
                    Need(start, 4);
                    integer = (bytes[start + 1] | (bytes[start + 2] << 8) | (bytes[start + 3] << 16)) << 8 >> 8;
                    dataLength = 0;
                    break;
                case 0xF3:
                    headerLength = 5;
                    Need(start, 5);
                    integer = BinaryPrimitives.ReadInt32LittleEndian(bytes[(start + 1)..]);
                    dataLength = 0;
                    break;
                case 0xF4:
                    headerLength = 9;
                    Need(start, 9);
                    integer = BinaryPrimitives.ReadInt64LittleEndian(bytes[(start + 1)..]);
                    dataLength = 0;
                    break;
                default:
                    throw _blob.Problem(start, "a listpack entry encoding", $"0x{b:x2}");
            }
        }

        var entryLength = headerLength + dataLength;
        Need(start, entryLength);
        var backLengthSize = BackLengthSize(entryLength);
        Need(start, entryLength + backLengthSize);
        var backAt = (int)(start + entryLength);
        var decoded = DecodeBackLength(bytes.Slice(backAt, backLengthSize));
        if (decoded != entryLength)
        {
            throw _blob.Problem(backAt, $"the back-length {entryLength}", decoded.ToString(CultureInfo.InvariantCulture));
        }

        entry = new ListpackEntry(isInteger, integer, isInteger ? default : bytes.Slice(start + headerLength, (int)dataLength));
        _position = backAt + backLengthSize;
        Count++;
        return true;
    }

    /// <summary>Reads the next entry, which must exist; <paramref name="what"/> names it in an error.</summary>
    public ListpackEntry Require(string what)
    {
        var at = _position;
        if (!Next(out var entry))
        {
            throw _blob.Problem(at, what, "the end byte");
        }

        return entry;
    }

    /// <summary>Reads the next entry, which must be an integer (or a string spelling one).</summary>
    public long RequireInteger(string what)
    {
        var at = _position;
        var entry = Require(what);
        if (entry.TryGetInteger(out var value))
        {
            return value;
        }

        throw _blob.Problem(at, what + " (an integer)", "a string");
    }

    public readonly int Position => _position;

    public readonly Core.RdbFormatException Fail(string expected, string? found = null) => _blob.Problem(_position, expected, found);

    private readonly void Need(int start, long length)
    {
        if (start + length > _blob.Bytes.Length - 1)
        {
            throw _blob.Problem(start, $"a listpack entry of {length} bytes before the end byte");
        }
    }

    private static int BackLengthSize(long length) =>
        length <= 127 ? 1 : length < 16383 ? 2 : length < 2097151 ? 3 : length < 268435455 ? 4 : 5;

    private static long DecodeBackLength(ReadOnlySpan<byte> backLength)
    {
        // Stored so it reads from right to left: the last byte holds the lowest 7 bits; bit 7 marks "more to the left".
        long value = 0;
        var shift = 0;
        for (var i = backLength.Length - 1; i >= 0; i--, shift += 7)
        {
            value |= (long)(backLength[i] & 0x7f) << shift;
        }

        return value;
    }
}
