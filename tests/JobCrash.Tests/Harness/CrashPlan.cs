using System.Globalization;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>The jobs under test, each a function run in job mode.</summary>
public enum CrashJob
{
    Backup,
    Restore,
    Verify,
}

/// <summary>What follows a kill before the "nothing left" and "audited" invariants are checked.</summary>
public enum CrashRecovery
{
    /// <summary>The same job runs again, to completion.</summary>
    NextRun,

    /// <summary>One sweep of the server and the bucket (leases' sweeper).</summary>
    Sweep,
}

/// <summary>One planned kill: which job, how, after which announced phase and how long after it.</summary>
public sealed record CrashCase(int Number, CrashJob Job, CrashSignal Signal, string TargetPhase, int DelayMilliseconds, CrashRecovery Recovery)
{
    public override string ToString() =>
        $"#{Number} {Job} {Signal} at '{TargetPhase}' + {DelayMilliseconds} ms, then {(Recovery == CrashRecovery.NextRun ? "the next run" : "one sweep")}";
}

/// <summary>
/// Draws kills from a seed: the same seed gives the same cases (which job, signal, phase, delay, recovery). The phases are
/// the ones each job announces in its log (issue 19's contract); a short phase gets a short delay so the kill lands in it.
/// </summary>
public sealed class CrashPlan(int seed)
{
    /// <summary>The variable that fixes the seed (otherwise one is drawn and printed).</summary>
    public const string SeedVariable = "DR_CRASH_SEED";

    /// <summary>The phases a job announces, in order.</summary>
    public static readonly IReadOnlyDictionary<CrashJob, string[]> Phases = new Dictionary<CrashJob, string[]>
    {
        [CrashJob.Backup] = ["connect", "dump", "upload", "commit"],
        [CrashJob.Restore] = ["connect", "restore-copy", "index-build", "rename", "drop"],
        [CrashJob.Verify] = ["connect", "restore-copy", "index-build", "verify-compare", "drop"],
    };

    /// <summary>Phases that last long (data moves); the others (upload: the dump's index, after the data) are a request or a statement or two.</summary>
    private static readonly HashSet<string> LongPhases = new(StringComparer.Ordinal) { "dump", "restore-copy", "index-build", "verify-compare" };

    private readonly Random _random = new(seed);
    private int _number;

    public int Seed { get; } = seed;

    /// <summary>The seed from <see cref="SeedVariable"/>, or a new one.</summary>
    public static int SeedFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next(1, int.MaxValue);

    /// <summary>A stable sub-seed for one slice of the run (e.g. one job and signal), so each slice replays alone.</summary>
    public static int Derive(int seed, CrashJob job, CrashSignal signal) => unchecked((seed * 31 + (int)job) * 31 + (int)signal) & int.MaxValue;

    /// <summary>The next kill of <paramref name="job"/> with <paramref name="signal"/>.</summary>
    public CrashCase Next(CrashJob job, CrashSignal signal)
    {
        var phases = Phases[job];
        var phase = phases[_random.Next(phases.Length)];
        var delay = LongPhases.Contains(phase) ? _random.Next(0, 1500) : _random.Next(0, 40);
        var recovery = _random.Next(2) == 0 ? CrashRecovery.NextRun : CrashRecovery.Sweep;
        return new CrashCase(++_number, job, signal, phase, delay, recovery);
    }

    /// <summary>The next kill of any job with any signal.</summary>
    public CrashCase Next() => Next((CrashJob)_random.Next(3), _random.Next(2) == 0 ? CrashSignal.Kill : CrashSignal.Terminate);
}
