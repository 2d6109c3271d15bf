using System.Globalization;
using System.Text;
using DisasterRecovery.Core;
using DisasterRecovery.Redis.Dump;
using DisasterRecovery.Redis.Rdb;

namespace DisasterRecovery.Redis.Restore;

/// <summary>
/// One live restore's commands and replies: sends each entry's commands into the connection's buffer and reads replies
/// only when more than the in-flight limit is unanswered (then down to half of it), so the server always has work queued.
/// Replies come in the order commands went out; each is matched with its <see cref="Pending"/> to count it.
/// </summary>
internal sealed class RestorePipeline(RedisCommandConnection connection, RedisRestoreOptions options, long nowUnixMs)
{
    private static readonly ReadOnlyMemory<byte> Restore = "RESTORE"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> ReplaceWord = "REPLACE"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> AbsTtl = "ABSTTL"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> IdleTime = "IDLETIME"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Freq = "FREQ"u8.ToArray();
    private static readonly ReadOnlyMemory<byte> Zero = "0"u8.ToArray();

    private readonly Queue<Pending> _pending = new();
    private readonly SortedDictionary<int, DatabaseCounter> _databases = [];
    private readonly HashSet<int> _flushed = [];
    private readonly string _target = connection.Endpoint.ToString();
    private long _inFlight;
    private int _selected = -1;
    private int? _databaseCount;
    private bool _functionsFlushed;
    private int _functionsRestored;
    private int _functionsKept;
    private int _functionsSkipped;
    private long _databasesSkippedKeys;
    private Failure? _failure;

    private enum PendingKind
    {
        Select,
        DatabaseSize,
        FlushDatabase,
        Exists,
        RestoreKey,
        RestoreFunction,
    }

    /// <summary>Checks the databases against the target's count and, for flush-first, empties the databases known to be restored.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _databaseCount = await connection.DatabaseCountAsync(cancellationToken).ConfigureAwait(false);
        if (_databaseCount is { } count)
        {
            if (options.Databases?.Where(d => d >= count).Order().FirstOrDefault(-1) is var requested and >= 0)
            {
                throw new InvalidInputException("databases", $"holds {requested}, but Redis {_target} has {count} databases (0 to {count - 1})");
            }

            var inBackup = options.SourceDatabases?.Where(d => options.Databases?.Contains(d) ?? true).Where(d => d >= count).Order().FirstOrDefault(-1);
            if (inBackup is >= 0)
            {
                throw new DatabaseNotFoundException(
                    $"the backup holds keys in database {inBackup}, but Redis {_target} has {count} databases (0 to {count - 1}); " +
                    "give \"databases\" to leave it out, or raise the target's 'databases' setting");
            }
        }
        else
        {
            foreach (var database in options.Databases ?? options.SourceDatabases ?? new HashSet<int>())
            {
                var reply = await connection.CallAsync(["SELECT", Number(database)], "SELECT", cancellationToken).ConfigureAwait(false);
                if (reply.IsError)
                {
                    throw new InvalidInputException("databases", $"holds {database}, which Redis {_target} refuses: {reply.Text}");
                }
            }
        }

        if (options.Mode == RedisRestoreMode.FlushFirst)
        {
            foreach (var database in (options.Databases ?? options.SourceDatabases ?? new HashSet<int>()).Order())
            {
                await SelectAsync(database, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends what one entry needs (or counts why it needs nothing).</summary>
    public async Task ApplyAsync(RdbEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Kind == RdbEntryKind.FunctionLibrary)
        {
            await ApplyFunctionAsync(entry, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (options.Databases is { } databases && !databases.Contains(entry.Database))
        {
            _databasesSkippedKeys++;
            return;
        }

        var counter = Counter(entry.Database);
        if (options.Pattern is { } pattern && !pattern.Matches(entry.Key))
        {
            counter.Filtered++;
            return;
        }

        if (entry.ExpireAtUnixMs is { } expiry && expiry <= nowUnixMs)
        {
            counter.SkippedExpired++;
            return;
        }

        await SelectAsync(entry.Database, cancellationToken).ConfigureAwait(false);
        if (options.DryRun)
        {
            if (options.Mode == RedisRestoreMode.FlushFirst)
            {
                counter.Created++;
                return;
            }

            await SendAsync([(ReadOnlyMemory<byte>)"EXISTS"u8.ToArray(), entry.Key], new Pending(PendingKind.Exists, entry.Database), cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        var arguments = new List<ReadOnlyMemory<byte>>(9)
        {
            Restore, entry.Key, entry.ExpireAtUnixMs is { } at ? Encoding.ASCII.GetBytes(Number(at)) : Zero, entry.DumpPayload,
        };
        if (options.Mode != RedisRestoreMode.KeepExisting)
        {
            arguments.Add(ReplaceWord);
        }

        if (entry.ExpireAtUnixMs is not null)
        {
            arguments.Add(AbsTtl);
        }

        if (entry.IdleSeconds is { } idle)
        {
            arguments.Add(IdleTime);
            arguments.Add(Encoding.ASCII.GetBytes(Number(idle)));
        }
        else if (entry.Frequency is { } frequency)
        {
            arguments.Add(Freq);
            arguments.Add(Encoding.ASCII.GetBytes(Number(frequency)));
        }

        await SendAsync(arguments, new Pending(PendingKind.RestoreKey, entry.Database, entry.Key, DumpPayload.RdbVersionOf(entry.DumpPayload.Span)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads every outstanding reply; throws the first failure a reply reported.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(0, cancellationToken).ConfigureAwait(false);
        ThrowIfFailed();
    }

    public RedisRestoreSummary Summary(TimeSpan elapsed) => new(
        _target, options.Mode, options.DryRun,
        [.. _databases.Select(d => new RedisDatabaseRestoreCounts(d.Key, d.Value.Restored, d.Value.Created, d.Value.Replaced, d.Value.Kept,
            d.Value.SkippedExpired, d.Value.Filtered, d.Value.Flushed))],
        _functionsRestored, _functionsKept, _functionsSkipped, _databasesSkippedKeys, connection.Writer.BytesSent, elapsed);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Printable(byte[] key)
    {
        var text = Encoding.UTF8.GetString(key);
        return text.Length > 80 ? text[..80] + "…" : text;
    }

    private async Task ApplyFunctionAsync(RdbEntry entry, CancellationToken cancellationToken)
    {
        if (!options.RestoresFunctions)
        {
            _functionsSkipped++;
            return;
        }

        if (options.DryRun)
        {
            _functionsRestored++;
            return;
        }

        var arguments = new List<ReadOnlyMemory<byte>> { "FUNCTION"u8.ToArray(), "RESTORE"u8.ToArray(), entry.DumpPayload };
        if (options.Mode == RedisRestoreMode.FlushFirst && !_functionsFlushed)
        {
            arguments.Add("FLUSH"u8.ToArray()); // the backup's libraries replace all of the target's
            _functionsFlushed = true;
        }
        else if (options.Mode != RedisRestoreMode.KeepExisting)
        {
            arguments.Add(ReplaceWord);
        }

        await SendAsync(arguments, new Pending(PendingKind.RestoreFunction, 0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes <paramref name="database"/> the connection's; in flush-first mode empties it the first time (counting what it held).</summary>
    private async Task SelectAsync(int database, CancellationToken cancellationToken)
    {
        if (_databaseCount is { } count && database >= count)
        {
            await FinishAsync(cancellationToken).ConfigureAwait(false);
            throw new DatabaseNotFoundException(
                $"the backup holds keys in database {database}, but Redis {_target} has {count} databases (0 to {count - 1}); " +
                $"{Restored()} keys of the databases before it were restored; give \"databases\" to leave it out");
        }

        if (database != _selected)
        {
            await SendAsync(["SELECT"u8.ToArray(), Encoding.ASCII.GetBytes(Number(database))], new Pending(PendingKind.Select, database), cancellationToken)
                .ConfigureAwait(false);
            _selected = database;
        }

        if (options.Mode == RedisRestoreMode.FlushFirst && _flushed.Add(database))
        {
            Counter(database);
            await SendAsync(["DBSIZE"u8.ToArray()], new Pending(PendingKind.DatabaseSize, database), cancellationToken).ConfigureAwait(false);
            if (!options.DryRun)
            {
                await SendAsync(["FLUSHDB"u8.ToArray()], new Pending(PendingKind.FlushDatabase, database), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SendAsync(IReadOnlyList<ReadOnlyMemory<byte>> command, Pending pending, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        var size = await connection.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        _pending.Enqueue(pending with { Size = size });
        _inFlight += size;
        if (_inFlight > options.MaxInFlightBytes)
        {
            await connection.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await DrainAsync(options.MaxInFlightBytes / 2, cancellationToken).ConfigureAwait(false);
            if (_failure is not null)
            {
                await FinishAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads replies until at most <paramref name="keep"/> bytes of commands are unanswered.</summary>
    private async Task DrainAsync(long keep, CancellationToken cancellationToken)
    {
        while (_pending.Count > 0 && (_inFlight > keep || keep == 0))
        {
            var pending = _pending.Dequeue();
            _inFlight -= pending.Size;
            var reply = await connection.Reader.ReadAsync(pending.Kind.ToString(), cancellationToken).ConfigureAwait(false);
            Count(pending, reply);
        }
    }

    private void Count(Pending pending, RespValue reply)
    {
        var counter = pending.Kind == PendingKind.RestoreFunction ? null : Counter(pending.Database);
        switch (pending.Kind)
        {
            case PendingKind.RestoreKey when !reply.IsError:
                counter!.Restored++;
                return;
            case PendingKind.RestoreKey when reply.ErrorCode == "BUSYKEY" && options.Mode == RedisRestoreMode.KeepExisting:
                counter!.Kept++;
                return;
            case PendingKind.RestoreFunction when !reply.IsError:
                _functionsRestored++;
                return;
            case PendingKind.RestoreFunction when options.Mode == RedisRestoreMode.KeepExisting
                && reply.Text?.Contains("already exists", StringComparison.Ordinal) == true:
                _functionsKept++;
                return;
            case PendingKind.Exists when reply.Kind == ':':
                if (reply.Integer == 0)
                {
                    counter!.Created++;
                }
                else if (options.Mode == RedisRestoreMode.KeepExisting)
                {
                    counter!.Kept++;
                }
                else
                {
                    counter!.Replaced++;
                }

                return;
            case PendingKind.DatabaseSize when reply.Kind == ':':
                counter!.Flushed = reply.Integer;
                return;
            case PendingKind.Select or PendingKind.FlushDatabase when !reply.IsError:
                return;
            default:
                _failure ??= new Failure(pending, reply);
                return;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not { } failure)
        {
            return;
        }

        var restored = Restored();
        var reply = failure.Reply;
        var what = failure.Pending.Kind switch
        {
            PendingKind.RestoreKey => $"RESTORE of key '{Printable(failure.Pending.Key!)}' in database {failure.Pending.Database}",
            PendingKind.RestoreFunction => "FUNCTION RESTORE of a library",
            var kind => $"{kind.ToString().ToUpperInvariant()} of database {failure.Pending.Database}",
        };
        var progress = $"{restored} keys were restored before it stopped";
        throw reply.ErrorCode switch
        {
            "OOM" => new TargetOutOfMemoryException(
                $"Redis {_target} is out of memory (maxmemory reached, nothing to evict): it refused {what}; {progress}. Raise maxmemory " +
                $"or restore into a larger server. Redis said: {reply.Text}"),
            "NOAUTH" or "WRONGPASS" or "NOPERM" => new DatabaseAuthenticationException($"Redis {_target} refused {what}: {reply.Text}; {progress}"),
            _ when reply.Text?.Contains("payload version", StringComparison.Ordinal) == true => new DatabaseOperationException(
                $"Redis {_target} cannot read RDB version {failure.Pending.RdbVersion} payloads ({what}): restore into a Redis at least as new as " +
                $"the one backed up; {progress}. Redis said: {reply.Text}"),
            _ => new DatabaseOperationException($"Redis {_target} refused {what}: {reply.Text ?? reply.Kind.ToString()}; {progress}"),
        };
    }

    private long Restored() => _databases.Values.Sum(d => d.Restored);

    private DatabaseCounter Counter(int database)
    {
        if (!_databases.TryGetValue(database, out var counter))
        {
            counter = new DatabaseCounter();
            _databases[database] = counter;
        }

        return counter;
    }

    private sealed record Failure(Pending Pending, RespValue Reply);

    /// <summary>A command sent and not yet answered.</summary>
    private readonly record struct Pending(PendingKind Kind, int Database, byte[]? Key = null, int RdbVersion = 0, long Size = 0);

    private sealed class DatabaseCounter
    {
        public long Restored { get; set; }

        public long Created { get; set; }

        public long Replaced { get; set; }

        public long Kept { get; set; }

        public long SkippedExpired { get; set; }

        public long Filtered { get; set; }

        public long Flushed { get; set; }
    }
}
