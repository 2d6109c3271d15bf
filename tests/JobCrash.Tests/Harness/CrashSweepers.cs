namespace DisasterRecovery.JobCrash.Tests.Harness;

/// <summary>The sweeper the crash test calls between a kill and the check that nothing is left.</summary>
public static class CrashSweepers
{
    /// <summary>None yet: until issue 19 items 1–2 land, every recovery is the next run.</summary>
    public static ICrashSweeper? Default => null;
}
