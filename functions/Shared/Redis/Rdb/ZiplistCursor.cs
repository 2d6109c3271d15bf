using System.Buffers.Binary;
using System.Globalization;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// Walks a ziplist (the compact encoding before Redis 7, still met in older files and quicklist v1 nodes), checking
/// each entry's previous-length field, encoding and size, the tail offset and the count. Header: total bytes (u32 LE),
/// offset of the last entry (u32 LE), entry count (u16 LE, 65535 when unknown); entries; the end byte 0xFF.
/// </summary>
internal ref struct ZiplistCursor
{
    private const int HeaderSize = 10;
    private readonly EncodedBlob _blob;
    private readonly int _tail;
    private int _position;
    private int _previousLength;
    private int _lastStart;

    public ZiplistCursor(EncodedBlob blob)
    {
        _blob = blob;
        var bytes = blob.Bytes;
        if (bytes.Length < HeaderSize + 1)
        {
            throw blob.Problem(0, "a ziplist header and end byte", $"{bytes.Length} bytes");
        }

        var total = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (total != bytes.Length)
        {
            throw blob.Problem(0, $"the ziplist's total length {bytes.Length}", total.ToString(CultureInfo.InvariantCulture));
        }

        if (bytes[^1] != 0xFF)
        {
            throw blob.Problem(bytes.Length - 1, "the ziplist end byte 0xFF", $"0x{bytes[^1]:x2}");
        }

        _tail = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]));
        DeclaredCount = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        _position = HeaderSize;
        _lastStart = HeaderSize;
    }

    public int DeclaredCount { get; }

    public int Count { get; private set; }

    public bool Next(out ListpackEntry entry)
    {
        var bytes = _blob.Bytes;
        var start = _position;
        if (bytes[start] == 0xFF)
        {
            if (start != bytes.Length - 1)
            {
                throw _blob.Problem(start, "the end byte last");
            }

            if (_tail != _lastStart)
            {
                throw _blob.Problem(4, $"the tail offset {_lastStart}", _tail.ToString(CultureInfo.InvariantCulture));
            }

            if (DeclaredCount != ushort.MaxValue && DeclaredCount != Count)
            {
                throw _blob.Problem(8, $"the entry count {Count}", DeclaredCount.ToString(CultureInfo.InvariantCulture));
            }

            entry = default;
            return false;
        }

        int prevLengthSize;
        long previous;
        if (bytes[start] < 254)
        {
            prevLengthSize = 1;
            previous = bytes[start];
        }
        else
        {
            prevLengthSize = 5;
            Need(start, 5);
            previous = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(start + 1)..]);
        }

        if (previous != _previousLength)
        {
            throw _blob.Problem(start, $"the previous entry's length {_previousLength}", previous.ToString(CultureInfo.InvariantCulture));
        }

        var at = start + prevLengthSize;
        Need(at, 1);
        var e = bytes[at];
        int headerLength;
        long dataLength;
        long integer = 0;
        var isInteger = true;
        switch (e >> 6)
        {
            case 0:
                headerLength = 1;
                dataLength = e & 0x3f;
                isInteger = false;
                break;
            case 1:
                headerLength = 2;
                Need(at, 2);
                dataLength = ((e & 0x3f) << 8) | bytes[at + 1];
                isInteger = false;
                break;
            case 2:
                if (e != 0x80)
                {
                    throw _blob.Problem(at, "a ziplist entry encoding", $"0x{e:x2}");
                }

                headerLength = 5;
                Need(at, 5);
                dataLength = BinaryPrimitives.ReadUInt32BigEndian(bytes[(at + 1)..]);
                isInteger = false;
                break;
            default:
                headerLength = 1;
                dataLength = e switch
                {
                    0xC0 => 2,
                    0xD0 => 4,
                    0xE0 => 8,
                    0xF0 => 3,
                    0xFE => 1,
                    >= 0xF1 and <= 0xFD => 0,
                    _ => throw _blob.Problem(at, "a ziplist entry encoding", $"0x{e:x2}"),
                };
                Need(at, 1 + dataLength);
                var data = bytes[(at + 1)..];
                integer = e switch
                {
                    0xC0 => BinaryPrimitives.ReadInt16LittleEndian(data),
                    0xD0 => BinaryPrimitives.ReadInt32LittleEndian(data),
                    0xE0 => BinaryPrimitives.ReadInt64LittleEndian(data),
                    0xF0 => (data[0] | (data[1] << 8) | (data[2] << 16)) << 8 >> 8,
                    0xFE => (sbyte)data[0],
                    _ => (e & 0x0f) - 1,
                };
                break;
        }

        var entryLength = prevLengthSize + headerLength + dataLength;
        Need(start, entryLength);
        entry = new ListpackEntry(isInteger, integer, isInteger ? default : bytes.Slice(at + headerLength, (int)dataLength));
        _lastStart = start;
        _previousLength = (int)entryLength;
        _position = (int)(start + entryLength);
        Count++;
        return true;
    }

    private readonly void Need(int start, long length)
    {
        if (start + length > _blob.Bytes.Length - 1)
        {
            throw _blob.Problem(start, $"a ziplist entry of {length} bytes before the end byte");
        }
    }
}
