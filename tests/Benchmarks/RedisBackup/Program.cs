using System.Globalization;
using System.Text;
using DisasterRecovery.Benchmarks.RedisBackup;
using DisasterRecovery.TestSupport;

// Issue 13's benchmark: on a generated mixed-type dataset, side by side in one run,
//   our backup (RedisCatalogBackup into a LocalS3 catalog) vs `redis-cli --rdb /dev/stdout | zstd -1 > file`
//     (wall time, stored size, the primary's PING p99 during each);
//   a new server from our catalog (staged to a file, then redis-server; and streamed through a named pipe) vs
//     redis-server starting on the same RDB file;
//   a live restore (RedisLiveRestore into an empty server, from the catalog and from the file) vs `redis-cli --pipe`
//     replaying the same keys' RESTORE commands (keys/s);
// with our peak memory (VmHWM of each child run) at the main size and at a smaller one.
//
//   dotnet run -c Release --project tests/Benchmarks/RedisBackup -- [--size 1GB] [--small-size 128MB] [--repeat 3] [--no-live] [--out FILE]
//
// --size is the primary's used_memory to generate (binary units); --small-size 0 skips the smaller run; --no-live skips
// the live restores. Every
// redis-server is this benchmark's own (free loopback ports, temp folders); nothing uses local/servers.
//
// Child modes (one process per measured run of ours, see Child.cs): --child backup|stage|latency ...
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var arguments = args.ToList();
if (arguments.Count > 0 && arguments[0] == "--child")
{
    return await Child.RunAsync([.. arguments.Skip(1)]);
}

var size = Report.ParseSize(OptionText(arguments, "--size") ?? "1GB");
var smallSize = Report.ParseSize(OptionText(arguments, "--small-size") ?? "128MB");
var repeat = int.Parse(OptionText(arguments, "--repeat") ?? "3", CultureInfo.InvariantCulture);
var live = !arguments.Contains("--no-live");
var output = OptionText(arguments, "--out") ?? Path.Combine(RepositoryPaths.Of(), "tests", "Benchmarks", "RedisBackup", "RESULTS.md");
var work = Directory.CreateTempSubdirectory("redis-bench-").FullName;
var report = new StringBuilder();
report.AppendLine("# Redis backup and restore benchmark (issue 13)").AppendLine();
report.AppendLine($"Command: `dotnet run -c Release --project tests/Benchmarks/RedisBackup -- {string.Join(' ', args)}`  ");
report.AppendLine($"Run at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, " +
                  $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB; {await Processes.ToolVersionAsync("redis-server")}; " +
                  $"{await Processes.ToolVersionAsync("zstd")}. Load average at the start: {Processes.LoadAverage()} (2 cores: above 2 means " +
                  "other work shared the machine).").AppendLine();
await using (var s3 = await LocalS3Host.StartAsync(Path.Combine(work, "s3")))
{
    var bucket = await s3.CreateBucketAsync(objectLock: true);
    var bench = new RedisBench(work, s3, bucket, repeat, live);
    var startups = new List<ChildRun>();
    for (var run = 0; run < 3; run++)
    {
        startups.Add(await Processes.ChildAsync("noop"));
    }

    report.AppendLine("Start-up of our child process alone (`--child noop`, included in every time of ours): " +
                      $"{Report.Runs(startups.Select(r => r.Seconds))} s " +
                      $"wall, peak RSS {Report.Mb(startups.Max(r => r.PeakRss))}.").AppendLine();
    var results = new List<SizeResult>();
    foreach (var each in smallSize > 0 ? new[] { smallSize, size } : [size])
    {
        results.Add(await bench.RunAsync(each, report));
    }

    report.AppendLine("## Peak memory of ours (VmHWM of each child run)").AppendLine();
    report.AppendLine("| dataset | RDB | backup | new-server staging | live restore |").AppendLine("|---|---:|---:|---:|---:|");
    foreach (var result in results)
    {
        report.AppendLine($"| {Report.Size(result.SizeBytes)} | {Report.Mb(result.Backup.RdbBytes)} | {Report.Mb(result.Backup.OursPeakRss)} | " +
                          $"{Report.Mb(result.NewServer.OursPeakRss)} | {(result.Live is { } restore ? Report.Mb(restore.OursPeakRss) : "not run")} |");
    }

    report.AppendLine().AppendLine("Target: < 256 MiB at any size.").AppendLine();
}

report.AppendLine($"Load average at the end: {Processes.LoadAverage()}.");
Directory.Delete(work, recursive: true);
File.WriteAllText(output, report.ToString());
Console.WriteLine(report.ToString());
Console.WriteLine($"written to {output}");
return 0;

static string? OptionText(List<string> arguments, string name)
{
    var at = arguments.IndexOf(name);
    return at >= 0 && at + 1 < arguments.Count ? arguments[at + 1] : null;
}
