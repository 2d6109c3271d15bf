using System.Buffers.Binary;

namespace DisasterRecovery.Redis.Dump;

/// <summary>
/// The payload format of Redis' <c>DUMP</c> / <c>RESTORE</c> (and <c>FUNCTION DUMP</c> / <c>FUNCTION RESTORE</c>): the
/// serialized value exactly as an RDB file stores it, then the RDB version as two little-endian bytes, then the
/// CRC-64 (<see cref="Crc64"/>) of everything before it as eight little-endian bytes.
/// </summary>
public static class DumpPayload
{
    /// <summary>Bytes the trailer adds after the value: the version (2) and the checksum (8).</summary>
    public const int TrailerLength = 10;

    /// <summary>
    /// Writes the trailer into the last <see cref="TrailerLength"/> bytes of <paramref name="payload"/>, whose first
    /// bytes already hold the serialized value.
    /// </summary>
    public static void WriteTrailer(Span<byte> payload, int rdbVersion)
    {
        if (payload.Length < TrailerLength + 1)
        {
            throw new ArgumentException("a DUMP payload holds at least a type byte and the trailer", nameof(payload));
        }

        var versionAt = payload.Length - TrailerLength;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[versionAt..], checked((ushort)rdbVersion));
        var crc = Crc64.Update(0, payload[..(versionAt + 2)]);
        BinaryPrimitives.WriteUInt64LittleEndian(payload[(versionAt + 2)..], crc);
    }

    /// <summary>Builds a payload from a serialized value (its type byte first).</summary>
    public static byte[] Create(ReadOnlySpan<byte> serializedValue, int rdbVersion)
    {
        var payload = new byte[serializedValue.Length + TrailerLength];
        serializedValue.CopyTo(payload);
        WriteTrailer(payload, rdbVersion);
        return payload;
    }

    /// <summary>True when the payload's trailer is intact: its checksum matches its bytes.</summary>
    public static bool HasValidTrailer(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < TrailerLength + 1)
        {
            return false;
        }

        var crcAt = payload.Length - 8;
        return Crc64.Update(0, payload[..crcAt]) == BinaryPrimitives.ReadUInt64LittleEndian(payload[crcAt..]);
    }

    /// <summary>The RDB version a payload's trailer declares.</summary>
    public static int RdbVersionOf(ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt16LittleEndian(payload[(payload.Length - TrailerLength)..]);
}
