using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Core.Logging;
using Npgsql;

namespace DisasterRecovery.Postgres;

/// <summary>
/// Dumps one database as a plain SQL script (what <c>pg_dump</c> would write) compressed as concatenated
/// zstd frames, into ONE object, so <c>zstd -dc dump.sql.zst | psql -d target</c> restores it:
/// <list type="number">
/// <item>a coordinating connection exports a REPEATABLE READ snapshot and locks the tables;</item>
/// <item>pg_dump writes pre-data, sequence values (and large objects) and post-data in that snapshot;</item>
/// <item>N workers import the snapshot and COPY table data, biggest table first (whole tables, or page
/// ranges when asked), each chunk a self-contained <c>COPY ... FROM stdin;</c> block of whole zstd frames;</item>
/// <item>chunks are appended in the order they finish, between pre-data and the rest; the returned
/// <see cref="PostgresDumpIndex"/> says where each one is and what every table's rows hash to.</item>
/// </list>
/// Memory per worker is a 4 MiB text block plus two compressed chunks, whatever the database's size.
/// </summary>
public sealed class PostgresDumper
{
    private readonly PostgresTools _tools;
    private readonly JsonLogger? _logger;
    private readonly TimeProvider _time;

    public PostgresDumper(PostgresTools tools, JsonLogger? logger = null, TimeProvider? time = null)
    {
        _tools = tools;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Session settings of every data connection: pg_dump's, plus a fixed time zone and bytea format so content hashes compare across
    /// servers.</summary>
    internal const string SessionSettings =
        "SET DateStyle = ISO; SET IntervalStyle = postgres; SET extra_float_digits TO 3; SET synchronize_seqscans TO off; " +
        "SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; SET row_security = off; " +
        "SET TimeZone = 'UTC'; SET bytea_output = 'hex'";

    /// <summary>
    /// Writes the dump of <paramref name="source"/> to <paramref name="sink"/> and completes it. On any failure
    /// the sink is aborted (nothing is committed) and a named error is thrown.
    /// </summary>
    public async Task<PostgresDumpIndex> DumpAsync(PostgresEndpoint source, IDumpSink sink, PostgresDumpOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(sink);
        options ??= new PostgresDumpOptions();
        source.Validate();
        options.Validate();
        try
        {
            var index = await DumpCoreAsync(source, sink, options, cancellationToken).ConfigureAwait(false);
            return index;
        }
        catch (Exception e)
        {
            var error = DatabaseErrors.ForOperation(e, $"dumping {source}", cancellationToken);
            _logger?.Error("dump failed; aborting the output", ("database", source.ToString()), ("error", error));
            try
            {
                await sink.AbortAsync(error).ConfigureAwait(false);
            }
            catch (Exception abortError)
            {
                _logger?.Warn("aborting the output failed too", ("error", abortError));
            }

            if (ReferenceEquals(error, e))
            {
                throw;
            }

            throw error;
        }
    }

    private async Task<PostgresDumpIndex> DumpCoreAsync(PostgresEndpoint source, IDumpSink sink, PostgresDumpOptions options, CancellationToken outerToken)
    {
        var startedAt = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(outerToken);
        var cancellationToken = failed.Token;

        CopyOutSession.ReserveThreads(options.Workers);
        JobPhase.Enter(_logger, JobPhase.Connect, ("database", source.ToString()));
        var pgDumpVersionTask = _tools.VersionAsync("pg_dump", cancellationToken);
        // The workers' connections open (and take the session settings) while the coordinator connects
        // and exports the snapshot; they import it below. Connecting is then off the path to the first COPY.
        var opening = Enumerable.Range(0, options.Workers).Select(_ => CopyOutSession.OpenAsync(source, SessionSettings, cancellationToken)).ToList();
        await using var closeSessions = new AsyncDisposer(opening);
        await using var coordinator = await DatabaseErrors.OpenAsync(source, null, cancellationToken).ConfigureAwait(false);
        _logger?.Debug("coordinator connected", ("at", clock.Elapsed));
        var snapshot = await ExportSnapshotAsync(coordinator, cancellationToken).ConfigureAwait(false);
        _logger?.Debug("snapshot exported", ("at", clock.Elapsed));
        // Everything that needs only the snapshot starts now: pg_dump's pre-data and post-data runs (each
        // imports the snapshot while the coordinator holds it; post-data then blocks on its pipe until its
        // turn) and the workers' connections; the table list and locks are taken meanwhile.
        var common = new List<string> { "--snapshot=" + snapshot.Id, "--no-password" };
        if (options.LockWaitTimeout is { } lockWait)
        {
            common.Add("--lock-wait-timeout=" + (long)lockWait.TotalMilliseconds);
        }

        var environment = source.ToolEnvironment();
        await using var preData = _tools.Start("pg_dump", [.. common, "--section=pre-data"], environment, redirectInput: false);
        await using var postData = _tools.Start("pg_dump", [.. common, "--section=post-data"], environment, redirectInput: false);
        var importSnapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT '" + snapshot.Id + "'";
        var sessions = opening.Select(async open =>
        {
            var session = await open.ConfigureAwait(false);
            await session.ExecuteAsync(importSnapshot, cancellationToken).ConfigureAwait(false);
            return session;
        }).ToList();

        _logger?.Debug("pg_dump runs and sessions started", ("at", clock.Elapsed));
        var tables = await DumpableTables.ListAsync(coordinator, cancellationToken).ConfigureAwait(false);
        var roles = await DumpRoles.ListAsync(coordinator, cancellationToken).ConfigureAwait(false);
        _logger?.Debug("tables listed", ("at", clock.Elapsed));
        if (tables.Count > 0)
        {
            var lockSql = (options.LockWaitTimeout is { } wait
                ? $"SET LOCAL lock_timeout = {(long)wait.TotalMilliseconds}; "
                : string.Empty) + DumpableTables.LockStatement(tables);
            await ExecuteAsync(coordinator, lockSql, cancellationToken).ConfigureAwait(false);
        }

        _logger?.Debug("snapshot taken and tables locked", ("at", clock.Elapsed));
        JobPhase.Enter(_logger, JobPhase.Dump, ("database", source.Database), ("tables", tables.Count));
        _logger?.Info("dump started", ("database", source.Database), ("tables", tables.Count), ("snapshot", snapshot.Id),
            ("serverVersion", snapshot.ServerVersion), ("workers", options.Workers), ("copy", CopyOutSession.Implementation), ("zstd",
                FrameEncoder.Implementation));

        // Sequence values and large objects: pg_dump's data section with every table we copy excluded.
        var sequenceArguments = new List<string>(common) { "--section=data" };
        sequenceArguments.AddRange(tables.Select(t => "--exclude-table-data=" + t.ExactPattern));
        await using var sequenceData = _tools.Start("pg_dump", sequenceArguments, environment, redirectInput: false);

        using var appender = new DumpAppender(sink);
        using var sectionEncoder = new FrameEncoder(options.CompressionLevel);
        var totals = tables.ToDictionary(t => t.Oid, t => new TableTotals(t));
        var units = new ConcurrentQueue<WorkUnit>(PlanUnits(tables, options));

        var preDataTask = Task.Run(async () =>
        {
            try
            {
                await appender.AppendStreamAsync(DumpSegmentKind.PreData, preData.Output, sectionEncoder, cancellationToken).ConfigureAwait(false);
                await preData.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
                appender.PreDataDone();
                _logger?.Debug("pre-data written", ("at", clock.Elapsed));
            }
            catch (Exception e)
            {
                appender.PreDataDone(e);
                throw;
            }
        }, cancellationToken);

        var workers = sessions
            .Select(session => Task.Run(() => RunWorkerAsync(session, units, totals, appender, options, snapshot.Encoding, _logger, clock, cancellationToken),
                cancellationToken))
            .ToList();
        try
        {
            await WhenAllFailFastAsync([preDataTask, .. workers], failed).ConfigureAwait(false);
            _logger?.Debug("table data done", ("at", clock.Elapsed));
            await appender.AppendStreamAsync(DumpSegmentKind.SequenceData, sequenceData.Output, sectionEncoder, cancellationToken).ConfigureAwait(false);
            await sequenceData.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
            await appender.AppendStreamAsync(DumpSegmentKind.PostData, postData.Output, sectionEncoder, cancellationToken).ConfigureAwait(false);
            await postData.WaitForSuccessAsync(cancellationToken).ConfigureAwait(false);
            _logger?.Debug("sections done", ("at", clock.Elapsed));
        }
        catch
        {
            await failed.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(workers.Append(preDataTask).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            throw;
        }

        // The snapshot must have held to the end: a coordinator that lost its connection would say so here.
        await ExecuteAsync(coordinator, "COMMIT", cancellationToken).ConfigureAwait(false);
        await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);

        var pgDumpVersion = await pgDumpVersionTask.ConfigureAwait(false);
        var index = new PostgresDumpIndex
        {
            FormatVersion = PostgresDumpIndex.CurrentFormatVersion,
            Database = source.Database,
            ServerVersion = snapshot.ServerVersion,
            ServerVersionNumber = snapshot.ServerVersionNumber,
            PgDumpVersion = pgDumpVersion,
            Encoding = snapshot.Encoding,
            Collate = snapshot.Collate,
            Ctype = snapshot.Ctype,
            SnapshotId = snapshot.Id,
            WalLsn = snapshot.WalLsn,
            Timeline = snapshot.Timeline,
            StartedAt = startedAt,
            CompletedAt = _time.GetUtcNow(),
            CompressionLevel = options.CompressionLevel,
            RawLength = appender.RawLength,
            StoredLength = appender.StoredLength,
            StoredSha256 = appender.ObjectSha256(),
            Segments = [.. appender.Segments],
            Roles = roles,
            Tables = [.. tables.Select(t => totals[t.Oid].ToDumpedTable(
                appender.Segments.Where(s => s.Table == t.Qualified).Sum(s => s.RawLength),
                hashed: options.ContentHashMaxTableBytes is not { } limit || t.RelationSize <= limit))],
        };
        _logger?.Info("dump complete", ("database", source.Database), ("tables", tables.Count), ("segments", index.Segments.Count),
            ("rawBytes", index.RawLength), ("storedBytes", index.StoredLength), ("elapsed", clock.Elapsed));
        return index;
    }

    private static IEnumerable<WorkUnit> PlanUnits(IReadOnlyList<DumpableTable> tables, PostgresDumpOptions options) =>
        tables.SelectMany(table => options.SplitTable?.Invoke(table) ?? [new WorkUnit(table, null, null, table.RelationSize)])
            .OrderByDescending(u => u.EstimatedBytes);

    private static async Task RunWorkerAsync(
        Task<CopyOutSession> session, ConcurrentQueue<WorkUnit> units, Dictionary<uint, TableTotals> totals,
        DumpAppender appender, PostgresDumpOptions options, string encoding, JsonLogger? logger, Stopwatch clock, CancellationToken cancellationToken)
    {
        var connection = await session.ConfigureAwait(false);
        logger?.Debug("worker session ready", ("at", clock.Elapsed));
        using var encoder = new FrameEncoder(options.CompressionLevel);
        var buffer = new byte[1 << 18];
        var pending = Task.CompletedTask;
        while (units.TryDequeue(out var unit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var table = unit.Table;
            var hasher = new RowHasher();
            var copy = CopyOutStatement(unit, encoding);
            try
            {
                long chunkRowsStart = 0;
                var header = Encoding.UTF8.GetBytes(table.DataHeader + table.CopyFromStdin);
                encoder.Write(header);
                var cutPending = false;

                async Task FinishChunkAsync()
                {
                    encoder.Write(@"\."u8);
                    encoder.Write("\n\n\n"u8);
                    var chunk = encoder.TakeSegment(out var raw);
                    var rows = hasher.Rows - chunkRowsStart;
                    chunkRowsStart = hasher.Rows;
                    // One chunk may wait for the appender while the next one is being read.
                    await pending.ConfigureAwait(false);
                    pending = appender.AppendAsync(DumpSegmentKind.TableData, table.Qualified, rows, chunk, raw, cancellationToken);
                }

                await connection.BeginAsync(copy, cancellationToken).ConfigureAwait(false);
                {
                    int read;
                    while ((read = await connection.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        var position = 0;
                        while (position < read)
                        {
                            var take = read - position;
                            if (cutPending)
                            {
                                // A chunk ends only at a row boundary: after the next newline.
                                var newline = buffer.AsSpan(position, read - position).IndexOf((byte)'\n');
                                take = newline < 0 ? take : newline + 1;
                            }

                            hasher.Add(buffer.AsSpan(position, take));
                            encoder.Write(buffer.AsSpan(position, take));
                            position += take;
                            cutPending |= encoder.RawLength >= options.ChunkRawBytes || encoder.StoredLength >= options.ChunkStoredBytes;
                            if (cutPending && !hasher.InsideRow)
                            {
                                await FinishChunkAsync().ConfigureAwait(false);
                                encoder.Write(header);
                                cutPending = false;
                            }
                        }
                    }
                }

                if (hasher.InsideRow)
                {
                    throw new DatabaseConnectionLostException($"COPY of {table.Qualified} ended in the middle of a row; nothing was committed");
                }

                await FinishChunkAsync().ConfigureAwait(false);
                totals[table.Oid].Add(hasher.Rows, hasher.Sum);
                logger?.Debug("unit copied", ("table", table.Qualified), ("fromPage", unit.FromPage), ("rows", hasher.Rows), ("at", clock.Elapsed));
            }
            catch (Exception e)
            {
                throw DatabaseErrors.ForOperation(e, $"copying {table.Qualified}", cancellationToken);
            }
        }

        await pending.ConfigureAwait(false);
    }

    /// <summary>COPY ... TO STDOUT for a unit, in the database's encoding (what pg_dump's script declares).</summary>
    internal static string CopyOutStatement(WorkUnit unit, string encoding)
    {
        var table = unit.Table;
        var options = $" TO STDOUT (ENCODING '{encoding}')";
        if (unit.FromPage is null && unit.ToPage is null)
        {
            return $"COPY {table.Qualified} {table.ColumnList}{options}";
        }

        var range = $"ctid >= '({unit.FromPage},0)'::pg_catalog.tid" + (unit.ToPage is { } to ? $" AND ctid < '({to},0)'::pg_catalog.tid" : string.Empty);
        return $"COPY (SELECT {string.Join(", ", table.Columns)} FROM ONLY {table.Qualified} WHERE {range}){options}";
    }

    private static async Task<SnapshotInfo> ExportSnapshotAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", cancellationToken).ConfigureAwait(false);
        const string sql = """
            SELECT pg_catalog.pg_export_snapshot(),
                   pg_catalog.current_setting('server_version'),
                   pg_catalog.current_setting('server_version_num')::int,
                   pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
                   CASE WHEN pg_catalog.pg_is_in_recovery() THEN NULL ELSE pg_catalog.pg_current_wal_lsn()::text END,
                   CASE WHEN pg_catalog.has_function_privilege('pg_catalog.pg_control_checkpoint()', 'EXECUTE')
                        THEN (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint()) END
            FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new SnapshotInfo(
            reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetInt32(7));
    }

    internal static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Awaits all; the first failure cancels the rest at once instead of waiting for them.</summary>
    private static async Task WhenAllFailFastAsync(IReadOnlyList<Task> tasks, CancellationTokenSource onFailure)
    {
        var remaining = tasks.ToList();
        while (remaining.Count > 0)
        {
            var done = await Task.WhenAny(remaining).ConfigureAwait(false);
            remaining.Remove(done);
            if (done.IsFaulted || done.IsCanceled)
            {
                await onFailure.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(remaining.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
                await done.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Closes the workers' sessions however the dump ends (those that opened).</summary>
    private sealed class AsyncDisposer(IReadOnlyList<Task<CopyOutSession>> sessions) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var session in sessions)
            {
                try
                {
                    await (await session.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A session that failed to open has nothing to close; its error was reported by the worker.
                }
            }
        }
    }

    private sealed record SnapshotInfo(string Id, string ServerVersion, int ServerVersionNumber, string Encoding, string Collate, string Ctype,
        string? WalLsn, int? Timeline);

    /// <summary>A table, or a page range of one, copied as one COPY statement.</summary>
    internal sealed record WorkUnit(DumpableTable Table, long? FromPage, long? ToPage, long EstimatedBytes);

    /// <summary>Rows and hash of a table, added up over its units (which may run on different workers).</summary>
    private sealed class TableTotals(DumpableTable table)
    {
        private readonly object _gate = new();
        private long _rows;
        private ulong _sum;

        public void Add(long rows, ulong sum)
        {
            lock (_gate)
            {
                _rows += rows;
                unchecked
                {
                    _sum += sum;
                }
            }
        }

        public DumpedTable ToDumpedTable(long rawLength, bool hashed) => new()
        {
            Name = table.Qualified,
            Columns = table.Columns,
            Rows = _rows,
            ContentHash = hashed ? RowHasher.Format(_sum) : null,
            RawLength = rawLength,
            RelationSize = table.RelationSize,
        };
    }
}
