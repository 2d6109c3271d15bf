using System.Text.RegularExpressions;

namespace DisasterRecovery.Postgres;

/// <summary>A unit of restore work: all data chunks of one table (loaded in one transaction), or an index/unique key to build.</summary>
internal sealed record LoadJob(IReadOnlyList<DumpSegment>? Chunks, ScriptEntry? Entry, bool Freeze = false)
{
    public string Describe() => Chunks is { } chunks ? $"{chunks[0].Describe()} ({chunks.Count} chunks)" : $"{Entry!.Type} {Entry.Name}";
}

/// <summary>
/// Hands out restore work to N connections, biggest first. A table's data is one job, loaded in one
/// transaction with COPY FREEZE; optionally a table holding more than a 1/(2N) share of all data is
/// loaded chunk by chunk on every connection at once (no FREEZE: that needs the one transaction that
/// truncated the table), so one big table cannot leave the other connections idle — measured slower on
/// the 2-core benchmark machine (12.4/13.2 s against 15.7/13.6 s), so off by default. An index becomes
/// ready when its table is loaded, and ready indexes go before further data (so builds overlap with other tables' loading,
/// as in pg_restore -j). An entry whose table cannot be named is held until all data is in, and one
/// whose table has no data is ready at once; either way the result is the same, only the timing differs.
/// </summary>
internal sealed partial class LoadSchedule
{
    private readonly object _gate = new();
    private readonly Queue<LoadJob> _tables;
    private readonly Dictionary<string, int> _jobsLeft = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ScriptEntry>> _waiting = new(StringComparer.Ordinal);
    private readonly List<ScriptEntry> _afterAllData = [];
    private readonly Queue<ScriptEntry> _ready = new();
    private readonly List<ScriptEntry> _foreignKeys = [];
    private int _keysLeft;
    private int _running;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="chunks">Every table-data segment.</param>
    /// <param name="indexes">INDEX and CONSTRAINT entries of post-data.</param>
    /// <param name="workers">Connections at work.</param>
    /// <param name="foreignKeys">
    /// FK CONSTRAINT entries: each becomes ready once all data is in and every unique key (CONSTRAINT
    /// entries, CREATE UNIQUE INDEX) is built, since a foreign key needs the unique index it references;
    /// so foreign keys are checked while the last plain indexes are still building.
    /// </param>
    /// <param name="splitLargeTables">Load a table holding more than 1/(2N) of the data chunk by chunk on all connections (no FREEZE).</param>
    public LoadSchedule(IEnumerable<DumpSegment> chunks, IEnumerable<ScriptEntry> indexes, int workers = 1, IEnumerable<ScriptEntry>? foreignKeys = null, bool splitLargeTables = false)
    {
        var tables = chunks.GroupBy(c => c.Table!, StringComparer.Ordinal).Select(g => g.OrderBy(c => c.Offset).ToList()).ToList();
        var total = tables.Sum(t => t.Sum(c => c.StoredLength));
        var jobs = new List<(long Size, LoadJob Job)>();
        foreach (var table in tables)
        {
            var size = table.Sum(c => c.StoredLength);
            if (splitLargeTables && workers > 1 && table.Count > 1 && size * 2 * workers > total)
            {
                jobs.AddRange(table.Select(c => (c.StoredLength, new LoadJob([c], null))));
            }
            else
            {
                jobs.Add((size, new LoadJob(table, null, Freeze: true)));
            }

            _jobsLeft[table[0].Table!] = jobs.Count(j => j.Job.Chunks![0].Table == table[0].Table);
        }

        _tables = new Queue<LoadJob>(jobs.OrderByDescending(j => j.Size).Select(j => j.Job));

        _foreignKeys.AddRange(foreignKeys ?? []);
        var indexList = indexes.ToList();
        _keysLeft = indexList.Count(IsUniqueKey);
        foreach (var entry in indexList)
        {
            var table = TableOf(entry);
            if (table is null)
            {
                _afterAllData.Add(entry);
            }
            else if (_jobsLeft.ContainsKey(table))
            {
                (_waiting.TryGetValue(table, out var list) ? list : _waiting[table] = []).Add(entry);
            }
            else
            {
                _ready.Enqueue(entry);
            }
        }

        Jobs = _tables.Count + _afterAllData.Count + _ready.Count + _waiting.Values.Sum(l => l.Count) + _foreignKeys.Count;
        if (_tables.Count == 0)
        {
            ReleaseAfterAllData();
        }

        ReleaseForeignKeys();
    }

    /// <summary>How many jobs there are in all.</summary>
    public int Jobs { get; }

    /// <summary>The next job, waiting while work is running that will release more; null when everything is done.</summary>
    public async Task<LoadJob?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_ready.TryDequeue(out var entry))
                {
                    _running++;
                    return new LoadJob(null, entry);
                }

                if (_tables.TryDequeue(out var table))
                {
                    _running++;
                    return table;
                }

                if (_running == 0)
                {
                    return null;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Done(LoadJob job)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _running--;
            if (job.Entry is { } done && IsUniqueKey(done))
            {
                _keysLeft--;
            }

            if (job.Chunks is { } chunks)
            {
                var table = chunks[0].Table!;
                if (--_jobsLeft[table] == 0 && _waiting.Remove(table, out var entries))
                {
                    entries.ForEach(_ready.Enqueue);
                }

                if (_jobsLeft.Values.All(left => left == 0))
                {
                    ReleaseAfterAllData();
                }
            }

            ReleaseForeignKeys();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private void ReleaseForeignKeys()
    {
        if (_foreignKeys.Count > 0 && _keysLeft == 0 && _jobsLeft.Values.All(left => left == 0))
        {
            _foreignKeys.ForEach(_ready.Enqueue);
            _foreignKeys.Clear();
        }
    }

    private static bool IsUniqueKey(ScriptEntry entry) =>
        entry.Type == "CONSTRAINT" || entry.Body.StartsWith("CREATE UNIQUE INDEX ", StringComparison.Ordinal);

    private void ReleaseAfterAllData()
    {
        _afterAllData.ForEach(_ready.Enqueue);
        _afterAllData.Clear();
        foreach (var entries in _waiting.Values)
        {
            entries.ForEach(_ready.Enqueue);
        }

        _waiting.Clear();
    }

    /// <summary>The table an INDEX or CONSTRAINT entry builds on, as pg_dump names it; null when unclear.</summary>
    internal static string? TableOf(ScriptEntry entry)
    {
        var match = entry.Type == "INDEX" ? IndexTable().Match(entry.Body) : ConstraintTable().Match(entry.Body);
        return match.Success ? match.Groups["table"].Value : null;
    }

    [GeneratedRegex(@"^CREATE (?:UNIQUE )?INDEX \S+ ON (?:ONLY )?(?<table>.+?) USING ", RegexOptions.CultureInvariant)]
    private static partial Regex IndexTable();

    [GeneratedRegex(@"^ALTER TABLE (?:ONLY )?(?<table>[^\n]+)\n", RegexOptions.CultureInvariant)]
    private static partial Regex ConstraintTable();
}
