using System.Text.RegularExpressions;

namespace DisasterRecovery.Postgres;

/// <summary>A unit of restore work: all data chunks of one table (loaded in one transaction), or an index/unique key to build.</summary>
internal sealed record LoadJob(IReadOnlyList<DumpSegment>? Chunks, ScriptEntry? Entry, bool Freeze = false)
{
    public string Describe() => Chunks is { } chunks ? $"{chunks[0].Describe()} ({chunks.Count} chunks)" : $"{Entry!.Type} {Entry.Name}";
}

/// <summary>
/// Hands out restore work to N connections, biggest first. A table's data is one job, loaded in one
/// transaction with COPY FREEZE. (The benchmark project can also have a table loaded chunk by chunk on
/// every connection at once, without FREEZE, which needs the one transaction that truncated the table:
/// measured slower, so production never does.) An index becomes ready when its table is loaded, and
/// ready indexes go before further data (so builds overlap with other tables' loading, as in
/// pg_restore -j). An entry whose table cannot be named is held until all data is in, and one
/// whose table has no data is ready at once; either way the result is the same, only the timing differs.
/// A foreign key between two tables of the dump is handed out once both are loaded and all their indexes
/// and keys are built, after ready indexes and tables, and never while another key check holds one of its
/// tables (ADD FOREIGN KEY locks both in SHARE ROW EXCLUSIVE mode): no connection waits on a lock.
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
    private readonly List<ScriptEntry> _readyKeys = [];
    private readonly Dictionary<ScriptEntry, (string Table, string Referenced)> _keyTables = [];
    private readonly Dictionary<string, int> _indexesLeft = new(StringComparer.Ordinal);
    private readonly HashSet<string> _checking = new(StringComparer.Ordinal);
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
    /// <param name="splitTable">
    /// Given a table's stored bytes and all tables', whether to load it chunk by chunk on all connections
    /// (no FREEZE); null (production) never does. Set by the benchmark project only.
    /// </param>
    public LoadSchedule(
        IEnumerable<DumpSegment> chunks, IEnumerable<ScriptEntry> indexes, int workers = 1, IEnumerable<ScriptEntry>? foreignKeys = null,
        Func<long, long, bool>? splitTable = null)
    {
        var tables = chunks.GroupBy(c => c.Table!, StringComparer.Ordinal).Select(g => g.OrderBy(c => c.Offset).ToList()).ToList();
        var total = tables.Sum(t => t.Sum(c => c.StoredLength));
        var jobs = new List<(long Size, LoadJob Job)>();
        foreach (var table in tables)
        {
            var size = table.Sum(c => c.StoredLength);
            if (splitTable is not null && workers > 1 && table.Count > 1 && splitTable(size, total))
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

            if (table is not null)
            {
                _indexesLeft[table] = _indexesLeft.GetValueOrDefault(table) + 1;
            }
        }

        // A foreign key between two tables whose data this dump loads (and whose indexes can all be named)
        // is checked as soon as both are loaded and indexed, on whichever connection is free, instead of
        // after all data: on a restore dominated by one big table the other connection checks the small
        // tables' keys while the big one loads. Anything else keeps the rule above.
        if (_afterAllData.Count == 0)
        {
            foreach (var key in _foreignKeys)
            {
                if (TableOf(key) is { } table && ReferencedTableOf(key) is { } referenced
                    && _jobsLeft.ContainsKey(table) && _jobsLeft.ContainsKey(referenced))
                {
                    _keyTables[key] = (table, referenced);
                }
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

                // Foreign keys last, and never two at once on a table (ADD FOREIGN KEY locks both of its
                // tables in SHARE ROW EXCLUSIVE mode, which conflicts with itself): no connection blocks on a lock.
                var key = _readyKeys.FindIndex(k => !_keyTables.TryGetValue(k, out var t) || (!_checking.Contains(t.Table)
                    && !_checking.Contains(t.Referenced)));
                if (key >= 0)
                {
                    var checkJob = _readyKeys[key];
                    _readyKeys.RemoveAt(key);
                    if (_keyTables.TryGetValue(checkJob, out var tables))
                    {
                        _checking.Add(tables.Table);
                        _checking.Add(tables.Referenced);
                    }

                    _running++;
                    return new LoadJob(null, checkJob);
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
            if (job.Entry is { } done)
            {
                if (IsUniqueKey(done))
                {
                    _keysLeft--;
                }

                if (done.Type is "INDEX" or "CONSTRAINT" && TableOf(done) is { } indexed)
                {
                    _indexesLeft[indexed]--;
                }

                if (_keyTables.TryGetValue(done, out var checkedTables))
                {
                    _checking.Remove(checkedTables.Table);
                    _checking.Remove(checkedTables.Referenced);
                }
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
        if (_foreignKeys.Count == 0)
        {
            return;
        }

        var all = _keysLeft == 0 && _jobsLeft.Values.All(left => left == 0);
        for (var i = 0; i < _foreignKeys.Count; i++)
        {
            var key = _foreignKeys[i];
            var ready = _keyTables.TryGetValue(key, out var tables) ? Settled(tables.Table) && Settled(tables.Referenced) : all;
            if (ready)
            {
                _readyKeys.Add(key);
                _foreignKeys.RemoveAt(i--);
            }
        }
    }

    /// <summary>A table whose data is all loaded and whose indexes and keys are all built.</summary>
    private bool Settled(string table) => _jobsLeft.GetValueOrDefault(table) == 0 && _indexesLeft.GetValueOrDefault(table) == 0;

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

    /// <summary>The table a FOREIGN KEY entry references, as pg_dump names it; null when unclear.</summary>
    internal static string? ReferencedTableOf(ScriptEntry entry)
    {
        var matches = ReferencedTable().Matches(entry.Body);
        return matches.Count == 1 ? matches[0].Groups["table"].Value : null;
    }

    [GeneratedRegex(@"^ALTER TABLE (?:ONLY )?(?<table>[^\n]+)\n", RegexOptions.CultureInvariant)]
    private static partial Regex ConstraintTable();

    // pg_dump writes REFERENCES schema.table(columns), each name bare or double-quoted.
    [GeneratedRegex(@"\bFOREIGN KEY \(.*?\) REFERENCES (?<table>(?:""(?:[^""]|"""")*""|[^""\s(.]+)\.(?:""(?:[^""]|"""")*""|[^""\s(.]+))\(",
        RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex ReferencedTable();
}
