using DisasterRecovery.Catalog;
using DisasterRecovery.Postgres;

namespace DisasterRecovery.PostgresJobs;

/// <summary>
/// Writes a dump into one catalog object (<see cref="BackupObjectStream"/>, uncompressed: the dump is zstd
/// already). Completing it completes the multipart upload; aborting abandons it, so the object never exists.
/// </summary>
public sealed class CatalogDumpSink(BackupObjectStream stream) : IDumpSink
{
    /// <summary>The stored object, once <see cref="CompleteAsync"/> has run.</summary>
    public BackupObject? Completed { get; private set; }

    /// <inheritdoc />
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => stream.WriteAsync(data, cancellationToken);

    /// <inheritdoc />
    public async Task CompleteAsync(CancellationToken cancellationToken) =>
        Completed = await stream.CompleteAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task AbortAsync(Exception reason) => await stream.DisposeAsync().ConfigureAwait(false);
}
