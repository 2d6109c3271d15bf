namespace DisasterRecovery.Redis.Rdb;

/// <summary>
/// The bytes of one value as the file stores them, collected while the value is parsed, with room left at the end
/// for the DUMP trailer. Sized ahead when a long string's length is known, so a large value is held once and never
/// copied into a bigger array.
/// </summary>
internal sealed class CaptureBuffer
{
    private byte[] _bytes = new byte[256];

    public int Length { get; private set; }

    /// <summary>Makes room for <paramref name="extra"/> more bytes and the DUMP trailer.</summary>
    public void Reserve(long extra)
    {
        var needed = Length + extra + Dump.DumpPayload.TrailerLength;
        if (needed <= _bytes.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("a value larger than an array can hold");
        }

        var size = (int)Math.Min(Array.MaxLength, Math.Max(needed, (long)_bytes.Length * 2));
        Array.Resize(ref _bytes, size);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        Reserve(data.Length);
        data.CopyTo(_bytes.AsSpan(Length));
        Length += data.Length;
    }

    public void Append(byte value)
    {
        Reserve(1);
        _bytes[Length++] = value;
    }

    /// <summary>The last <paramref name="count"/> bytes captured.</summary>
    public ReadOnlySpan<byte> Last(int count) => _bytes.AsSpan(Length - count, count);

    /// <summary>The captured bytes and room for the DUMP trailer after them, as one memory over the same array.</summary>
    public Memory<byte> Finish()
    {
        Reserve(0);
        Length += Dump.DumpPayload.TrailerLength;
        return _bytes.AsMemory(0, Length);
    }
}
