using System.IO.Pipelines;

namespace DisasterRecovery.RedisJobs;

/// <summary>
/// Copies an RDB to its destination (the catalog object) and, through a bounded pipe, to an <see cref="IRdbInspector"/>
/// reading it at the same time: the bytes are read once from the server and never held whole. The pipe pauses the copy when
/// the inspector falls <see cref="PauseBytes"/> behind, so memory stays bounded whichever side is slower.
/// </summary>
internal static class RdbTee
{
    /// <summary>How far the inspector may fall behind before the copy waits for it.</summary>
    internal const int PauseBytes = 4 << 20;

    private const int ChunkBytes = 64 * 1024;
    private const string EarlyReturn = "the RDB inspector returned before the end of the RDB";

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> while <paramref name="inspector"/> reads the same bytes;
    /// returns what it found and the bytes copied.
    /// </summary>
    public static async Task<(RdbInspection Inspection, long Bytes)> CopyAsync(
        Stream source, Stream destination, IRdbInspector inspector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inspection = Task.Run(() => InspectAsync(pipe.Reader, inspector, now, stop.Token), CancellationToken.None);
        long bytes = 0;
        try
        {
            var buffer = new byte[ChunkBytes];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                var flushed = await pipe.Writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                bytes += read;
                if (flushed.IsCompleted)
                {
                    // The inspector stopped reading: it failed, or returned before the end (which InspectAsync turns into an error).
                    await inspection.ConfigureAwait(false);
                    throw new InvalidOperationException(EarlyReturn);
                }
            }

            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await inspection.ConfigureAwait(false);
            }
            catch (Exception) when (!inspection.IsCompletedSuccessfully)
            {
                // The copy's own error is the one to report; the inspector only saw its consequence.
            }

            throw;
        }

        return (await inspection.ConfigureAwait(false), bytes);
    }

    private static async Task<RdbInspection> InspectAsync(PipeReader reader, IRdbInspector inspector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var inspection = await inspector.InspectAsync(reader.AsStream(leaveOpen: true), now, cancellationToken).ConfigureAwait(false);

            // An inspector that returns before the end would let bytes nobody checked into the backup.
            var rest = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return rest.Buffer.IsEmpty && rest.IsCompleted ? inspection : throw new InvalidOperationException(EarlyReturn);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
