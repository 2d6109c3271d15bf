using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;
using Npgsql;

// Issue 4's benchmark: on a generated database, side by side in one run,
//   pg_dump -Fc, the floor pg_dump -Fc -Z0 > /dev/null, the plan's pg_dump | gzip, and our dump;
//   pg_restore -j2, gunzip | psql, zstd -dc | psql (the manual one-liner) and our restore;
// plus our dump's and restore's peak memory (VmHWM of a child process) at a second, larger size.
//
//   dotnet run -c Release --project tests/Benchmarks/PostgresBackup -- --size-mb 600 [--memory-size-mb 1500] [--repeat 3] [--workers 2] [--split-mb N] [--out RESULTS.md]
//
// --split-mb N copies tables bigger than N MiB as N MiB page ranges (PostgresDumpOptions.SplitTableBytes; off by default).
//
// Child modes (used by the benchmark itself, one process per measured run):
//   --child backup <database> <dump file> <index file> <workers> <split MiB, 0 = off>
//   --child restore <database> <dump file> <index file> <workers> <split MiB, ignored>
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var arguments = args.ToList();
if (arguments.Count > 0 && arguments[0] == "--child")
{
    return await Child.RunAsync(arguments.Skip(1).ToArray());
}

var sizeMb = Option(arguments, "--size-mb", 600);
var memorySizeMb = Option(arguments, "--memory-size-mb", 0);
var workers = Option(arguments, "--workers", 2);
var splitMb = Option(arguments, "--split-mb", 0);
var output = OptionText(arguments, "--out") ?? Path.Combine(Bench.RepositoryFolder(), "tests", "Benchmarks", "PostgresBackup", "RESULTS.md");
var bench = new Bench(workers, splitMb);
var report = new StringBuilder();
report.AppendLine("# PostgreSQL backup benchmark (issue 4)").AppendLine();
report.AppendLine($"Command: `dotnet run -c Release --project tests/Benchmarks/PostgresBackup -- {string.Join(' ', args)}`  ");
report.AppendLine($"Run at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB; " +
                  $"PostgreSQL {bench.ServerVersion()} on the same machine (local/servers), {await Bench.ToolVersionAsync("pg_dump")}, zstd CLI {await Bench.ToolVersionAsync("zstd")}; our dump and restore with {workers} workers, {(splitMb > 0 ? $"tables over {splitMb} MiB copied as page ranges" : "whole-table COPY (no page ranges)")}.").AppendLine();
report.AppendLine($"Data path: COPY through {CopyOutSession.Implementation}, zstd through {FrameEncoder.Implementation}. " +
                  $"Load average at start: {File.ReadAllText("/proc/loadavg").Trim()} (the benchmark's own runs hold it near 2 on 2 cores; more means other work shared the machine; every row of a table ran in the same minutes).").AppendLine();
await bench.RunFullAsync(sizeMb, Option(arguments, "--repeat", 3), report);
if (memorySizeMb > 0)
{
    await bench.RunMemoryAsync(memorySizeMb, report);
}

report.AppendLine($"Load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}.");
File.WriteAllText(output, report.ToString());
Console.WriteLine(report.ToString());
Console.WriteLine($"written to {output}");
return 0;

static int Option(List<string> arguments, string name, int fallback)
{
    var text = OptionText(arguments, name);
    return text is null ? fallback : int.Parse(text, CultureInfo.InvariantCulture);
}

static string? OptionText(List<string> arguments, string name)
{
    var at = arguments.IndexOf(name);
    return at >= 0 && at + 1 < arguments.Count ? arguments[at + 1] : null;
}

/// <summary>The measured steps.</summary>
internal sealed class Bench(int workers, int splitMb)
{
    private readonly PostgresServer _server = LocalServers.Postgres;
    private readonly string _work = Directory.CreateTempSubdirectory("pg-bench-").FullName;

    public static string RepositoryFolder() => RepositoryPaths.Of();

    public string ServerVersion()
    {
        using var connection = new NpgsqlConnection(_server.ConnectionString());
        connection.Open();
        using var command = new NpgsqlCommand("SHOW server_version", connection);
        return (string)command.ExecuteScalar()!;
    }

    public static async Task<string> ToolVersionAsync(string tool)
    {
        var (_, text) = await Shell.RunAsync($"{tool} --version 2>&1 | head -1", null);
        return text.Trim();
    }

    public async Task RunFullAsync(int sizeMb, int repeat, StringBuilder report)
    {
        var database = await EnsureDatabaseAsync(sizeMb);
        var (dbSize, heap, tables) = Describe(database);
        report.AppendLine($"## {sizeMb} MB database `{database}`").AppendLine();
        report.AppendLine($"pg_database_size {Mb(dbSize)}, table data on disk {Mb(heap)} in {tables} tables (users, jobs, job_events, reviews, attachments; jsonb, numeric, text[], bytea, enum, timestamptz; 5 secondary indexes, 5 foreign keys).").AppendLine();

        var customDump = Path.Combine(_work, "dump.custom");
        var gzipDump = Path.Combine(_work, "dump.sql.gz");
        var ourDump = Path.Combine(_work, "dump.sql.zst");
        var ourIndex = Path.Combine(_work, "dump.index.json");
        var env = Env(database);

        var rows = new List<string[]>();
        // The machine is shared: the three backups that the targets compare run interleaved, `repeat` times,
        // in a rotating order (none always runs first or right after another), after one untimed warm-up
        // read of the whole database so every run finds the same warm cache. The MEDIAN of each is shown,
        // every run is listed, and so is the load average before each round.
        await CheckpointAsync();
        await TimeAsync($"pg_dump -Fc -Z0 -d {database} > /dev/null", env);
        var floors = new List<double>();
        var customs = new List<double>();
        var oursRuns = new List<(double Seconds, long PeakRss)>();
        var loads = new List<string>();
        for (var run = 0; run < repeat; run++)
        {
            loads.Add(LoadAverage());
            var steps = new List<Func<Task>>
            {
                async () => floors.Add(await TimeAsync($"pg_dump -Fc -Z0 -d {database} > /dev/null", env)),
                async () => customs.Add(await TimeAsync($"pg_dump -Fc -d {database} -f {customDump}", env)),
                async () => oursRuns.Add(await ChildAsync("backup", database, ourDump, ourIndex)),
            };
            for (var step = 0; step < steps.Count; step++)
            {
                await steps[(step + run) % steps.Count]();
            }
        }

        var gzip = await TimeAsync($"pg_dump -d {database} | gzip > {gzipDump}", env);
        var floor = Median(floors);
        var custom = Median(customs);
        var ours = (Seconds: Median([.. oursRuns.Select(r => r.Seconds)]), PeakRss: oursRuns.Max(r => r.PeakRss));
        report.AppendLine($"Backups ran {repeat}× interleaved (order rotated each round, after an untimed warm-up read); **medians** shown " +
                          $"(all runs: floor {Runs(floors)}, -Fc {Runs(customs)}, ours {Runs([.. oursRuns.Select(r => r.Seconds)])}; best: floor {floors.Min():F2}, -Fc {customs.Min():F2}, ours {oursRuns.Min(r => r.Seconds):F2} s). " +
                          $"Every time is the wall time of the whole process as started by this benchmark (ours includes .NET start-up). Load average before each round: {string.Join(" | ", loads)}. Peak RSS is the highest of our runs.").AppendLine();
        rows.Add(["`pg_dump -Fc -Z0 > /dev/null` (floor)", Sec(floor), "—", "—", "—"]);
        rows.Add(["`pg_dump -Fc`", Sec(custom), Mb(new FileInfo(customDump).Length), "—", "1.00×"]);
        rows.Add(["`pg_dump \\| gzip` (plan §1.1)", Sec(gzip), Mb(new FileInfo(gzipDump).Length), "—", Ratio(gzip, custom)]);
        rows.Add([$"**ours** (`PostgresDumper`, {workers} workers, zstd 1)", Sec(ours.Seconds), Mb(new FileInfo(ourDump).Length), Mb(ours.PeakRss), Ratio(ours.Seconds, custom)]);
        report.AppendLine("### Backup").AppendLine();
        report.AppendLine("| what | wall time | output | peak RSS | time vs pg_dump -Fc |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            report.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        report.AppendLine();
        report.AppendLine($"Ours vs targets: {ours.Seconds / custom:F2}× pg_dump -Fc (target ≤ 0.5×), {ours.Seconds / floor:F2}× the floor (target ≤ 1.3×), " +
                          $"output {(double)new FileInfo(ourDump).Length / new FileInfo(customDump).Length:F3}× pg_dump -Fc's (target ≤ 1).").AppendLine();

        var restoreRows = new List<string[]>();
        var pgRestores = new List<double>();
        var ourRestores = new List<(double Seconds, long PeakRss)>();
        var restoreLoads = new List<string>();
        var target1 = "bench_restore_pgr";
        var ourTarget = "bench_restore_ours";
        // Every restore starts from nothing: our restorer creates its database, so the baselines' times
        // include `createdb` too; each timed restore starts, untimed, once autovacuum from the run before has
        // finished and after a CHECKPOINT and a sync, so none pays for the one before it; the order alternates.
        for (var run = 0; run < repeat; run++)
        {
            restoreLoads.Add(LoadAverage());
            var steps = new List<Func<Task>>
            {
                async () =>
                {
                    await DropAsync(target1);
                    await CheckpointAsync();
                    pgRestores.Add(await TimeAsync($"createdb -T template0 {target1} && pg_restore -j2 -d {target1} {customDump}", env));
                },
                async () =>
                {
                    await DropAsync(ourTarget);
                    await CheckpointAsync();
                    ourRestores.Add(await ChildAsync("restore", ourTarget, ourDump, ourIndex));
                },
            };
            for (var step = 0; step < steps.Count; step++)
            {
                await steps[(step + run) % steps.Count]();
            }
        }

        var pgRestore = Median(pgRestores);
        var ourRestore = (Seconds: Median([.. ourRestores.Select(r => r.Seconds)]), PeakRss: ourRestores.Max(r => r.PeakRss));
        var target2 = "bench_restore_gz";
        await DropAsync(target2);
        await CheckpointAsync();
        var gunzip = await TimeAsync($"createdb -T template0 {target2} && gunzip -c {gzipDump} | psql -X -q -v ON_ERROR_STOP=1 -d {target2} > /dev/null", env);
        var target3 = "bench_restore_zst";
        await DropAsync(target3);
        await CheckpointAsync();
        var oneLiner = await TimeAsync($"createdb -T template0 {target3} && zstd -dc {ourDump} | psql -X -q -v ON_ERROR_STOP=1 -d {target3} > /dev/null", env);
        restoreRows.Add(["`pg_restore -j2` of `pg_dump -Fc`", Sec(pgRestore), "—", "1.00×"]);
        restoreRows.Add(["`gunzip -c \\| psql` of `pg_dump \\| gzip`", Sec(gunzip), "—", Ratio(gunzip, pgRestore)]);
        restoreRows.Add(["`zstd -dc dump.sql.zst \\| psql` (our dump, the manual one-liner)", Sec(oneLiner), "—", Ratio(oneLiner, pgRestore)]);
        restoreRows.Add([$"**ours** (`PostgresRestorer`, {workers} workers)", Sec(ourRestore.Seconds), Mb(ourRestore.PeakRss), Ratio(ourRestore.Seconds, pgRestore)]);
        report.AppendLine("### Restore").AppendLine();
        report.AppendLine($"pg_restore -j2 and ours ran {repeat}× interleaved (order alternating, each after autovacuum from the run before had finished, a CHECKPOINT and a sync, each including the creation of its database); **medians** shown " +
                          $"(all runs: pg_restore {Runs(pgRestores)}, ours {Runs([.. ourRestores.Select(r => r.Seconds)])}; best: pg_restore {pgRestores.Min():F2}, ours {ourRestores.Min(r => r.Seconds):F2} s); the psql pipelines ran once. " +
                          $"Load average before each round: {string.Join(" | ", restoreLoads)}.").AppendLine();
        report.AppendLine("| what | wall time | peak RSS | time vs pg_restore -j2 |").AppendLine("|---|---:|---:|---:|");
        foreach (var row in restoreRows)
        {
            report.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        report.AppendLine();
        var same = await CompareAsync(database, [target1, target3, ourTarget]);
        report.AppendLine($"Restored databases compared with the source (`pg_dump --schema-only` identical; per-table row counts identical): {same}").AppendLine();

        var index = PostgresDumpIndex.Parse(File.ReadAllBytes(ourIndex), ourIndex);
        var verifier = new PostgresVerifier(new PostgresTools());
        var clock = Stopwatch.StartNew();
        var verification = await verifier.VerifyAsync(new FileDumpSource(ourDump), index, Endpoint("postgres"), new PostgresVerifyOptions { Workers = workers });
        report.AppendLine($"Verification (restore into a scratch database, row counts + content hashes of {index.Tables.Count} tables, integrity SQL): " +
                          $"{(verification.Passed ? "passed" : "FAILED")} in {clock.Elapsed.TotalSeconds:F1} s — " +
                          string.Join("; ", verification.Checks.Select(c => $"{c.Name}: {(c.Passed ? "ok" : "FAILED")}"))).AppendLine();
        report.AppendLine($"Dump layout: {index.Segments.Count} segments (1 pre-data, {index.Segments.Count(s => s.Kind == DumpSegmentKind.TableData)} table-data chunks, 1 sequence data, 1 post-data); {Mb(index.RawLength)} of SQL text → {Mb(index.StoredLength)}.").AppendLine();
        foreach (var name in new[] { target1, target2, target3, ourTarget })
        {
            await DropAsync(name);
        }

        File.Delete(customDump);
        File.Delete(gzipDump);
        File.Delete(ourDump);
    }

    public async Task RunMemoryAsync(int sizeMb, StringBuilder report)
    {
        var database = await EnsureDatabaseAsync(sizeMb);
        var (dbSize, heap, _) = Describe(database);
        var dump = Path.Combine(_work, "big.sql.zst");
        var index = Path.Combine(_work, "big.index.json");
        var customDump = Path.Combine(_work, "big.custom");
        var load = LoadAverage();
        await TimeAsync($"pg_dump -Fc -Z0 -d {database} > /dev/null", Env(database));
        var custom = await TimeAsync($"pg_dump -Fc -d {database} -f {customDump}", Env(database));
        var backup = await ChildAsync("backup", database, dump, index);
        var target = "bench_restore_big";
        await DropAsync(target);
        await CheckpointAsync();
        var restore = await ChildAsync("restore", target, dump, index);
        report.AppendLine($"## Memory at a second size: {sizeMb} MB database `{database}`").AppendLine();
        report.AppendLine($"pg_database_size {Mb(dbSize)}, table data {Mb(heap)}. One run each (after an untimed warm-up read); load average before: {load}.").AppendLine();
        report.AppendLine("| what | wall time | output | peak RSS |").AppendLine("|---|---:|---:|---:|");
        report.AppendLine($"| `pg_dump -Fc` | {Sec(custom)} | {Mb(new FileInfo(customDump).Length)} | — |");
        report.AppendLine($"| ours, backup | {Sec(backup.Seconds)} | {Mb(new FileInfo(dump).Length)} | {Mb(backup.PeakRss)} |");
        report.AppendLine($"| ours, restore | {Sec(restore.Seconds)} | — | {Mb(restore.PeakRss)} |");
        report.AppendLine();
        await DropAsync(target);
        File.Delete(dump);
        File.Delete(customDump);
    }

    private async Task<string> EnsureDatabaseAsync(int sizeMb)
    {
        var name = $"bench_{sizeMb}mb";
        await using var connection = new NpgsqlConnection(_server.ConnectionString());
        await connection.OpenAsync();
        await using (var exists = new NpgsqlCommand("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter { Value = name });
            if (await exists.ExecuteScalarAsync() is string comment && comment == "generated complete")
            {
                Console.WriteLine($"reusing {name}");
                return name;
            }
        }

        await DropAsync(name);
        await Exec(connection, $"CREATE DATABASE {name}");
        // ~1,650 base rows make a MB of table data (measured: 100,000 rows → 62 MB of heap and TOAST).
        var rowsPerMb = 1650;
        var generator = Path.Combine(AppContext.BaseDirectory, "generate.sql");
        Console.WriteLine($"generating {name} ({sizeMb} MB)...");
        var clock = Stopwatch.StartNew();
        var (code, text) = await Shell.RunAsync($"psql -X -q -v ON_ERROR_STOP=1 -v rows={sizeMb * rowsPerMb} -d {name} -f {generator} > /dev/null", Env(name));
        if (code != 0)
        {
            throw new InvalidOperationException("generation failed: " + text);
        }

        await Exec(connection, $"COMMENT ON DATABASE {name} IS 'generated complete'");
        await Exec(connection, "CHECKPOINT");
        Console.WriteLine($"generated in {clock.Elapsed.TotalSeconds:F0} s");
        return name;
    }

    private (long DatabaseSize, long TableData, int Tables) Describe(string database)
    {
        using var connection = new NpgsqlConnection(_server.ConnectionString(database));
        connection.Open();
        using var command = new NpgsqlCommand(
            "SELECT pg_database_size(current_database()), sum(pg_table_size(oid))::bigint, count(*)::int FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
            connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2));
    }

    private async Task<string> CompareAsync(string source, string[] targets)
    {
        var results = new List<string>();
        var (_, reference) = await Shell.RunAsync($"pg_dump --schema-only -d {source} | grep -v -E '^(\\\\restrict|\\\\unrestrict|-- Dumped)'", Env(source));
        var referenceCounts = Counts(source);
        foreach (var target in targets)
        {
            var (_, schema) = await Shell.RunAsync($"pg_dump --schema-only -d {target} | grep -v -E '^(\\\\restrict|\\\\unrestrict|-- Dumped)'", Env(target));
            var counts = Counts(target);
            results.Add($"{target}: schema {(schema == reference ? "identical" : "DIFFERENT")}, rows {(counts == referenceCounts ? "identical" : "DIFFERENT")}");
        }

        return string.Join("; ", results);
    }

    private string Counts(string database)
    {
        using var connection = new NpgsqlConnection(_server.ConnectionString(database));
        connection.Open();
        var text = new StringBuilder();
        foreach (var table in new[] { "users", "jobs", "job_events", "reviews", "attachments" })
        {
            using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
            text.Append(table).Append('=').Append(command.ExecuteScalar()).Append(' ');
        }

        return text.ToString();
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Runs(List<double> values) => string.Join("/", values.Select(x => x.ToString("F2")));

    /// <summary>
    /// Waits until no autovacuum worker runs (the one a restore sets off on its new database would
    /// otherwise run into the next contender's timed run: measured 1.9 s of CPU on pg_restore's database
    /// during ours), then a CHECKPOINT and a sync, so every timed run starts from a quiet server and disk.
    /// </summary>
    private async Task CheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString());
        await connection.OpenAsync();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(5))
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'autovacuum worker'", connection);
            if ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                break;
            }

            await Task.Delay(500);
        }

        await Exec(connection, "CHECKPOINT");
        // And the page cache's dirty pages (the WAL archive's copies, the last run's files) written out, so
        // no run is throttled by the writeback of the one before it.
        await Shell.RunAsync("sync", null);
    }

    private async Task<string> FreshDatabaseAsync(string name)
    {
        await DropAsync(name);
        await using var connection = new NpgsqlConnection(_server.ConnectionString());
        await connection.OpenAsync();
        await Exec(connection, $"CREATE DATABASE {name} TEMPLATE template0");
        return name;
    }

    private async Task DropAsync(string name)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString());
        await connection.OpenAsync();
        await Exec(connection, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static async Task Exec(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private Dictionary<string, string> Env(string database) => new(Endpoint(database).ToolEnvironment());

    public PostgresEndpoint Endpoint(string database) => new()
    {
        Host = _server.Host,
        Port = _server.Port,
        Username = _server.User,
        Password = _server.Password,
        Database = database,
    };

    private async Task<double> TimeAsync(string command, Dictionary<string, string> env)
    {
        Console.WriteLine("running: " + command);
        var clock = Stopwatch.StartNew();
        var (code, text) = await Shell.RunAsync(command, env);
        if (code != 0)
        {
            throw new InvalidOperationException($"{command} failed ({code}): {text}");
        }

        Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F2} s");
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<(double Seconds, long PeakRss)> ChildAsync(string mode, string database, string dump, string index)
    {
        Console.WriteLine($"running: ours, {mode} {database}");
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        // The server comes in PG* variables, as it does for pg_dump and pg_restore: the child must not spend
        // its timed life asking local/servers (two bash runs, ≈ 0.3 s, measured).
        foreach (var (key, value) in Endpoint(database).ToolEnvironment())
        {
            info.Environment[key] = value;
        }

        foreach (var argument in new[] { "--child", mode, database, dump, index, workers.ToString(CultureInfo.InvariantCulture), splitMb.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        // Timed from outside, like the pg_dump/pg_restore commands: process start-up (the .NET runtime) included.
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"child {mode} failed: {text}");
        }

        using var json = JsonDocument.Parse(text.Trim().Split('\n')[^1]);
        var result = (seconds, json.RootElement.GetProperty("peakRssBytes").GetInt64());
        Console.WriteLine($"  {seconds:F2} s (inside the process {json.RootElement.GetProperty("seconds").GetDouble():F2} s), peak RSS {Mb(result.Item2)}");
        return result;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    internal static string Sec(double seconds) => $"{seconds:F2} s";

    internal static string Mb(long bytes) => $"{bytes / 1048576.0:F1} MiB";

    private static string Ratio(double value, double reference) => $"{value / reference:F2}×";
}

/// <summary>One measured run in its own process, so its peak RSS is its own.</summary>
internal static class Child
{
    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: child runs take their server from the benchmark's PG* variables");

    public static async Task<int> RunAsync(string[] args)
    {
        var (mode, database, dump, indexPath, workers) = (args[0], args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture));
        var splitMb = args.Length > 5 && mode != "probe" ? long.Parse(args[5], CultureInfo.InvariantCulture) : 0;
        var endpoint = new PostgresEndpoint
        {
            Host = Required("PGHOST"),
            Port = int.Parse(Required("PGPORT"), CultureInfo.InvariantCulture),
            Username = Required("PGUSER"),
            Password = Required("PGPASSWORD"),
            Database = database,
        };
        var tools = new PostgresTools();
        var logger = Environment.GetEnvironmentVariable("BENCH_LOG") == "1"
            ? new DisasterRecovery.Core.Logging.JsonLogger("bench", Console.Error, TimeProvider.System)
            : null;
        var clock = Stopwatch.StartNew();
        if (mode == "probe")
        {
            // CPU cost of each stage of the data path on one table, for tuning: read, +hash, +compress.
            var stage = args[5];
            await using var session = await CopyOutSession.OpenAsync(endpoint, PostgresDumper.SessionSettings, CancellationToken.None);
            await session.BeginAsync("COPY public.job_events TO STDOUT", CancellationToken.None);
            var buffer = new byte[1 << 18];
            var hasher = new RowHasher();
            using var encoder = new FrameEncoder(1);
            long total = 0;
            int read;
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            while ((read = await session.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                total += read;
                if (stage is "hash" or "all")
                {
                    hasher.Add(buffer.AsSpan(0, read));
                }

                if (stage is "compress" or "all")
                {
                    encoder.Write(buffer.AsSpan(0, read));
                    if (encoder.StoredLength > 8 << 20)
                    {
                        encoder.TakeSegment(out _).Dispose();
                    }
                }
            }

            Console.Error.WriteLine($"{stage}: {total} bytes, cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F2} s, wall {clock.Elapsed.TotalSeconds:F2} s");
        }
        else if (mode == "backup")
        {
            await using var sink = new FileDumpSink(dump);
            var index = await new PostgresDumper(tools, logger).DumpAsync(endpoint, sink, new PostgresDumpOptions { Workers = workers, SplitTableBytes = splitMb > 0 ? splitMb << 20 : null });
            File.WriteAllBytes(indexPath, index.ToJson());
        }
        else
        {
            var index = PostgresDumpIndex.Parse(File.ReadAllBytes(indexPath), indexPath);
            await new PostgresRestorer(tools, logger).RestoreAsync(new FileDumpSource(dump), index, endpoint, new PostgresRestoreOptions { Workers = workers });
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = long.Parse(peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["seconds"] = seconds, ["peakRssBytes"] = kb * 1024 }));
        return 0;
    }
}

/// <summary>Runs a bash command line with extra environment; returns exit code and combined output.</summary>
internal static class Shell
{
    public static async Task<(int Code, string Output)> RunAsync(string command, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-o");
        info.ArgumentList.Add("pipefail");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["PSQLRC"] = "/dev/null";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
