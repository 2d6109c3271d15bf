using System.Buffers.Binary;
using System.Text;
using DisasterRecovery.Redis.Dump;

namespace DisasterRecovery.Redis.Tests;

/// <summary>
/// Writes small RDB files byte by byte, for what the local Redis 7.0 cannot produce: module values and module AUX
/// records (no module is installed here), the types Redis 7.2 added (set listpack, stream v3), second-resolution
/// expiries, and deliberately broken structures. A test tool only: production never writes RDB files.
/// </summary>
public sealed class SyntheticRdb
{
    private readonly MemoryStream _bytes = new();

    public SyntheticRdb(int version = 11)
    {
        Raw(Encoding.ASCII.GetBytes($"REDIS{version:D4}"));
    }

    /// <summary>Where the next byte will go.</summary>
    public long Offset => _bytes.Length;

    public SyntheticRdb Byte(byte value)
    {
        _bytes.WriteByte(value);
        return this;
    }

    public SyntheticRdb Raw(ReadOnlySpan<byte> bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public SyntheticRdb Length(ulong length)
    {
        if (length < 64)
        {
            return Byte((byte)length);
        }

        if (length < 16384)
        {
            return Byte((byte)(0x40 | (length >> 8))).Byte((byte)length);
        }

        Span<byte> big = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(big, checked((uint)length));
        return Byte(0x80).Raw(big);
    }

    public SyntheticRdb String(ReadOnlySpan<byte> value) => Length((ulong)value.Length).Raw(value);

    public SyntheticRdb String(string value) => String(Encoding.UTF8.GetBytes(value));

    public SyntheticRdb Int64(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Raw(bytes);
    }

    public SyntheticRdb StreamId(ulong milliseconds, ulong sequence)
    {
        Span<byte> id = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(id, milliseconds);
        BinaryPrimitives.WriteUInt64BigEndian(id[8..], sequence);
        return Raw(id);
    }

    /// <summary>The bytes written so far, without end-of-file opcode or checksum.</summary>
    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>The end-of-file opcode and the CRC-64 (or eight zero bytes, as `rdbchecksum no` writes).</summary>
    public byte[] Finish(bool checksum = true)
    {
        Byte(255);
        var crc = checksum ? Crc64.Update(0, _bytes.ToArray()) : 0;
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, crc);
        Raw(trailer);
        return _bytes.ToArray();
    }

    /// <summary>A listpack of small strings (under 64 bytes) and small integers (0 to 127).</summary>
    public static byte[] Listpack(params object[] elements)
    {
        var body = new MemoryStream();
        foreach (var element in elements)
        {
            var start = body.Length;
            if (element is int number)
            {
                body.WriteByte((byte)number);
            }
            else
            {
                var text = Encoding.UTF8.GetBytes((string)element);
                body.WriteByte((byte)(0x80 | text.Length));
                body.Write(text);
            }

            body.WriteByte((byte)(body.Length - start));
        }

        var total = 6 + body.Length + 1;
        var listpack = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(listpack, (uint)total);
        BinaryPrimitives.WriteUInt16LittleEndian(listpack.AsSpan(4), (ushort)elements.Length);
        body.ToArray().CopyTo(listpack, 6);
        listpack[^1] = 0xFF;
        return listpack;
    }
}
