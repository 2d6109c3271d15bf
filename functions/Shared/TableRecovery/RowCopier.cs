using Npgsql;

namespace DisasterRecovery.TableRecovery;

/// <summary>
/// Streams rows from a query on one connection into a table on another: <c>COPY (query) TO STDOUT</c> piped into
/// <c>COPY table FROM STDIN</c>. Binary by default, the bytes never decoded (Npgsql's raw binary COPY); text for tables
/// whose binary form is not portable between databases (see <see cref="SystemCatalog.BinaryPortableAsync"/>). Memory use is
/// one buffer whatever the table's size.
/// </summary>
internal static class RowCopier
{
    private const int BufferSize = 64 * 1024;

    /// <param name="source">The recovered instance's connection.</param>
    /// <param name="query">A SELECT over the recovered table, its columns in the target's column order.</param>
    /// <param name="target">Production's connection (inside its transaction).</param>
    /// <param name="targetTable">The table (and column list) to copy into, quoted.</param>
    /// <param name="binary">Binary or text COPY format.</param>
    /// <param name="cancellationToken">Stops the copy (the caller rolls back).</param>
    public static async Task CopyAsync(NpgsqlConnection source, string query, NpgsqlConnection target, string targetTable, bool binary,
        CancellationToken cancellationToken)
    {
        if (binary)
        {
            await CopyBinaryAsync(source, query, target, targetTable, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await CopyTextAsync(source, query, target, targetTable, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CopyBinaryAsync(NpgsqlConnection source, string query, NpgsqlConnection target, string targetTable,
        CancellationToken cancellationToken)
    {
        var reader = await source.BeginRawBinaryCopyAsync($"COPY ({query}) TO STDOUT (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        NpgsqlRawCopyStream? writer = null;
        try
        {
            writer = await target.BeginRawBinaryCopyAsync($"COPY {targetTable} FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            await reader.CopyToAsync(writer, BufferSize, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // CopyFail rather than CopyDone: a half-read stream must never be completed into the table.
            await QuietlyAsync(() => writer is null ? Task.CompletedTask : writer.CancelAsync()).ConfigureAwait(false);
            await QuietlyAsync(() => reader.CancelAsync()).ConfigureAwait(false);
            await QuietlyAsync(() => reader.DisposeAsync().AsTask()).ConfigureAwait(false);
            throw;
        }

        await reader.DisposeAsync().ConfigureAwait(false);
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task CopyTextAsync(NpgsqlConnection source, string query, NpgsqlConnection target, string targetTable,
        CancellationToken cancellationToken)
    {
        var reader = await source.BeginTextExportAsync($"COPY ({query}) TO STDOUT", cancellationToken).ConfigureAwait(false);
        NpgsqlCopyTextWriter? writer = null;
        try
        {
            writer = (NpgsqlCopyTextWriter)await target.BeginTextImportAsync($"COPY {targetTable} FROM STDIN", cancellationToken).ConfigureAwait(false);
            var buffer = new char[BufferSize / 2];
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await QuietlyAsync(() => writer is null ? Task.CompletedTask : writer.CancelAsync()).ConfigureAwait(false);
            await QuietlyAsync(() => ((NpgsqlCopyTextReader)reader).CancelAsync()).ConfigureAwait(false);
            await QuietlyAsync(() => { reader.Dispose(); return Task.CompletedTask; }).ConfigureAwait(false);
            throw;
        }

        reader.Dispose();
        await writer.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task QuietlyAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            // Cleanup after a failure: the first error is the one reported; the transaction is rolled back anyway.
        }
    }
}
