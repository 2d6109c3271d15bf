using System.Globalization;
using DisasterRecovery.Benchmarks.JobCrash;
using DisasterRecovery.JobCrash.Tests.Harness;

// Issue 19 item 4: many seeded kills of the PostgreSQL jobs (backup, restore, verify) run as job-mode processes, with the crash
// test's harness; prints kills by job, signal and phase at the kill, and every invariant's checks held and violated.
//
//   dotnet run -c Release --project tests/Benchmarks/JobCrash -- --kills 200 [--seed S] [--rows 200000]
//
// The seed is printed; the same seed replays the same plan (job, signal, phase, delay, recovery per kill). Exit code 0 when
// every invariant held, 1 when one was violated, 2 on bad arguments.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (CrashArguments.Parse(args) is not { } arguments)
{
    Console.Error.WriteLine("usage: JobCrashBenchmark --kills N (1-100000) [--seed S (1-2147483647)] [--rows R (1000-10000000)]");
    return 2;
}

Console.WriteLine($"JobCrash: {arguments.Kills} kills, seed {arguments.Seed} (--seed {arguments.Seed} replays it), " +
    $"source database of {arguments.Rows} job rows; load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
await using var world = await CrashWorld.CreateAsync(arguments.Rows);
var runner = new CrashRunner(world, CrashSweepers.Default, Console.WriteLine);
await runner.PrepareAsync();
var plan = new CrashPlan(arguments.Seed);
var tally = new CrashTally();
var clock = System.Diagnostics.Stopwatch.StartNew();
for (var i = 0; i < arguments.Kills; i++)
{
    var outcome = await runner.RunAsync(plan.Next(), arguments.Seed);
    tally.Add(outcome);
    if (!outcome.AllHeld)
    {
        Console.WriteLine(outcome);
    }
}

Console.WriteLine();
Console.WriteLine($"seed {arguments.Seed}, {clock.Elapsed.TotalMinutes:F1} min, load average at the end {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine(tally.Report());
return tally.Violations.Any() ? 1 : 0;
