using DisasterRecovery.Core;

namespace DisasterRecovery.Catalog;

/// <summary>A read-only view of a response body that also disposes the response (and so its connection) with it.</summary>
internal sealed class OwningStream(Stream inner, IDisposable owner) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            owner.Dispose();
        }

        base.Dispose(disposing);
    }
}
