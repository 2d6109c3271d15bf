using DisasterRecovery.Postgres.Native;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// One data connection of a dump, in the dump's snapshot, streaming COPY text: through libpq (whole rows
/// straight from libpq's buffer), or, only when libpq cannot be loaded, through the raw stream under
/// Npgsql's text export (one row per read).
/// </summary>
internal abstract class CopyOutSession : IAsyncDisposable
{
    /// <summary>"libpq" or "Npgsql".</summary>
    public static string Implementation => LibpqCopyConnection.Default is null ? "Npgsql" : "libpq";

    /// <summary>
    /// libpq reads block their thread. With one blocked pool thread per worker, the pool (which starts
    /// at one thread per core) has none left for the appender's writes and the pg_dump pipes until it
    /// injects more, about two a second, and a 2-worker dump crawled (RESULTS.md of the benchmark).
    /// So the minimum is raised (never lowered) to leave room for everything else.
    /// </summary>
    public static void ReserveThreads(int blockingWorkers)
    {
        ThreadPool.GetMinThreads(out var workerThreads, out var completionThreads);
        var needed = Environment.ProcessorCount + blockingWorkers + 4;
        if (workerThreads < needed)
        {
            ThreadPool.SetMinThreads(needed, completionThreads);
        }
    }

    /// <summary>Opens a connection, applies <paramref name="setup"/> (session settings, BEGIN, SET TRANSACTION SNAPSHOT).</summary>
    public static Task<CopyOutSession> OpenAsync(PostgresEndpoint endpoint, string setup, CancellationToken cancellationToken) =>
        OpenAsync(endpoint, setup, LibpqCopyConnection.Default, cancellationToken);

    /// <summary>Through <paramref name="libpq"/>, or through Npgsql when it is null (the fallback, tested on its own).</summary>
    internal static async Task<CopyOutSession> OpenAsync(
        PostgresEndpoint endpoint, string setup, LibpqCopyConnection.Library? libpq, CancellationToken cancellationToken)
    {
        if (libpq is not null)
        {
            var native = await Task.Run(() => LibpqCopyConnection.Open(endpoint, libpq), cancellationToken).ConfigureAwait(false);
            try
            {
                native.Execute(setup);
                return new Libpq(native);
            }
            catch
            {
                native.Dispose();
                throw;
            }
        }

        var connection = await DatabaseErrors.OpenAsync(endpoint, null, cancellationToken).ConfigureAwait(false);
        try
        {
            await PostgresDumper.ExecuteAsync(connection, setup, cancellationToken).ConfigureAwait(false);
            return new Managed(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs statements that return no rows (BEGIN, SET TRANSACTION SNAPSHOT).</summary>
    public abstract Task ExecuteAsync(string sql, CancellationToken cancellationToken);

    /// <summary>Starts a COPY ... TO STDOUT.</summary>
    public abstract Task BeginAsync(string copy, CancellationToken cancellationToken);

    /// <summary>Reads COPY text; 0 when the COPY is done (its success checked).</summary>
    public abstract ValueTask<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    private sealed class Libpq(LibpqCopyConnection connection) : CopyOutSession
    {
        private CancellationTokenRegistration _registration;

        public override Task ExecuteAsync(string sql, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            connection.Execute(sql);
            return Task.CompletedTask;
        }

        public override Task BeginAsync(string copy, CancellationToken cancellationToken)
        {
            _registration.Dispose();
            _registration = cancellationToken.Register(connection.Cancel);
            connection.BeginCopyOut(copy);
            return Task.CompletedTask;
        }

        public override ValueTask<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken) => ValueTask.FromResult(connection.Read(buffer));

        public override ValueTask DisposeAsync()
        {
            _registration.Dispose();
            connection.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Managed(NpgsqlConnection connection) : CopyOutSession
    {
        private TextReader? _reader;
        private Stream? _stream;

        public override Task ExecuteAsync(string sql, CancellationToken cancellationToken) =>
            PostgresDumper.ExecuteAsync(connection, sql, cancellationToken);

        public override async Task BeginAsync(string copy, CancellationToken cancellationToken)
        {
            _reader?.Dispose();
            _reader = await connection.BeginTextExportAsync(copy, cancellationToken).ConfigureAwait(false);
            // The raw bytes under Npgsql's text reader: exactly what the server sent, never decoded.
            _stream = ((StreamReader)_reader).BaseStream;
        }

        public override async ValueTask<int> ReadAsync(byte[] buffer, CancellationToken cancellationToken)
        {
            var read = await _stream!.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _reader!.Dispose();
                _reader = null;
            }

            return read;
        }

        public override async ValueTask DisposeAsync()
        {
            _reader?.Dispose();
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
