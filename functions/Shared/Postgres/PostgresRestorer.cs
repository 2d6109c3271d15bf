using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>How a restore runs.</summary>
public sealed record PostgresRestoreOptions
{
    /// <summary>Connections loading data and building indexes at once.</summary>
    public int Workers { get; init; } = 2;

    /// <summary>Replace a target database that already has tables (it is swapped out only after the restore succeeded).</summary>
    public bool Replace { get; init; }

    /// <summary>The database to connect to for CREATE/ALTER/DROP DATABASE.</summary>
    public string MaintenanceDatabase { get; init; } = "postgres";

    /// <summary>Who restores (an execution ARN, <c>function#requestId</c>): the owner in the temporary databases' leases.</summary>
    public string Owner { get; init; } = "unknown";

    /// <summary>
    /// Null in production: every table loads in one transaction with COPY FREEZE. Set only by the benchmark
    /// project, which measures loading a big table over all connections at once against it (measured slower).
    /// Given a table's stored bytes and all tables', whether to split it.
    /// </summary>
    internal Func<long, long, bool>? SplitTable { get; init; }

    public void Validate()
    {
        Require.InRange(Workers, 1, 32, "workers");
        Require.NotBlank(MaintenanceDatabase, "maintenanceDatabase");
    }
}

/// <summary>What a restore did.</summary>
public sealed record PostgresRestoreResult(string Database, int Tables, long Rows, bool ReplacedExisting, TimeSpan Elapsed)
{
    /// <summary>The roles the dump names that the server lacked, created <c>NOLOGIN</c> before the restore (<see cref="DumpRoles"/>).</summary>
    public IReadOnlyList<string> RolesCreated { get; init; } = [];
}

/// <summary>
/// Restores a dump made by <see cref="PostgresDumper"/>, in parallel where it pays:
/// <list type="number">
/// <item>the target is refused if it has tables, unless <see cref="PostgresRestoreOptions.Replace"/>;</item>
/// <item>everything is restored into a NEW database under a temporary name (<c>dr_restoring_…</c>):
/// pre-data with psql in one transaction; table data over N connections, biggest chunk first, each chunk
/// fetched by byte range and checked (SHA-256, zstd checksums) as it streams; sequence values with psql;
/// post-data split into indexes and constraints (parallel), index attachments, foreign keys (parallel,
/// each once both of its tables are loaded and indexed) and the rest in pg_dump's order with psql;</item>
/// <item>only then is the new database renamed to the target (an existing one is renamed away and dropped).</item>
/// </list>
/// A failure at any step drops the temporary database: the target is either untouched or wholly restored,
/// never half-restored under its own name.
/// </summary>
public sealed class PostgresRestorer
{
    private readonly PostgresTools _tools;
    private readonly JsonLogger? _logger;

    public PostgresRestorer(PostgresTools tools, JsonLogger? logger = null)
    {
        _tools = tools;
        _logger = logger;
    }

    /// <summary>Restores into <paramref name="target"/>.Database on <paramref name="target"/>'s server.</summary>
    public async Task<PostgresRestoreResult> RestoreAsync(
        IDumpSource source, PostgresDumpIndex index, PostgresEndpoint target, PostgresRestoreOptions? options = null,
            CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(target);
        options ??= new PostgresRestoreOptions();
        options.Validate();
        target.Validate("target");
        var clock = Stopwatch.StartNew();
        JobPhase.Enter(_logger, JobPhase.Connect, ("target", target.ToString()));
        await using var maintenance = await DatabaseErrors.OpenAsync(target, options.MaintenanceDatabase, cancellationToken).ConfigureAwait(false);
        var existing = await DescribeTargetAsync(maintenance, target, cancellationToken).ConfigureAwait(false);
        if (existing is { Tables: > 0 } && !options.Replace)
        {
            throw new RestoreTargetNotEmptyException(
                $"database '{target.Database}' on {target.Host}:{target.Port} already has {existing.Tables} tables, views or sequences; " +
                "restore into a new database name, or set replace to swap it out after a successful restore. It was not touched");
        }

        var rolesCreated = await DumpRoles.EnsureAsync(maintenance, index.Roles, _logger, cancellationToken).ConfigureAwait(false);
        var temporary = await CreateDatabaseAsync(maintenance, index, TemporaryDatabases.Restore, options.Owner, cancellationToken).ConfigureAwait(false);
        _logger?.Info("restore started", ("target", target.ToString()), ("temporaryDatabase", temporary), ("workers", options.Workers));
        try
        {
            await LoadAsync(source, index, target.WithDatabase(temporary), options.Workers, cancellationToken, options.SplitTable).ConfigureAwait(false);
            if (existing is not null && existing.Owner != target.Username)
            {
                await ExecuteAsync(maintenance, $"ALTER DATABASE {Ident(temporary)} OWNER TO {Ident(existing.Owner)}", cancellationToken).ConfigureAwait(false);
            }

            JobPhase.Enter(_logger, JobPhase.Rename, ("temporaryDatabase", temporary), ("target", target.Database));
            await SwapAsync(maintenance, temporary, target.Database, existing is not null, options.Owner, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger?.Error("restore failed; dropping the temporary database", ("temporaryDatabase", temporary), ("error", e));
            JobPhase.Enter(_logger, JobPhase.Drop, ("database", temporary));
            await DropDatabaseQuietlyAsync(target, options.MaintenanceDatabase, temporary).ConfigureAwait(false);
            var error = DatabaseErrors.ForOperation(e, $"restoring into {target}", cancellationToken);
            if (ReferenceEquals(error, e))
            {
                throw;
            }

            throw error;
        }

        var result = new PostgresRestoreResult(target.Database, index.Tables.Count, index.Tables.Sum(t => t.Rows), existing is not null, clock.Elapsed)
        {
            RolesCreated = rolesCreated,
        };
        _logger?.Info("restore complete", ("target", target.ToString()), ("tables", result.Tables), ("rows", result.Rows), ("elapsed", result.Elapsed));
        return result;
    }

    /// <summary>
    /// Creates an empty database like the source's (encoding, locale) under a fresh name of <paramref name="kind"/>, leased to
    /// <paramref name="owner"/> for as long as <paramref name="maintenance"/> stays open (<see cref="TemporaryDatabases"/>).
    /// </summary>
    internal static Task<string> CreateDatabaseAsync(NpgsqlConnection maintenance, PostgresDumpIndex index, string kind, string owner,
        CancellationToken cancellationToken) =>
        TemporaryDatabases.CreateAsync(maintenance, kind, owner, DateTimeOffset.UtcNow,
            $"TEMPLATE template0 ENCODING {Literal(index.Encoding)} LC_COLLATE {Literal(index.Collate)} LC_CTYPE {Literal(index.Ctype)}", cancellationToken);

    /// <summary>Drops a database, ending its sessions; never throws (it runs on failure paths).</summary>
    internal async Task DropDatabaseQuietlyAsync(PostgresEndpoint server, string maintenanceDatabase, string name)
    {
        try
        {
            await using var connection = await DatabaseErrors.OpenAsync(server, maintenanceDatabase, CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsync(connection, $"DROP DATABASE IF EXISTS {Ident(name)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger?.Error("could not drop a temporary database; drop it by hand", ("database", name), ("error", e));
        }
    }

    /// <summary>Runs every step of the restore into an empty database.</summary>
    internal async Task LoadAsync(
        IDumpSource source, PostgresDumpIndex index, PostgresEndpoint database, int workers, CancellationToken cancellationToken,
        Func<long, long, bool>? splitTable = null)
    {
        var segments = index.Segments;
        var clock = Stopwatch.StartNew();
        foreach (var preData in segments.Where(s => s.Kind == DumpSegmentKind.PreData))
        {
            await RunPsqlAsync(database, source, preData, singleTransaction: true, cancellationToken).ConfigureAwait(false);
        }

        var preDataTime = clock.Elapsed;
        var postData = segments.Where(s => s.Kind == DumpSegmentKind.PostData).ToList();
        var splittable = string.Equals(index.Encoding, "UTF8", StringComparison.OrdinalIgnoreCase)
            || string.Equals(index.Encoding, "SQL_ASCII", StringComparison.OrdinalIgnoreCase);
        SqlScript? script = null;
        if (splittable && postData.Count == 1)
        {
            // Post-data is schema-sized (DDL), never data-sized: read whole to split it.
            script = SqlScript.Parse(await SegmentReader.ReadTextAsync(source, postData[0], cancellationToken).ConfigureAwait(false));
        }

        // Table data and, as soon as a table's last chunk is in, that table's indexes and unique keys
        // (as pg_restore -j does), over the same N connections.
        var indexes = script?.Entries.Where(e => e.Type is "INDEX" or "CONSTRAINT").ToList() ?? [];
        // Foreign keys join the schedule unless partition indexes must be attached first (then they wait for the attachments below).
        var attachments = script?.Entries.Where(e => e.Type == "INDEX ATTACH").ToList() ?? [];
        var foreignKeys = script?.Entries.Where(e => e.Type == "FK CONSTRAINT").ToList() ?? [];
        var scheduledKeys = attachments.Count == 0 ? foreignKeys : [];
        var schedule = new LoadSchedule(segments.Where(s => s.Kind == DumpSegmentKind.TableData), indexes, workers, scheduledKeys, splitTable);
        JobPhase.Enter(_logger, JobPhase.RestoreCopy, ("database", database.Database), ("tables", index.Tables.Count));
        var indexBuildLogged = 0;
        await RunParallelAsync(workers, schedule.Jobs, database, async (connection, token) =>
        {
            if (script is not null)
            {
                await ExecuteAsync(connection, script.Preamble, cancellationToken).ConfigureAwait(false);
            }

            while (await schedule.NextAsync(token).ConfigureAwait(false) is { } job)
            {
                var jobClock = Stopwatch.StartNew();
                if (job.Chunks is { } chunks)
                {
                    await LoadTableAsync(connection, source, chunks, index.Encoding, job.Freeze, token).ConfigureAwait(false);
                }
                else
                {
                    if (Interlocked.Exchange(ref indexBuildLogged, 1) == 0)
                    {
                        JobPhase.Enter(_logger, JobPhase.IndexBuild, ("database", database.Database));
                    }

                    await RunEntryAsync(connection, job.Entry!, token).ConfigureAwait(false);
                }

                _logger?.Debug("restore job done", ("what", job.Describe()), ("elapsed", jobClock.Elapsed), ("at", clock.Elapsed));
                schedule.Done(job);
            }
        }, cancellationToken).ConfigureAwait(false);
        var dataTime = clock.Elapsed;
        if (Interlocked.Exchange(ref indexBuildLogged, 1) == 0)
        {
            JobPhase.Enter(_logger, JobPhase.IndexBuild, ("database", database.Database));
        }

        foreach (var sequenceData in segments.Where(s => s.Kind == DumpSegmentKind.SequenceData))
        {
            await RunPsqlAsync(database, source, sequenceData, singleTransaction: true, cancellationToken).ConfigureAwait(false);
        }

        if (script is null)
        {
            // Another encoding: psql runs post-data whole, in pg_dump's order.
            foreach (var segment in postData)
            {
                await RunPsqlAsync(database, source, segment, singleTransaction: false, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // Then attachments of partition indexes, the foreign keys if they had to wait for those (in
            // parallel), and everything else in pg_dump's own order with psql.
            var rest = script.Entries.Where(e => e.Type is not ("INDEX" or "CONSTRAINT" or "INDEX ATTACH" or "FK CONSTRAINT")).ToList();
            await RunEntriesAsync(database, script.Preamble, attachments, 1, cancellationToken).ConfigureAwait(false);
            if (scheduledKeys.Count == 0)
            {
                await RunEntriesAsync(database, script.Preamble, foreignKeys, workers, cancellationToken).ConfigureAwait(false);
            }
            if (rest.Count > 0)
            {
                var text = Encoding.UTF8.GetBytes(SqlScript.Join(script.Preamble, rest));
                await RunPsqlAsync(database, new MemoryStream(text), "post-data", singleTransaction: false, cancellationToken).ConfigureAwait(false);
            }
        }

        _logger?.Info("restore steps done", ("database", database.Database), ("preData", preDataTime), ("dataAndIndexes", dataTime - preDataTime),
            ("postData", clock.Elapsed - dataTime));
    }

    private static async Task RunEntriesAsync(PostgresEndpoint database, string preamble, IReadOnlyList<ScriptEntry> entries, int workers,
        CancellationToken cancellationToken)
    {
        var queue = new ConcurrentQueue<ScriptEntry>(entries);
        await RunParallelAsync(workers, entries.Count, database, async (connection, token) =>
        {
            await ExecuteAsync(connection, preamble, token).ConfigureAwait(false);
            while (queue.TryDequeue(out var entry))
            {
                await RunEntryAsync(connection, entry, token).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunEntryAsync(NpgsqlConnection connection, ScriptEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, entry.Body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw DatabaseErrors.ForOperation(e, $"creating {entry.Type} {entry.Name}", cancellationToken);
        }
    }

    /// <summary>
    /// Loads a table's chunks in one transaction that first truncates the (new, empty) table, so COPY can
    /// FREEZE the rows: the index builds and foreign-key checks that scan the table next then find them
    /// frozen instead of setting hint bits on (and, with data checksums, WAL-logging) every page
    /// (the measured difference is in tests/Benchmarks/PostgresBackup/RESULTS.md).
    /// </summary>
    private static async Task LoadTableAsync(
        NpgsqlConnection connection, IDumpSource source, IReadOnlyList<DumpSegment> chunks, string encoding, bool freeze, CancellationToken cancellationToken)
    {
        if (!freeze)
        {
            foreach (var chunk in chunks)
            {
                await LoadChunkAsync(connection, source, chunk, encoding, freeze, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        try
        {
            await ExecuteAsync(connection, $"BEGIN; TRUNCATE ONLY {chunks[0].Table}", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw DatabaseErrors.ForOperation(e, $"preparing {chunks[0].Describe()}", cancellationToken);
        }

        foreach (var chunk in chunks)
        {
            await LoadChunkAsync(connection, source, chunk, encoding, freeze, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await ExecuteAsync(connection, "COMMIT", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw DatabaseErrors.ForOperation(e, $"committing {chunks[0].Describe()}", cancellationToken);
        }
    }

    /// <summary>Loads one table-data chunk: its COPY statement from the chunk's header, its rows straight into COPY FROM STDIN.</summary>
    private static async Task LoadChunkAsync(NpgsqlConnection connection, IDumpSource source, DumpSegment chunk, string encoding, bool freeze,
        CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> trailer = @"\."u8.ToArray().Concat("\n\n\n"u8.ToArray()).ToArray();
        await using var text = await SegmentReader.OpenAsync(source, chunk, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        var (copyStatement, filled, dataStart) = await ReadCopyHeaderAsync(text, buffer, source, chunk, cancellationToken).ConfigureAwait(false);
        var command = copyStatement[..^" FROM stdin;".Length] + $" FROM STDIN ({(freeze ? "FREEZE, " : string.Empty)}ENCODING '{encoding}')";
        TextWriter? writer = null;
        try
        {
            writer = await connection.BeginTextImportAsync(command, cancellationToken).ConfigureAwait(false);
            var copy = ((StreamWriter)writer).BaseStream;
            // The index knows the chunk's text length, so the rows are exactly what lies between the COPY
            // line and the "\." end marker; the marker itself must be there, or the chunk is damaged.
            var rowsLeft = chunk.RawLength - dataStart - trailer.Length;
            var tail = new byte[trailer.Length];
            var tailCount = 0;
            var start = dataStart;
            while (filled > 0)
            {
                var available = filled - start;
                var rows = (int)Math.Clamp(rowsLeft, 0, available);
                if (rows > 0)
                {
                    await copy.WriteAsync(buffer.AsMemory(start, rows), cancellationToken).ConfigureAwait(false);
                    rowsLeft -= rows;
                }

                var rest = available - rows;
                if (rest > tail.Length - tailCount)
                {
                    throw new ChecksumMismatchException(source.BackupId, source.ObjectName, source.Key,
                        $"{chunk.Describe()} at offset {chunk.Offset} is longer than the index says ({chunk.RawLength} bytes of text)");
                }

                buffer.AsSpan(start + rows, rest).CopyTo(tail.AsSpan(tailCount));
                tailCount += rest;
                filled = await text.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                start = 0;
            }

            if (tailCount != trailer.Length || !tail.AsSpan().SequenceEqual(trailer.Span))
            {
                throw new ChecksumMismatchException(source.BackupId, source.ObjectName, source.Key,
                    $"{chunk.Describe()} at offset {chunk.Offset} does not end with the COPY end marker where the index says it ends");
            }

            await writer.DisposeAsync().ConfigureAwait(false);
            writer = null;
        }
        catch (Exception e)
        {
            if (writer is NpgsqlCopyTextWriter open)
            {
                try
                {
                    await open.CancelAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The COPY is being abandoned anyway; the original error is the one to report.
                }
            }

            throw DatabaseErrors.ForOperation(e, $"loading {chunk.Describe()}", cancellationToken);
        }
    }

    /// <summary>Reads the chunk up to and including its <c>COPY ... FROM stdin;</c> line.</summary>
    private static async Task<(string Statement, int Filled, int DataStart)> ReadCopyHeaderAsync(
        Stream text, byte[] buffer, IDumpSource source, DumpSegment chunk, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (true)
        {
            var read = await text.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            filled += read;
            var content = buffer.AsSpan(0, filled);
            var copyAt = content.StartsWith("COPY "u8) ? 0 : content.IndexOf("\nCOPY "u8) is var at and >= 0 ? at + 1 : -1;
            if (copyAt >= 0)
            {
                var lineEnd = content[copyAt..].IndexOf((byte)'\n');
                if (lineEnd >= 0)
                {
                    var statement = Encoding.UTF8.GetString(content.Slice(copyAt, lineEnd));
                    if (!statement.EndsWith(" FROM stdin;", StringComparison.Ordinal))
                    {
                        break;
                    }

                    return (statement, filled, copyAt + lineEnd + 1);
                }
            }

            if (read == 0 || filled == buffer.Length)
            {
                break;
            }
        }

        throw new ChecksumMismatchException(source.BackupId, source.ObjectName, source.Key,
            $"{chunk.Describe()} at offset {chunk.Offset} does not start with a COPY ... FROM stdin; statement");
    }

    private async Task RunPsqlAsync(PostgresEndpoint database, IDumpSource source, DumpSegment segment, bool singleTransaction,
        CancellationToken cancellationToken)
    {
        await using var text = await SegmentReader.OpenAsync(source, segment, cancellationToken).ConfigureAwait(false);
        await RunPsqlAsync(database, text, segment.Describe(), singleTransaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Feeds a script to psql (stop at the first error), streaming; psql's result output is discarded.</summary>
    internal async Task RunPsqlAsync(PostgresEndpoint database, Stream script, string what, bool singleTransaction, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "-X", "-q", "-v", "ON_ERROR_STOP=1", "--no-password", "-f", "-" };
        if (singleTransaction)
        {
            arguments.Add("--single-transaction");
        }

        await using var psql = _tools.Start("psql", arguments, database.ToolEnvironment(), redirectInput: true);
        var drain = psql.Output.CopyToAsync(Stream.Null, CancellationToken.None);
        try
        {
            await script.CopyToAsync(psql.Input, 1 << 16, cancellationToken).ConfigureAwait(false);
            psql.Input.Close();
        }
        catch (IOException e)
        {
            // psql stopped reading: it failed; its exit code and error output say why.
            try
            {
                await psql.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresToolException failed)
            {
                throw new PostgresToolException($"running {what}: {failed.Message}", e);
            }

            throw;
        }
        catch
        {
            psql.Kill();
            throw;
        }

        try
        {
            await psql.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
            await drain.ConfigureAwait(false);
        }
        catch (PostgresToolException failed)
        {
            throw new PostgresToolException($"running {what}: {failed.Message}", failed);
        }
    }

    private static async Task RunParallelAsync(int workers, int items, PostgresEndpoint database, Func<NpgsqlConnection, CancellationToken, Task> work,
        CancellationToken cancellationToken)
    {
        if (items == 0)
        {
            return;
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = Enumerable.Range(0, Math.Min(workers, items)).Select(_ => Task.Run(async () =>
        {
            await using var connection = await DatabaseErrors.OpenAsync(database, null, failed.Token).ConfigureAwait(false);
            await ExecuteAsync(connection, RestoreSessionSettings, failed.Token).ConfigureAwait(false);
            try
            {
                await work(connection, failed.Token).ConfigureAwait(false);
            }
            catch
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, failed.Token)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch
        {
            // The first real failure, not the cancellations it caused in the other workers.
            var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!)
                .OrderBy(e => e is OperationCanceledException or DeadlineExceededException ? 1 : 0).FirstOrDefault();
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }

            throw;
        }
    }

    private sealed record TargetInfo(string Owner, long Tables);

    private static async Task<TargetInfo?> DescribeTargetAsync(NpgsqlConnection maintenance, PostgresEndpoint target, CancellationToken cancellationToken)
    {
        string? owner;
        await using (var command = new NpgsqlCommand("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = $1", maintenance))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = target.Database });
            owner = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

        if (owner is null)
        {
            return null;
        }

        await using var connection = await DatabaseErrors.OpenAsync(target, null, cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand("""
            SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
            """, connection);
        return new TargetInfo(owner, (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    /// <summary>
    /// Renames the restored database to the target's name; an existing target is renamed away first and dropped after. The
    /// renamed-away target is leased like a temporary database (<see cref="TemporaryDatabases.Replaced"/>, its lease naming the
    /// target and keeping its comment): if the restore dies between the two renames, a sweep renames it back.
    /// </summary>
    private async Task SwapAsync(NpgsqlConnection maintenance, string restored, string target, bool targetExists, string owner,
        CancellationToken cancellationToken)
    {
        if (!targetExists)
        {
            await ExecuteAsync(maintenance, $"ALTER DATABASE {Ident(restored)} RENAME TO {Ident(target)}", cancellationToken).ConfigureAwait(false);
            await TemporaryDatabases.CommentAsync(maintenance, target, null, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        // The target is leased under its own name first (lock and comment), so a job killed before the swap leaves a target that
        // the sweep (or the next restore's start) reopens; the two renames are one transaction, so the target's name never goes missing.
        var replaced = TemporaryDatabases.NewName(TemporaryDatabases.Replaced);
        var originalComment = await TemporaryDatabases.CommentOfAsync(maintenance, target, cancellationToken).ConfigureAwait(false);
        await TemporaryDatabases.HoldAsync(maintenance, target, cancellationToken).ConfigureAwait(false);
        await TemporaryDatabases.HoldAsync(maintenance, replaced, cancellationToken).ConfigureAwait(false);
        await TemporaryDatabases.MarkAsync(maintenance, target,
            new TemporaryDatabaseLease(TemporaryDatabases.Replaced, owner, DateTimeOffset.UtcNow, target, originalComment), cancellationToken)
            .ConfigureAwait(false);
        await ExecuteAsync(maintenance, $"ALTER DATABASE {Ident(target)} WITH ALLOW_CONNECTIONS false", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(maintenance,
                $"SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = {Literal(target)} AND pid <> " +
                    $"pg_catalog.pg_backend_pid()",
                cancellationToken).ConfigureAwait(false);
            await using var swap = await maintenance.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(maintenance, $"ALTER DATABASE {Ident(target)} RENAME TO {Ident(replaced)}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(maintenance, $"ALTER DATABASE {Ident(restored)} RENAME TO {Ident(target)}", cancellationToken).ConfigureAwait(false);
            await TemporaryDatabases.CommentAsync(maintenance, target, originalComment, cancellationToken).ConfigureAwait(false);
            await swap.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            // The transaction rolled back: the target is as it was; reopen it and give it back its comment.
            await ExecuteAsync(maintenance, $"ALTER DATABASE {Ident(target)} WITH ALLOW_CONNECTIONS true", CancellationToken.None).ConfigureAwait(false);
            await TemporaryDatabases.CommentAsync(maintenance, target, originalComment, CancellationToken.None).ConfigureAwait(false);
            await TemporaryDatabases.ReleaseAsync(maintenance, target).ConfigureAwait(false);
            throw;
        }

        await TemporaryDatabases.ReleaseAsync(maintenance, target).ConfigureAwait(false);
        _logger?.Info("restored database swapped in; dropping the one it replaced", ("target", target), ("replaced", replaced));
        JobPhase.Enter(_logger, JobPhase.Drop, ("database", replaced));
        await ExecuteAsync(maintenance, $"DROP DATABASE {Ident(replaced)} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        await TemporaryDatabases.ReleaseAsync(maintenance, replaced).ConfigureAwait(false);
    }

    /// <summary>
    /// The dump's session settings, plus: commits that do not wait for the WAL flush (a crash fails the
    /// restore anyway, and the final rename commits durably) and more memory for index builds.
    /// </summary>
    private const string RestoreSessionSettings = PostgresDumper.SessionSettings + "; SET synchronous_commit = off; SET maintenance_work_mem = '256MB'";

    internal static Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken) =>
        PostgresDumper.ExecuteAsync(connection, sql, cancellationToken);

    internal static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
