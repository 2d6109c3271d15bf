using DisasterRecovery.Core;

namespace DisasterRecovery.Redis.Tests;

/// <summary>
/// Hands out another stream's bytes a few at a time (1 to 7 per read, cycling), as a slow network might, so every
/// structure of a file ends up split across reads somewhere.
/// </summary>
public sealed class TrickleStream(Stream inner) : ReadOnlyStream
{
    private int _reads;

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Next(count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer[..Next(buffer.Length)], cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Next(int count) => Math.Min(count, 1 + (_reads++ % 7));
}
