using System.Buffers.Binary;

namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// A zipmap (hashes before Redis 2.6): a count byte (254 when unknown), then pairs of key and value, each with a
/// length (one byte under 254, else 254 and a u32 LE), the value also with a count of free bytes after it; end 0xFF.
/// </summary>
internal static class ZipmapFormat
{
    public static int Validate(EncodedBlob blob)
    {
        var bytes = blob.Bytes;
        if (bytes.Length < 2)
        {
            throw blob.Problem(0, "a zipmap header and end byte", $"{bytes.Length} bytes");
        }

        var declared = bytes[0];
        var position = 1;
        var pairs = 0;
        while (true)
        {
            if (position >= bytes.Length)
            {
                throw blob.Problem(position, "a zipmap entry or the end byte");
            }

            if (bytes[position] == 0xFF)
            {
                break;
            }

            var keyLength = Length(blob, ref position);
            position += Check(blob, position, keyLength);
            var valueLength = Length(blob, ref position);
            if (position >= bytes.Length)
            {
                throw blob.Problem(position, "a zipmap free-byte count");
            }

            var free = bytes[position++];
            position += Check(blob, position, valueLength + free);
            pairs++;
        }

        if (position != bytes.Length - 1)
        {
            throw blob.Problem(position, "the end byte last");
        }

        if (declared < 254 && declared != pairs)
        {
            throw blob.Problem(0, $"the pair count {pairs}", declared.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return pairs;
    }

    private static long Length(EncodedBlob blob, ref int position)
    {
        var bytes = blob.Bytes;
        if (position >= bytes.Length)
        {
            throw blob.Problem(position, "a zipmap length");
        }

        var first = bytes[position];
        if (first < 254)
        {
            position++;
            return first;
        }

        if (first == 254 && position + 5 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 1)..]);
            position += 5;
            return length;
        }

        throw blob.Problem(position, "a zipmap length");
    }

    private static int Check(EncodedBlob blob, int position, long length)
    {
        if (position + length > blob.Bytes.Length - 1)
        {
            throw blob.Problem(position, $"{length} bytes before the end byte");
        }

        return (int)length;
    }
}
