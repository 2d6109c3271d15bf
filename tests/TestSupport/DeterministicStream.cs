using System.Buffers.Binary;

namespace DisasterRecovery.TestSupport;

/// <summary>
/// A seekable read-only stream of pseudo-random bytes computed from their absolute position, so any slice
/// of a huge object can be produced (and re-produced on retry) without holding it in memory.
/// </summary>
public sealed class DeterministicStream : Stream
{
    private readonly long _origin;
    private readonly long _length;
    private long _position;

    public DeterministicStream(long origin, long length)
    {
        _origin = origin;
        _length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, _length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _length - _position);
        Fill(_origin + _position, buffer[..count]);
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Byte i of the infinite sequence is byte (i % 8) of SplitMix64(i / 8).</summary>
    private static void Fill(long absolute, Span<byte> destination)
    {
        var index = 0;
        Span<byte> bytes = stackalloc byte[8];
        while (index < destination.Length)
        {
            var word = (absolute + index) >> 3;
            var within = (int)((absolute + index) & 7);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, SplitMix64((ulong)word));
            var take = Math.Min(8 - within, destination.Length - index);
            bytes.Slice(within, take).CopyTo(destination[index..]);
            index += take;
        }
    }

    private static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
