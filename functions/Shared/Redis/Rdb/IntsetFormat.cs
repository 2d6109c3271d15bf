using System.Buffers.Binary;
using System.Globalization;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// An intset (a set of integers): encoding width in bytes (u32 LE: 2, 4 or 8), count (u32 LE), then the integers in
/// strictly ascending order.
/// </summary>
internal static class IntsetFormat
{
    public static int Validate(EncodedBlob blob)
    {
        var bytes = blob.Bytes;
        if (bytes.Length < 8)
        {
            throw blob.Problem(0, "an intset header", $"{bytes.Length} bytes");
        }

        var width = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (width is not (2 or 4 or 8))
        {
            throw blob.Problem(0, "an intset encoding of 2, 4 or 8", width.ToString(CultureInfo.InvariantCulture));
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]);
        if (count == 0 || 8 + (count * width) != (ulong)bytes.Length)
        {
            throw blob.Problem(4, $"a count of {(bytes.Length - 8) / (int)width} (non-zero)", count.ToString(CultureInfo.InvariantCulture));
        }

        var previous = long.MinValue;
        for (var i = 0; i < count; i++)
        {
            var at = 8 + (i * (int)width);
            var value = width switch
            {
                2 => BinaryPrimitives.ReadInt16LittleEndian(bytes[at..]),
                4 => BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]),
                _ => BinaryPrimitives.ReadInt64LittleEndian(bytes[at..]),
            };
            if (i > 0 && value <= previous)
            {
                throw blob.Problem(at, "integers in strictly ascending order");
            }

            previous = value;
        }

        return (int)count;
    }
}
