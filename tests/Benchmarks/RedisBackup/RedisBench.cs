using System.Diagnostics;
using System.Globalization;
using System.Text;
using DisasterRecovery.TestSupport;

namespace DisasterRecovery.Benchmarks.RedisBackup;

/// <summary>
/// The side-by-side run at one dataset size: a primary filled with <see cref="MixedDataset"/>, then each pair of
/// contenders interleaved <c>repeat</c> times (the order alternating each round, so neither always runs first), medians
/// reported with every run. Our runs are child processes (<see cref="Child"/>); the catalog is a LocalS3 server in this
/// process with an Object Lock bucket, as production's.
/// </summary>
internal sealed class RedisBench(string work, LocalS3Host s3, string bucket, int repeat, bool live)
{
    private static readonly Dictionary<string, string> CliAuth = new() { ["REDISCLI_AUTH"] = BenchRedisServer.Password };

    /// <summary>Runs everything at <paramref name="sizeBytes"/> of used memory and appends a section to <paramref name="report"/>.</summary>
    public async Task<SizeResult> RunAsync(long sizeBytes, StringBuilder report)
    {
        var folder = Path.Combine(work, $"size-{sizeBytes >> 20}");
        Directory.CreateDirectory(folder);
        using var primary = BenchRedisServer.Start(Path.Combine(folder, "primary"));
        var dataset = await FillAsync(primary, sizeBytes);
        report.AppendLine($"## {Report.Size(sizeBytes)} dataset").AppendLine();
        report.AppendLine($"Generated with pipelined commands (`redis-cli --pipe`, untimed) in {Report.Sec(dataset.Seconds)}: used_memory " +
                          $"{Report.Mb(dataset.UsedMemory)}, {dataset.Keys:N0} keys ({dataset.Keyspace}).").AppendLine();

        var backup = await BackupsAsync(primary, folder, report);
        var newServer = await NewServersAsync(folder, backup.BackupId, dataset, report);
        var liveRestore = live ? await LiveRestoresAsync(folder, backup.BackupId, dataset, report) : null;
        return new SizeResult(sizeBytes, dataset, backup, newServer, liveRestore);
    }

    private async Task<Dataset> FillAsync(BenchRedisServer primary, long sizeBytes)
    {
        var clock = Stopwatch.StartNew();
        var generator = new MixedDataset(seed: 13);
        const long chunk = 20_000;
        using var client = primary.Connect();
        for (long first = 0; client.InfoNumber("memory", "used_memory") < sizeBytes; first += chunk)
        {
            var (code, output) = await PipeAsync(primary.Port, stream => generator.Write(new RespWriter(stream), first, chunk));
            if (code != 0 || !output.Contains("errors: 0,", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("redis-cli --pipe failed while generating: " + output);
            }
        }

        return new Dataset(client.InfoNumber("memory", "used_memory"), client.KeyCount(), string.Join("; ", client.Keyspace()), clock.Elapsed.TotalSeconds);
    }

    private async Task<BackupResult> BackupsAsync(BenchRedisServer primary, string folder, StringBuilder report)
    {
        var cliFile = Path.Combine(folder, "redis-cli.rdb.zst");
        var cliCommand = $"redis-cli -p {primary.Port} --no-auth-warning --rdb - 2>/dev/null | zstd -1 -q > {cliFile}";
        var port = primary.Port.ToString(CultureInfo.InvariantCulture);
        // One untimed transfer first, so the first timed one does not pay for a cold start (page cache, the fork's pages).
        await Processes.TimeAsync($"redis-cli -p {primary.Port} --no-auth-warning --rdb - > /dev/null 2>&1", CliAuth);
        var ours = new List<ChildRun>();
        var s3Cpu = new List<double>();
        var floors = new List<ChildRun>();
        var level1 = new List<ChildRun>();
        var cli = new List<double>();
        var idleLatency = new List<double>();
        var oursLatency = new List<double>();
        var cliLatency = new List<double>();
        var loads = new List<string>();
        for (var round = 0; round < repeat; round++)
        {
            loads.Add(Processes.LoadAverage());
            using (var idle = LatencyRun.Start(primary.Port))
            {
                await Task.Delay(TimeSpan.FromSeconds(3));
                idleLatency.AddRange(await idle.StopAsync());
            }

            var steps = new List<Func<Task>>
            {
                async () =>
                {
                    using var sampler = LatencyRun.Start(primary.Port);
                    await Task.Delay(200);
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    ours.Add(await Processes.ChildAsync("backup", port, s3.Endpoint, bucket));
                    s3Cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
                    oursLatency.AddRange(await sampler.StopAsync());
                },
                async () => floors.Add(await Processes.ChildAsync("transfer", port)),
                async () => level1.Add(await Processes.ChildAsync("backup", port, s3.Endpoint, bucket, "1")),
                async () =>
                {
                    using var sampler = LatencyRun.Start(primary.Port);
                    await Task.Delay(200);
                    cli.Add(await Processes.TimeAsync(cliCommand, CliAuth));
                    cliLatency.AddRange(await sampler.StopAsync());
                },
            };
            for (var step = 0; step < steps.Count; step++)
            {
                await steps[(step + round) % steps.Count]();
            }
        }

        var last = ours[^1].Result;
        var result = new BackupResult(
            last.GetProperty("backupId").GetString()!,
            Report.Median([.. ours.Select(r => r.Seconds)]),
            Report.Median(cli),
            last.GetProperty("storedBytes").GetInt64(),
            last.GetProperty("allObjectsStoredBytes").GetInt64(),
            new FileInfo(cliFile).Length,
            last.GetProperty("rdbBytes").GetInt64(),
            ours.Max(r => r.PeakRss),
            Report.Percentile(oursLatency, 0.99),
            Report.Percentile(cliLatency, 0.99),
            Report.Percentile(idleLatency, 0.99));
        report.AppendLine("### Backup").AppendLine();
        report.AppendLine($"{repeat} interleaved rounds (order alternating), medians; all runs: ours {Report.Runs(ours.Select(r => r.Seconds))}, redis-cli " +
                          $"{Report.Runs(cli)}. Load average before each round: {string.Join(" | ", loads)}. Latency: PING round trips from a " +
                          "separate process, one in flight, 1 ms apart (LatencySampler.cs), during each run; 'idle' is 3 s with no backup " +
                          $"before each round ({idleLatency.Count} samples idle, {oursLatency.Count} during ours, {cliLatency.Count} during redis-cli).")
            .AppendLine();
        report.AppendLine("| what | wall time | stored | peak RSS | primary's PING p99 | p50 | max |").AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        report.AppendLine("| `redis-cli --rdb - \\| zstd -1 > file` (`-` is stdout; `/dev/stdout` makes redis-cli exit 1 on its fsync) | " +
                          $"{Report.Sec(result.CliSeconds)} | {Report.Mb(result.CliStoredBytes)} | — | " +
                          $"{Report.Ms(result.CliP99)} | {Report.Ms(Report.Percentile(cliLatency, 0.5))} | {Report.Ms(cliLatency.Max())} |");
        report.AppendLine($"| **ours** (`RedisCatalogBackup` into the LocalS3 catalog: zstd, SHA-256, RDB parsed and CRC-64 checked) | " +
                          $"{Report.Sec(result.OursSeconds)} | {Report.Mb(result.OursStoredBytes)} (all objects {Report.Mb(result.OursAllStoredBytes)}) | " +
                          $"{Report.Mb(result.OursPeakRss)} | {Report.Ms(result.OursP99)} | {Report.Ms(Report.Percentile(oursLatency, 0.5))} | " +
                          $"{Report.Ms(oursLatency.Max())} |");
        report.AppendLine($"| no backup running (idle) | | | | {Report.Ms(result.IdleP99)} | {Report.Ms(Report.Percentile(idleLatency, 0.5))} | " +
                          $"{Report.Ms(idleLatency.Max())} |");
        report.AppendLine($"| ours, the transfer alone (the same replication client reading the RDB to nothing: our floor) | " +
                          $"{Report.Sec(Report.Median([.. floors.Select(r => r.Seconds)]))} | | {Report.Mb(floors.Max(r => r.PeakRss))} | | | |");
        report.AppendLine($"| ours at zstd level 1 (a measured alternative: production uses the catalog's default, level 3) | " +
                          $"{Report.Sec(Report.Median([.. level1.Select(r => r.Seconds)]))} | " +
                          $"{Report.Mb(level1[^1].Result.GetProperty("storedBytes").GetInt64())} | " +
                          $"{Report.Mb(level1.Max(r => r.PeakRss))} | | | |").AppendLine();
        var cliRdb = cliFile[..^".zst".Length];
        await Processes.TimeAsync($"zstd -d -q -f {cliFile} -o {cliRdb}");
        // redis-cli writes a diskless transfer's 40-byte end mark too and then truncates it away, which it cannot do to a
        // pipe ("ftruncate failed"): its file ends with the mark. Cut it off here for the parse.
        var cliTail = new FileInfo(cliRdb).Length - ours[^1].Result.GetProperty("rdbBytes").GetInt64();
        if (cliTail == 40)
        {
            await using var truncate = new FileStream(cliRdb, FileMode.Open, FileAccess.Write);
            truncate.SetLength(truncate.Length - cliTail);
        }

        var inspect = await Processes.ChildAsync("inspect", cliRdb);
        File.Delete(cliRdb);
        report.AppendLine("Where our backup's time goes: the child's CPU (user + system) median " +
                          $"{Report.Sec(Report.Median([.. ours.Select(r => r.CpuSeconds)]))} " +
                          $"(runs {Report.Runs(ours.Select(r => r.CpuSeconds))}), the LocalS3 server's (this process) {Report.Runs(s3Cpu)}; the " +
                          $"floor's CPU {Report.Runs(floors.Select(r => r.CpuSeconds))}; the RDB parse alone (RdbFileInspector over the file, " +
                          $"its own process) {Report.Sec(inspect.Seconds)} wall, {Report.Sec(inspect.CpuSeconds)} CPU; level 1's CPU " +
                          $"{Report.Runs(level1.Select(r => r.CpuSeconds))}. .NET start-up is in every figure of ours.").AppendLine();
        report.AppendLine($"redis-cli's decompressed file was {cliTail} bytes longer than the RDB ours fetched (40: the diskless transfer's end " +
                          "mark, which redis-cli cannot truncate from a pipe).").AppendLine();
        report.AppendLine($"RDB {Report.Mb(result.RdbBytes)}. Ours vs targets: wall time {Report.Ratio(result.OursSeconds, result.CliSeconds)} redis-cli's " +
                          $"(target ≤ 1.2×), stored {Report.Ratio(result.OursStoredBytes, result.CliStoredBytes)} (target ≤ 1×), PING p99 " +
                          $"{Report.Ratio(result.OursP99, result.CliP99)} (target: no worse, ≤ 1×), peak RSS {Report.Mb(result.OursPeakRss)} " +
                          "(target < 256 MiB).").AppendLine();
        return result;
    }

    private async Task<NewServerResult> NewServersAsync(string folder, string backupId, Dataset dataset, StringBuilder report)
    {
        var servers = Path.Combine(folder, "servers");
        var baselineRdb = Path.Combine(folder, "baseline", "dump.rdb");
        var oursRdb = Path.Combine(folder, "ours", "dump.rdb");
        var pipe = Path.Combine(folder, "pipe", "dump.rdb");
        foreach (var file in new[] { baselineRdb, oursRdb, pipe })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        }

        // The baseline's file: the same backup's RDB, staged once, untimed.
        await Processes.ChildAsync("stage", s3.Endpoint, bucket, backupId, baselineRdb);
        var baseline = new List<double>();
        var ours = new List<ChildRun>();
        var oursSeconds = new List<double>();
        var streamed = new List<double>();
        var loads = new List<string>();
        for (var round = 0; round < repeat; round++)
        {
            loads.Add(Processes.LoadAverage());
            var steps = new List<Func<Task>>
            {
                () =>
                {
                    baseline.Add(TimeServerStart(servers, baselineRdb, dataset, Stopwatch.StartNew()));
                    return Task.CompletedTask;
                },
                async () =>
                {
                    File.Delete(oursRdb);
                    var clock = Stopwatch.StartNew();
                    ours.Add(await Processes.ChildAsync("stage", s3.Endpoint, bucket, backupId, oursRdb));
                    oursSeconds.Add(TimeServerStart(servers, oursRdb, dataset, clock));
                },
                async () =>
                {
                    File.Delete(pipe);
                    await Processes.TimeAsync($"mkfifo {pipe}");
                    var clock = Stopwatch.StartNew();
                    var server = Task.Run(() => TimeServerStart(servers, pipe, dataset, clock));
                    ours.Add(await Processes.ChildAsync("stage", s3.Endpoint, bucket, backupId, pipe));
                    streamed.Add(await server);
                    File.Delete(pipe);
                },
            };
            for (var step = 0; step < steps.Count; step++)
            {
                await steps[(step + round) % steps.Count]();
            }
        }

        var result = new NewServerResult(Report.Median(baseline), Report.Median(oursSeconds), Report.Median(streamed), ours.Max(r => r.PeakRss));
        var stagingCpu = Report.Runs(ours.Select(r => r.CpuSeconds));
        report.AppendLine("### Restore into a new server").AppendLine();
        report.AppendLine($"{repeat} rounds (order rotating), medians; all runs: redis-server {Report.Runs(baseline)}, ours {Report.Runs(oursSeconds)}, " +
                          $"ours streamed {Report.Runs(streamed)}. Load average before each round: {string.Join(" | ", loads)}. Each time runs from " +
                          "the start until the new server answers PING with PONG (not -LOADING); every new server's key count was checked " +
                          "against the primary's.").AppendLine();
        report.AppendLine("| what | wall time | our peak RSS | vs redis-server on the file |").AppendLine("|---|---:|---:|---:|");
        report.AppendLine($"| `redis-server` starting on the RDB file | {Report.Sec(result.BaselineSeconds)} | — | 1.00× |");
        report.AppendLine($"| **ours**: the catalog's RDB staged to a file (decompressed, SHA-256 checked), then `redis-server` on it | " +
                          $"{Report.Sec(result.OursSeconds)} | {Report.Mb(result.OursPeakRss)} | {Report.Ratio(result.OursSeconds, result.BaselineSeconds)} |");
        report.AppendLine($"| ours streamed: the same RDB written into a named pipe `redis-server` loads from, as it arrives | " +
                          $"{Report.Sec(result.StreamedSeconds)} | | {Report.Ratio(result.StreamedSeconds, result.BaselineSeconds)} |").AppendLine();
        report.AppendLine($"Our staging child's CPU (user + system) in each run, both kinds: {stagingCpu} s.").AppendLine();
        return result;
    }

    private async Task<LiveRestoreResult> LiveRestoresAsync(string folder, string backupId, Dataset dataset, StringBuilder report)
    {
        var servers = Path.Combine(folder, "servers");
        var rdb = Path.Combine(folder, "baseline", "dump.rdb");
        var resp = Path.Combine(folder, "restore.resp");
        var keys = await RestoreCommandFile.WriteAsync(rdb, resp);
        var cli = new List<double>();
        var fromCatalog = new List<ChildRun>();
        var fromFile = new List<ChildRun>();
        var loads = new List<string>();
        for (var round = 0; round < repeat; round++)
        {
            loads.Add(Processes.LoadAverage());
            var steps = new List<Func<Task>>
            {
                async () =>
                {
                    using var target = BenchRedisServer.Start(servers);
                    var command = $"redis-cli -p {target.Port} --no-auth-warning --pipe < {resp}";
                    Console.WriteLine("running: " + command);
                    var clock = Stopwatch.StartNew();
                    var (code, output) = await Processes.ShellAsync(command, CliAuth);
                    var seconds = clock.Elapsed.TotalSeconds;
                    if (code != 0 || !output.Contains("errors: 0,", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException("redis-cli --pipe of the RESTORE commands failed: " + output);
                    }

                    Console.WriteLine($"  {seconds:F2} s");
                    CheckKeys(target, dataset, "redis-cli --pipe's target");
                    cli.Add(seconds);
                },
                async () =>
                {
                    using var target = BenchRedisServer.Start(servers);
                    fromCatalog.Add(await Processes.ChildAsync("live", target.Port.ToString(CultureInfo.InvariantCulture), s3.Endpoint, bucket, backupId));
                    CheckKeys(target, dataset, "our live restore's target");
                },
                async () =>
                {
                    using var target = BenchRedisServer.Start(servers);
                    fromFile.Add(await Processes.ChildAsync("live-file", target.Port.ToString(CultureInfo.InvariantCulture), rdb));
                    CheckKeys(target, dataset, "our live restore's target");
                },
            };
            for (var step = 0; step < steps.Count; step++)
            {
                await steps[(step + round) % steps.Count]();
            }
        }

        File.Delete(resp);
        var result = new LiveRestoreResult(keys, Report.Median(cli), Report.Median([.. fromCatalog.Select(r => r.Seconds)]),
            Report.Median([.. fromFile.Select(r => r.Seconds)]), Math.Max(fromCatalog.Max(r => r.PeakRss), fromFile.Max(r => r.PeakRss)));
        report.AppendLine("### Restore into a live server").AppendLine();
        report.AppendLine($"{repeat} rounds (order rotating), medians, each into a new empty server (started untimed); all runs: redis-cli " +
                          $"{Report.Runs(cli)}, ours from the catalog {Report.Runs(fromCatalog.Select(r => r.Seconds))}, ours from the file " +
                          $"{Report.Runs(fromFile.Select(r => r.Seconds))}. Load average before each round: {string.Join(" | ", loads)}. " +
                          $"{keys:N0} keys; every target's key count was checked against the primary's. redis-cli's input is a RESP file of " +
                          "`RESTORE key ttl payload ABSTTL REPLACE` (+ IDLETIME/FREQ, SELECT) written from the same RDB by our reader, untimed " +
                          "(RestoreCommandFile.cs).").AppendLine();
        report.AppendLine("| what | wall time | keys/s | our peak RSS | keys/s vs redis-cli |").AppendLine("|---|---:|---:|---:|---:|");
        report.AppendLine($"| `redis-cli --pipe < restore.resp` | {Report.Sec(result.CliSeconds)} | {keys / result.CliSeconds:N0} | — | 1.00× |");
        report.AppendLine($"| **ours** (`RedisLiveRestore`, mode replace, reading the backup's RDB from the catalog: decompressed, SHA-256 checked) | " +
                          $"{Report.Sec(result.CatalogSeconds)} | {keys / result.CatalogSeconds:N0} | {Report.Mb(fromCatalog.Max(r => r.PeakRss))} | " +
                          $"{Report.Ratio(result.CliSeconds, result.CatalogSeconds)} |");
        report.AppendLine($"| ours, the same engine reading the RDB file (the engine alone) | {Report.Sec(result.FileSeconds)} | " +
                          $"{keys / result.FileSeconds:N0} | {Report.Mb(fromFile.Max(r => r.PeakRss))} | " +
                          $"{Report.Ratio(result.CliSeconds, result.FileSeconds)} |")
            .AppendLine();
        report.AppendLine($"Our child's CPU (user + system): from the catalog {Report.Runs(fromCatalog.Select(r => r.CpuSeconds))} s, from the file " +
                          $"{Report.Runs(fromFile.Select(r => r.CpuSeconds))} s.").AppendLine();
        report.AppendLine($"Ours vs target: {Report.Ratio(result.CliSeconds, result.CatalogSeconds)} redis-cli's keys/s from the catalog, " +
                          $"{Report.Ratio(result.CliSeconds, result.FileSeconds)} from the file (target ≥ 0.8×). Our times include .NET start-up; " +
                          "redis-cli's do not include writing its input.").AppendLine();
        return result;
    }

    private static void CheckKeys(BenchRedisServer server, Dataset dataset, string what)
    {
        using var client = server.Connect();
        var keys = client.KeyCount();
        if (keys != dataset.Keys)
        {
            throw new InvalidOperationException($"{what} has {keys} keys, the primary {dataset.Keys}");
        }
    }

    /// <summary>
    /// Starts a server on the RDB; returns <paramref name="clock"/>'s time when it answers, then checks its key count and
    /// stops it (neither timed).
    /// </summary>
    private static double TimeServerStart(string folder, string rdb, Dataset dataset, Stopwatch clock)
    {
        using var server = BenchRedisServer.Start(folder, rdb);
        var seconds = clock.Elapsed.TotalSeconds;
        using var client = server.Connect();
        var keys = client.KeyCount();
        if (keys != dataset.Keys)
        {
            throw new InvalidOperationException($"the server started on {rdb} has {keys} keys, the primary {dataset.Keys}");
        }

        Console.WriteLine($"  server on {rdb}: {seconds:F2} s");
        return seconds;
    }

    /// <summary>Runs <c>redis-cli --pipe</c> on the server, feeding it what <paramref name="write"/> writes.</summary>
    private static async Task<(int Code, string Output)> PipeAsync(int port, Action<Stream> write)
    {
        var info = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", port.ToString(CultureInfo.InvariantCulture), "--no-auth-warning", "--pipe" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["REDISCLI_AUTH"] = BenchRedisServer.Password;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await using (var input = new BufferedStream(process.StandardInput.BaseStream, 1 << 20))
        {
            write(input);
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>The generated dataset.</summary>
internal sealed record Dataset(long UsedMemory, long Keys, string Keyspace, double Seconds);

/// <summary>The backup pair's medians, sizes, our peak RSS and the primary's PING p99 during each (and idle).</summary>
internal sealed record BackupResult(
    string BackupId, double OursSeconds, double CliSeconds, long OursStoredBytes, long OursAllStoredBytes, long CliStoredBytes, long RdbBytes,
    long OursPeakRss, double OursP99, double CliP99, double IdleP99);

/// <summary>The new-server medians and our peak RSS.</summary>
internal sealed record NewServerResult(double BaselineSeconds, double OursSeconds, double StreamedSeconds, long OursPeakRss);

/// <summary>The live-restore medians (keys/s = keys ÷ seconds) and our peak RSS.</summary>
internal sealed record LiveRestoreResult(long Keys, double CliSeconds, double CatalogSeconds, double FileSeconds, long OursPeakRss);

/// <summary>Everything measured at one size.</summary>
internal sealed record SizeResult(long SizeBytes, Dataset Dataset, BackupResult Backup, NewServerResult NewServer, LiveRestoreResult? Live);
