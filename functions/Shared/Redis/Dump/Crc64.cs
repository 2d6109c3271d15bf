namespace DisasterRecovery.Redis.Dump;

/// <summary>
/// CRC-64/Jones, reflected (polynomial 0xad93d23594c935a9, initial value 0, no final xor), the checksum Redis ends an
/// RDB file and a DUMP payload with. Its check value ("123456789") is 0xe9c6d914c4b8d9ca.
/// </summary>
public static class Crc64
{
    private const ulong ReflectedPolynomial = 0x95ac9329ac4bc9b5UL;

    // Slice-by-8 tables: the checksum runs over every byte of a backup, so it reads eight bytes per step.
    private static readonly ulong[][] Tables = BuildTables();

    /// <summary>Continues <paramref name="crc"/> over <paramref name="data"/> (start with 0).</summary>
    public static ulong Update(ulong crc, ReadOnlySpan<byte> data)
    {
        var t0 = Tables[0];
        var t1 = Tables[1];
        var t2 = Tables[2];
        var t3 = Tables[3];
        var t4 = Tables[4];
        var t5 = Tables[5];
        var t6 = Tables[6];
        var t7 = Tables[7];
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            crc ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(data[i..]);
            crc = t7[crc & 0xff] ^ t6[(crc >> 8) & 0xff] ^ t5[(crc >> 16) & 0xff] ^ t4[(crc >> 24) & 0xff]
                ^ t3[(crc >> 32) & 0xff] ^ t2[(crc >> 40) & 0xff] ^ t1[(crc >> 48) & 0xff] ^ t0[crc >> 56];
        }

        for (; i < data.Length; i++)
        {
            crc = t0[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
        }

        return crc;
    }

    private static ulong[][] BuildTables()
    {
        var tables = new ulong[8][];
        for (var t = 0; t < 8; t++)
        {
            tables[t] = new ulong[256];
        }

        for (ulong n = 0; n < 256; n++)
        {
            var crc = n;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            tables[0][n] = crc;
        }

        for (var n = 0; n < 256; n++)
        {
            for (var t = 1; t < 8; t++)
            {
                var previous = tables[t - 1][n];
                tables[t][n] = tables[0][previous & 0xff] ^ (previous >> 8);
            }
        }

        return tables;
    }
}
