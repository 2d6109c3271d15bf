using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DisasterRecovery.Postgres;
using DisasterRecovery.TestSupport;
using Npgsql;

// Issues 4 and 12's benchmark: on a generated database, side by side in one run,
//   pg_dump -Fc, pg_dump -Fd -j2 (default compression and -Z1), the floor pg_dump -Fc -Z0 > /dev/null, the plan's pg_dump | gzip, and our dump;
//   pg_restore -j2 of -Fc and of -Fd, gunzip | psql, zstd -dc | psql (the manual one-liner) and our restore, then one profiled run of ours and of pg_restore;
// plus our dump's and restore's peak memory (VmHWM of a child process) at a second, larger size.
//
//   dotnet run -c Release --project tests/Benchmarks/PostgresBackup -- --size-mb 600 [--memory-size-mb 1500] [--repeat 3] [--workers 2] [--split-mb N] [--out
// RESULTS.md]
//
// Measured-slower alternatives (MeasuredAlternatives.cs; production never takes them):
//   --split-mb N        our dump copies tables bigger than N MiB as N MiB page ranges;
//   --split-restore     adds a fourth restore to the rotation: ours loading a table that holds more than 1/(2N) of
//                       the data over all N connections (no COPY FREEZE).
// --no-pipelines skips the one-off psql pipelines; --no-profile skips the profiled restores.
//
// Child modes (used by the benchmark itself, one process per measured run):
//   --child backup <database> <dump file> <index file> <workers> <split MiB, 0 = off>
//   --child restore <database> <dump file> <index file> <workers> <1 = split large tables, 0 = off>
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
var splitRestore = arguments.Contains("--split-restore");
var pipelines = !arguments.Contains("--no-pipelines");
var profile = !arguments.Contains("--no-profile");
var output = OptionText(arguments, "--out") ?? Path.Combine(Bench.RepositoryFolder(), "tests", "Benchmarks", "PostgresBackup", "RESULTS.md");
var bench = new Bench(workers, splitMb, splitRestore, pipelines, profile);
var report = new StringBuilder();
report.AppendLine("# PostgreSQL backup benchmark (issues 4 and 12)").AppendLine();
report.AppendLine($"Command: `dotnet run -c Release --project tests/Benchmarks/PostgresBackup -- {string.Join(' ', args)}`  ");
report.AppendLine($"Run at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, " +
    $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB; " +
                  $"PostgreSQL {bench.ServerVersion()} on the same machine (local/servers), {await Bench.ToolVersionAsync("pg_dump")}, zstd CLI " +
                      $"{await Bench.ToolVersionAsync("zstd")}; our dump and restore with {workers} workers, " +
                          $"{(splitMb > 0 ? $"tables over {splitMb} MiB copied as page ranges" : "whole-table COPY (no page ranges)")}.").AppendLine();
report.AppendLine($"Data path: COPY through {CopyOutSession.Implementation}, zstd through {FrameEncoder.Implementation}. " +
                  $"Load average at start: {File.ReadAllText("/proc/loadavg").Trim()} (the benchmark's own runs hold it near 2 on 2 cores; more means " +
                      $"other work shared the machine; every row of a table ran in the same minutes).").AppendLine();
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
internal sealed class Bench(int workers, int splitMb, bool splitRestore, bool pipelines, bool profile)
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
        report.AppendLine($"pg_database_size {Mb(dbSize)}, table data on disk {Mb(heap)} in {tables} tables (users, jobs, job_events, reviews, " +
            $"attachments; jsonb, numeric, text[], bytea, enum, timestamptz; 5 secondary indexes, 5 foreign keys).").AppendLine();

        var customDump = Path.Combine(_work, "dump.custom");
        var directoryDump = Path.Combine(_work, "dump.dir");
        var directoryZ1Dump = Path.Combine(_work, "dump.dir.z1");
        var gzipDump = Path.Combine(_work, "dump.sql.gz");
        var ourDump = Path.Combine(_work, "dump.sql.zst");
        var ourIndex = Path.Combine(_work, "dump.index.json");
        var env = Env(database);

        var rows = new List<string[]>();
        // The machine is shared: the backups that the targets compare run interleaved, `repeat` times, in a
        // rotating order (none always runs first or right after another), after one untimed warm-up read of
        // the whole database so every run finds the same warm cache. The MEDIAN of each is shown, every run
        // is listed, and so is the load average before each round. pg_dump -Fd refuses an existing folder:
        // each run removes the last one first, outside the timed command.
        await CheckpointAsync();
        await TimeAsync($"pg_dump -Fc -Z0 -d {database} > /dev/null", env);
        var floors = new List<double>();
        var customs = new List<double>();
        var directories = new List<double>();
        var directoriesZ1 = new List<double>();
        var oursRuns = new List<ChildRun>();
        var loads = new List<string>();
        for (var run = 0; run < repeat; run++)
        {
            loads.Add(LoadAverage());
            var steps = new List<Func<Task>>
            {
                async () => floors.Add(await TimeAsync($"pg_dump -Fc -Z0 -d {database} > /dev/null", env)),
                async () => customs.Add(await TimeAsync($"pg_dump -Fc -d {database} -f {customDump}", env)),
                async () =>
                {
                    DeleteFolder(directoryDump);
                    directories.Add(await TimeAsync($"pg_dump -Fd -j{workers} -d {database} -f {directoryDump}", env));
                },
                async () =>
                {
                    DeleteFolder(directoryZ1Dump);
                    directoriesZ1.Add(await TimeAsync($"pg_dump -Fd -j{workers} -Z1 -d {database} -f {directoryZ1Dump}", env));
                },
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
        var directory = Median(directories);
        var directoryZ1 = Median(directoriesZ1);
        var ours = new ChildRun(Median([.. oursRuns.Select(r => r.Seconds)]), oursRuns.Max(r => r.PeakRss), 0, string.Empty);
        report.AppendLine($"Backups ran {repeat}× interleaved (order rotated each round, after an untimed warm-up read); **medians** shown " +
                          $"(all runs: floor {Runs(floors)}, -Fc {Runs(customs)}, -Fd -j{workers} {Runs(directories)}, -Fd -j{workers} -Z1 " +
                              $"{Runs(directoriesZ1)}, " +
                          $"ours {Runs([.. oursRuns.Select(r => r.Seconds)])}). " +
                          $"Every time is the wall time of the whole process as started by this benchmark (ours includes .NET start-up). " +
                          $"Load average before each round: {string.Join(" | ", loads)}. Peak RSS is the highest of our runs.").AppendLine();
        rows.Add(["`pg_dump -Fc -Z0 > /dev/null` (floor)", Sec(floor), "—", "—", Ratio(floor, directory)]);
        rows.Add(["`pg_dump -Fc`", Sec(custom), Mb(new FileInfo(customDump).Length), "—", Ratio(custom, directory)]);
        rows.Add([$"`pg_dump -Fd -j{workers}`", Sec(directory), Mb(FolderSize(directoryDump)), "—", "1.00×"]);
        rows.Add([$"`pg_dump -Fd -j{workers} -Z1`", Sec(directoryZ1), Mb(FolderSize(directoryZ1Dump)), "—", Ratio(directoryZ1, directory)]);
        rows.Add(["`pg_dump \\| gzip` (plan §1.1, 1 run)", Sec(gzip), Mb(new FileInfo(gzipDump).Length), "—", Ratio(gzip, directory)]);
        rows.Add([$"**ours** (`PostgresDumper`, {workers} workers, zstd 1)", Sec(ours.Seconds), Mb(new FileInfo(ourDump).Length), Mb(ours.PeakRss),
            Ratio(ours.Seconds, directory)]);
        report.AppendLine("### Backup").AppendLine();
        report.AppendLine($"| what | wall time | output | peak RSS | time vs pg_dump -Fd -j{workers} |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            report.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        report.AppendLine();
        report.AppendLine($"Ours vs targets: {ours.Seconds / directory:F2}× pg_dump -Fd -j{workers} (target ≤ 0.5×), " +
                          $"{ours.Seconds / floor:F2}× the floor (target ≤ 1.1×), " +
                          $"{ours.Seconds / custom:F2}× pg_dump -Fc; output {(double)new FileInfo(ourDump).Length / FolderSize(directoryDump):F3}× " +
                              $"pg_dump -Fd's, " +
                          $"{(double)new FileInfo(ourDump).Length / new FileInfo(customDump).Length:F3}× pg_dump -Fc's.").AppendLine();

        var restoreRows = new List<string[]>();
        var pgRestores = new List<double>();
        var pgRestoresDirectory = new List<double>();
        var ourRestores = new List<ChildRun>();
        var splitRestores = new List<ChildRun>();
        var restoreLoads = new List<string>();
        var target1 = "bench_restore_pgr";
        var targetDirectory = "bench_restore_pgr_fd";
        var ourTarget = "bench_restore_ours";
        // Every restore starts from nothing: our restorer creates its database, so the baselines' times
        // include `createdb` too; each timed restore starts, untimed, once autovacuum from the run before has
        // finished and after a CHECKPOINT and a sync, so none pays for the one before it; the order rotates.
        for (var run = 0; run < repeat; run++)
        {
            restoreLoads.Add(LoadAverage());
            var steps = new List<Func<Task>>
            {
                async () =>
                {
                    await DropAsync(target1);
                    await CheckpointAsync();
                    pgRestores.Add(await TimeAsync($"createdb -T template0 {target1} && pg_restore -j{workers} -d {target1} {customDump}", env));
                },
                async () =>
                {
                    await DropAsync(targetDirectory);
                    await CheckpointAsync();
                    pgRestoresDirectory.Add(await TimeAsync($"createdb -T template0 {targetDirectory} && pg_restore -j{workers} -d {targetDirectory} " +
                        $"{directoryDump}", env));
                },
                async () =>
                {
                    await DropAsync(ourTarget);
                    await CheckpointAsync();
                    ourRestores.Add(await ChildAsync("restore", ourTarget, ourDump, ourIndex));
                },
            };
            if (splitRestore)
            {
                steps.Add(async () =>
                {
                    await DropAsync(ourTarget);
                    await CheckpointAsync();
                    splitRestores.Add(await ChildAsync("restore", ourTarget, ourDump, ourIndex, split: true));
                });
            }

            for (var step = 0; step < steps.Count; step++)
            {
                await steps[(step + run) % steps.Count]();
            }
        }

        var pgRestore = Median(pgRestores);
        var pgRestoreDirectory = Median(pgRestoresDirectory);
        var fastest = Math.Min(pgRestore, pgRestoreDirectory);
        var ourRestore = new ChildRun(Median([.. ourRestores.Select(r => r.Seconds)]), ourRestores.Max(r => r.PeakRss), 0, string.Empty);
        var target2 = "bench_restore_gz";
        var target3 = "bench_restore_zst";
        double? gunzip = null, oneLiner = null;
        if (pipelines)
        {
            await DropAsync(target2);
            await CheckpointAsync();
            gunzip = await TimeAsync($"createdb -T template0 {target2} && gunzip -c {gzipDump} | psql -X -q -v ON_ERROR_STOP=1 -d {target2} > /dev/null", env);
            await DropAsync(target3);
            await CheckpointAsync();
            oneLiner = await TimeAsync($"createdb -T template0 {target3} && zstd -dc {ourDump} | psql -X -q -v ON_ERROR_STOP=1 -d {target3} > /dev/null", env);
        }

        restoreRows.Add([$"`pg_restore -j{workers}` of `pg_dump -Fc`", Sec(pgRestore), "—", Ratio(pgRestore, fastest)]);
        restoreRows.Add([$"`pg_restore -j{workers}` of `pg_dump -Fd -j{workers}`", Sec(pgRestoreDirectory), "—", Ratio(pgRestoreDirectory, fastest)]);
        if (gunzip is { } g && oneLiner is { } z)
        {
            restoreRows.Add(["`gunzip -c \\| psql` of `pg_dump \\| gzip` (1 run)", Sec(g), "—", Ratio(g, fastest)]);
            restoreRows.Add(["`zstd -dc dump.sql.zst \\| psql` (our dump, the manual one-liner, 1 run)", Sec(z), "—", Ratio(z, fastest)]);
        }

        restoreRows.Add([$"**ours** (`PostgresRestorer`, {workers} workers)", Sec(ourRestore.Seconds), Mb(ourRestore.PeakRss),
            Ratio(ourRestore.Seconds, fastest)]);
        if (splitRestores.Count > 0)
        {
            var split = Median([.. splitRestores.Select(r => r.Seconds)]);
            restoreRows.Add([$"ours, biggest table over all {workers} connections without FREEZE (measured alternative; runs " +
                             $"{Runs([.. splitRestores.Select(r => r.Seconds)])})", Sec(split), Mb(splitRestores.Max(r => r.PeakRss)), Ratio(split, fastest)]);
        }
        report.AppendLine("### Restore").AppendLine();
        var oursByRound = string.Join(", ", ourRestores.Select((r, i) => $"{r.Seconds / Math.Min(pgRestores[i], pgRestoresDirectory[i]):F2}"));
        report.AppendLine($"The three restores ran {repeat}× interleaved (order rotated, each after autovacuum from the run before had finished, a " +
            $"CHECKPOINT " +
                          $"and a sync, each including the creation of its database); **medians** shown (all runs: pg_restore -Fc {Runs(pgRestores)}, " +
                          $"pg_restore -Fd {Runs(pgRestoresDirectory)}, ours {Runs([.. ourRestores.Select(r => r.Seconds)])}; ours against the faster " +
                          $"pg_restore of the same round: {oursByRound}). Load average before each round: {string.Join(" | ", restoreLoads)}.").AppendLine();
        report.AppendLine("| what | wall time | peak RSS | time vs the faster pg_restore |").AppendLine("|---|---:|---:|---:|");
        foreach (var row in restoreRows)
        {
            report.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        report.AppendLine();
        report.AppendLine($"Ours vs target: {ourRestore.Seconds / fastest:F2}× the faster of pg_restore -j{workers} from -Fc or -Fd (target ≤ 0.8×); " +
                          $"peak RSS {Mb(ourRestore.PeakRss)} (target < 256 MB).").AppendLine();
        var same = await CompareAsync(database, pipelines ? [target1, targetDirectory, target3, ourTarget] : [target1, targetDirectory, ourTarget]);
        report.AppendLine($"Restored databases compared with the source (`pg_dump --schema-only` identical; per-table row counts identical): " +
            $"{same}").AppendLine();

        if (profile)
        {
            await ProfileRestoresAsync(directoryDump, ourDump, ourIndex, report);
        }

        var index = PostgresDumpIndex.Parse(File.ReadAllBytes(ourIndex), ourIndex);
        var verifier = new PostgresVerifier(new PostgresTools());
        var clock = Stopwatch.StartNew();
        var verification = await verifier.VerifyAsync(new FileDumpSource(ourDump), index, Endpoint("postgres"),
            new PostgresVerifyOptions { Workers = workers });
        report.AppendLine($"Verification (restore into a scratch database, row counts + content hashes of {index.Tables.Count} tables, integrity SQL): " +
                          $"{(verification.Passed ? "passed" : "FAILED")} in {clock.Elapsed.TotalSeconds:F1} s — " +
                          string.Join("; ", verification.Checks.Select(c => $"{c.Name}: {(c.Passed ? "ok" : "FAILED")}"))).AppendLine();
        report.AppendLine($"Dump layout: {index.Segments.Count} segments (1 pre-data, {index.Segments.Count(s => s.Kind == DumpSegmentKind.TableData)} " +
            $"table-data chunks, 1 sequence data, 1 post-data); {Mb(index.RawLength)} of SQL text → {Mb(index.StoredLength)}.").AppendLine();
        foreach (var name in new[] { target1, targetDirectory, target2, target3, ourTarget })
        {
            await DropAsync(name);
        }

        DeleteFolder(directoryDump);
        DeleteFolder(directoryZ1Dump);
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
        report.AppendLine($"pg_database_size {Mb(dbSize)}, table data {Mb(heap)}. One run each (after an untimed warm-up read); load average before: " +
            $"{load}.").AppendLine();
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
            "SELECT pg_database_size(current_database()), sum(pg_table_size(oid))::bigint, count(*)::int FROM pg_class WHERE relkind = 'r' AND " +
                "relnamespace = 'public'::regnamespace",
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
            results.Add($"{target}: schema {(schema == reference ? "identical" : "DIFFERENT")}, rows " +
                $"{(counts == referenceCounts ? "identical" : "DIFFERENT")}");
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

    /// <summary>
    /// Where a restore's time goes, measured, not guessed: one more run of ours with its job log (every
    /// COPY, index build and foreign-key check, with start and end inside the process) and one
    /// `pg_restore -j -v` of the directory dump with each log line timed as it arrives; for both, the
    /// client's CPU and the server's (all PostgreSQL processes, from /proc) during the run.
    /// </summary>
    private async Task ProfileRestoresAsync(string directoryDump, string ourDump, string ourIndex, StringBuilder report)
    {
        var postmaster = await PostmasterPidAsync();
        var target = "bench_restore_profile";
        static string Kind(string what) =>
            what.StartsWith("FK CONSTRAINT", StringComparison.Ordinal) ? "foreign-key checks"
            : what.StartsWith("INDEX", StringComparison.Ordinal) || what.StartsWith("CONSTRAINT", StringComparison.Ordinal) ? "index builds"
            : what.StartsWith("SEQUENCE", StringComparison.Ordinal) ? "sequences"
            : "COPY (table data)";

        await DropAsync(target);
        await CheckpointAsync();
        var load = LoadAverage();
        var serverBefore = ProcessCpu.OfServer(postmaster);
        var ours = await ChildAsync("restore", target, ourDump, ourIndex, log: true);
        var oursServer = ProcessCpu.OfServer(postmaster) - serverBefore;
        var ourSteps = RestoreProfile.FromOurLog(ours.Log, out var phases);

        await DropAsync(target);
        await CheckpointAsync();
        await using (var connection = new NpgsqlConnection(_server.ConnectionString()))
        {
            await connection.OpenAsync();
            await Exec(connection, $"CREATE DATABASE {target} TEMPLATE template0");
        }

        serverBefore = ProcessCpu.OfServer(postmaster);
        var clientBefore = ProcessCpu.OfSelfAndChildren();
        var (pgSeconds, lines) = await RestoreProfile.RunPgRestoreAsync(["-v", $"-j{workers}", "-d", target, directoryDump], Env(target));
        var pgClient = ProcessCpu.OfSelfAndChildren() - clientBefore;
        var pgServer = ProcessCpu.OfServer(postmaster) - serverBefore;
        var pgSteps = RestoreProfile.FromPgRestore(lines);
        await DropAsync(target);

        report.AppendLine("### Where the restore's time goes (one profiled run of each, after the timed rounds)").AppendLine();
        report.AppendLine($"Load average before: {load}. Ours: {ours.Seconds:F2} s wall ({phases}; the rest is .NET start-up, createdb, the rename), " +
                          $"client CPU {ours.CpuSeconds:F2} s (ours + psql), server CPU {oursServer:F2} s. `pg_restore -j{workers} -v` of the -Fd dump " +
                          $"(database created beforehand, untimed): {pgSeconds:F2} s wall, client CPU {pgClient:F2} s, server CPU {pgServer:F2} " +
                              $"s.").AppendLine();
        report.AppendLine($"Summed over connections, ours: {RestoreProfile.Totals(ourSteps, Kind)}; pg_restore: {RestoreProfile.Totals(pgSteps, Kind)}. " +
                          "Times are from the start of the data phase (ours) or of pg_restore (its pre-data runs first, serially).").AppendLine();
        RestoreProfile.Write(report, "ours", ourSteps);
        RestoreProfile.Write(report, "pg_restore", pgSteps);
    }

    private async Task<int> PostmasterPidAsync()
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        var stat = File.ReadAllText($"/proc/{backend}/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static long FolderSize(string path) => new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

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
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'autovacuum worker'",
                connection);
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

    private async Task<ChildRun> ChildAsync(string mode, string database, string dump, string index, bool log = false, bool split = false)
    {
        Console.WriteLine($"running: ours, {mode} {database}");
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = log, UseShellExecute = false };
        // The server comes in PG* variables, as it does for pg_dump and pg_restore: the child must not spend
        // its timed life asking local/servers (two bash runs, ≈ 0.3 s, measured).
        foreach (var (key, value) in Endpoint(database).ToolEnvironment())
        {
            info.Environment[key] = value;
        }

        if (log)
        {
            info.Environment["BENCH_LOG"] = "1";
        }

        var splitArgument = mode == "restore" ? (split ? 1 : 0) : splitMb;
        foreach (var argument in new[] { "--child", mode, database, dump, index, workers.ToString(CultureInfo.InvariantCulture),
            splitArgument.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        // Timed from outside, like the pg_dump/pg_restore commands: process start-up (the .NET runtime) included.
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var errors = log ? process.StandardError.ReadToEndAsync() : Task.FromResult(string.Empty);
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"child {mode} failed: {text}");
        }

        using var json = JsonDocument.Parse(text.Trim().Split('\n')[^1]);
        var result = new ChildRun(seconds, json.RootElement.GetProperty("peakRssBytes").GetInt64(), json.RootElement.GetProperty("cpuSeconds").GetDouble(),
            await errors);
        Console.WriteLine($"  {seconds:F2} s (inside the process {json.RootElement.GetProperty("seconds").GetDouble():F2} s), peak RSS {Mb(result.PeakRss)}");
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

/// <summary>A child run: wall time from outside, peak RSS, CPU (its own and its reaped children's, e.g. psql), and its log when asked for.</summary>
internal sealed record ChildRun(double Seconds, long PeakRss, double CpuSeconds, string Log);

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

            Console.Error.WriteLine($"{stage}: {total} bytes, cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F2} s, wall " +
                $"{clock.Elapsed.TotalSeconds:F2} s");
        }
        else if (mode == "backup")
        {
            await using var sink = new FileDumpSink(dump);
            var options = new PostgresDumpOptions { Workers = workers, SplitTable = splitMb > 0 ? MeasuredAlternatives.PageRanges(splitMb << 20) : null };
            var index = await new PostgresDumper(tools, logger).DumpAsync(endpoint, sink, options);
            File.WriteAllBytes(indexPath, index.ToJson());
        }
        else
        {
            var index = PostgresDumpIndex.Parse(File.ReadAllBytes(indexPath), indexPath);
            var options = new PostgresRestoreOptions { Workers = workers, SplitTable = splitMb > 0 ? MeasuredAlternatives.SplitLargeTables(workers) : null };
            await new PostgresRestorer(tools, logger).RestoreAsync(new FileDumpSource(dump), index, endpoint, options);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var peak = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = long.Parse(peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["seconds"] = seconds, ["peakRssBytes"] = kb * 1024, ["cpuSeconds"] = ProcessCpu.OfSelfAndChildren(),
        }));
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
