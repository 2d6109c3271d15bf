using System.Text;

namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>Outcomes added up: kills by job, signal and phase at the kill; each invariant's checks held and violated.</summary>
public sealed class CrashTally
{
    private readonly List<CrashOutcome> _outcomes = [];

    public IReadOnlyList<CrashOutcome> Outcomes => _outcomes;

    public void Add(CrashOutcome outcome) => _outcomes.Add(outcome);

    /// <summary>Kills whose signal reached a running job.</summary>
    public int Kills => _outcomes.Count(o => o.Killed);

    public IEnumerable<CrashOutcome> Violations => _outcomes.Where(o => !o.AllHeld);

    /// <summary>A plain-text report: a kills table (job × signal × phase) and an invariants table.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine($"{_outcomes.Count} planned kills, {Kills} landed in a running job ({_outcomes.Count - Kills} found it already ended).");
        text.AppendLine().AppendLine("kills by job, signal and phase at the kill:");
        foreach (var group in _outcomes.Where(o => o.Killed).GroupBy(o => (o.Case.Job, o.Case.Signal)).OrderBy(g => g.Key.Job).ThenBy(g => g.Key.Signal))
        {
            var phases = group.GroupBy(o => o.PhaseAtKill).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Count()}");
            text.AppendLine($"  {group.Key.Job,-8} {SignalName(group.Key.Signal),-8} {group.Count(),4}: {string.Join(", ", phases)}");
        }

        text.AppendLine().AppendLine("invariants (checks held / violated):");
        foreach (var invariant in _outcomes.SelectMany(o => o.Invariants).GroupBy(i => i.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  {invariant.Count(i => i.Held),5} / {invariant.Count(i => !i.Held),-5} {invariant.Key}");
        }

        var violations = Violations.ToList();
        if (violations.Count > 0)
        {
            text.AppendLine().AppendLine("violations:");
            foreach (var outcome in violations)
            {
                text.AppendLine("  " + outcome);
            }
        }

        return text.ToString();
    }

    public static string SignalName(CrashSignal signal) => signal == CrashSignal.Kill ? "SIGKILL" : "SIGTERM";
}
