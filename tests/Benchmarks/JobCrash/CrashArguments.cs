using System.Globalization;
using DisasterRecovery.JobCrash.Tests.Harness;

namespace DisasterRecovery.Benchmarks.JobCrash;

/// <summary>The tool's arguments: <c>--kills N</c> (required), <c>--seed S</c> (default: DR_CRASH_SEED, else drawn), <c>--rows R</c>.</summary>
internal sealed record CrashArguments(int Kills, int Seed, int Rows)
{
    /// <summary>The arguments, or null (after naming the bad one on stderr) when one is missing or out of range.</summary>
    public static CrashArguments? Parse(IReadOnlyList<string> args)
    {
        var kills = Option(args, "--kills", null, 1, 100_000);
        var seed = Option(args, "--seed", CrashPlan.SeedFromEnvironment(), 1, int.MaxValue);
        var rows = Option(args, "--rows", 200_000, 1_000, 10_000_000);
        return kills is null || seed is null || rows is null ? null : new CrashArguments(kills.Value, seed.Value, rows.Value);
    }

    private static int? Option(IReadOnlyList<string> args, string name, int? fallback, int min, int max)
    {
        var at = args.ToList().IndexOf(name);
        if (at < 0)
        {
            if (fallback is null)
            {
                Console.Error.WriteLine($"{name} is required");
            }

            return fallback;
        }

        if (at + 1 < args.Count && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        Console.Error.WriteLine($"{name} must be a whole number from {min} to {max}, was '{(at + 1 < args.Count ? args[at + 1] : string.Empty)}'");
        return null;
    }
}
